/**
 * The repository's bitbucket-pipelines.yml, written to match the steps the simulation runs (names, parallel group,
 * sizes, time limits, images, deployments), with the habits the suggestions look for: no cache on the install step
 * and a slow test step that is not split.
 */
import type { RepoSpec, Stack, StepSpec } from './repo-specs';

const SCRIPTS: Record<Stack, Record<string, string[]>> = {
  node: {
    Install: ['npm ci'],
    Lint: ['npm ci', 'npm run lint'],
    'Unit tests': [
      'npm ci',
      'npx jest --ci --reporters=default --reporters=jest-junit --selectProjects unit',
    ],
    'Integration tests': [
      'npm ci',
      'npx jest --ci --reporters=default --reporters=jest-junit --selectProjects integration',
    ],
    Build: ['npm ci', 'npm run build'],
    'Deploy to staging': ['pipe: atlassian/aws-s3-deploy:1.6.0'],
  },
  java: {
    Install: ['./mvnw -B dependency:go-offline'],
    Lint: ['./mvnw -B checkstyle:check'],
    'Unit tests': ['./mvnw -B test'],
    'Integration tests': ['./mvnw -B verify -DskipUnitTests'],
    Build: ['./mvnw -B package -DskipTests'],
    'Deploy to staging': ['./scripts/deploy.sh staging'],
  },
  shell: {
    Lint: ['shellcheck scripts/*.sh', 'terraform fmt -check -recursive'],
    'Unit tests': ['bats --report-formatter junit --output test-results tests/'],
    Build: ['terraform init -input=false', 'terraform plan -out=tfplan'],
    'Deploy to staging': ['terraform apply -input=false tfplan'],
    'Deploy to production': ['terraform apply -input=false tfplan'],
  },
};

const anchor = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function stepDefinition(repo: RepoSpec, step: StepSpec, defaultImage: string): string[] {
  const lines = [`    - step: &${anchor(step.name)}`, `        name: ${step.name}`];
  if (step.image !== defaultImage) lines.push(`        image: ${step.image}`);
  if (step.size > 1) lines.push(`        size: ${step.size}x`);
  if (step.maxTimeMinutes !== 120) lines.push(`        max-time: ${step.maxTimeMinutes}`);
  if (step.manual) lines.push('        trigger: manual');
  if (step.deployment) lines.push(`        deployment: ${step.deployment.toLowerCase()}`);
  if (step.suite === 'integration') lines.push('        services:', '          - postgres');
  if (repo.stack === 'java' && step.name !== 'Install') lines.push('        caches:', '          - maven');
  lines.push(
    '        script:',
    ...(SCRIPTS[repo.stack][step.name] ?? ['echo "nothing to do"']).map((c) => `          - ${c}`),
  );
  return lines;
}

function stepList(steps: StepSpec[], indent: string): string[] {
  const lines: string[] = [];
  const groups = [...new Set(steps.map((s) => s.group))].sort((a, b) => a - b);
  for (const group of groups) {
    const members = steps.filter((s) => s.group === group);
    if (members.length === 1 && members[0]) {
      lines.push(`${indent}- step: *${anchor(members[0].name)}`);
      continue;
    }
    lines.push(`${indent}- parallel:`, `${indent}    steps:`);
    for (const m of members) lines.push(`${indent}      - step: *${anchor(m.name)}`);
  }
  return lines;
}

export function pipelinesYml(repo: RepoSpec): string {
  const defaultImage = repo.steps[0]?.image ?? 'atlassian/default-image:4';
  const featureSteps = repo.steps.filter((s) => !s.defaultBranchOnly);
  const lines = [`image: ${defaultImage}`, '', 'definitions:'];
  if (repo.steps.some((s) => s.suite === 'integration')) {
    lines.push(
      '  services:',
      '    postgres:',
      '      image: postgres:16',
      '      variables:',
      '        POSTGRES_PASSWORD: $DB_PASSWORD',
    );
  }
  lines.push('  steps:');
  for (const step of repo.steps) lines.push(...stepDefinition(repo, step, defaultImage));
  lines.push('', 'pipelines:', '  branches:', `    ${repo.mainBranch}:`, ...stepList(repo.steps, '      '));
  lines.push("    'feature/*':", ...stepList(featureSteps, '      '));
  lines.push('  pull-requests:', "    '**':", ...stepList(featureSteps, '      '));
  return lines.join('\n') + '\n';
}

/** What a commit with a broken configuration holds: `script` is a string, not a list. */
export function brokenPipelinesYml(repo: RepoSpec): string {
  return pipelinesYml(repo).replace(/script:\n {10}- ([^\n]*)/, 'script: $1');
}
