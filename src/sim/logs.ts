/**
 * Step logs as Pipelines writes them: the clone preamble, the image pull, each command with its output, test
 * output for test steps, and the failure phrase at the very end for failed steps (which is why clients read the
 * tail with a Range request). Integration tests of the Java service log verbosely, so their logs reach ~1 MB.
 */
import type { SimAttempt, SimPipeline, SimRepo, SimStep } from './model';
import { createRng, type Rng } from './prng';
import type { Stack } from './repo-specs';

const VERBOSE_LOG_BYTES = 1_000_000;

function clock(start: number, offsetMs: number): string {
  return new Date(start + offsetMs).toISOString().slice(11, 23);
}

function preamble(repo: SimRepo, pipeline: SimPipeline, step: SimStep): string[] {
  return [
    `+ umask 000`,
    `+ GIT_LFS_SKIP_SMUDGE=1 retry 6 git clone --branch="${pipeline.target.kind === 'branch' ? pipeline.target.branch : pipeline.target.source}" --depth 50 https://x-token-auth:$REPOSITORY_OAUTH_ACCESS_TOKEN@bitbucket.org/$BITBUCKET_REPO_FULL_NAME.git $BUILD_DIR`,
    `Cloning into '/opt/atlassian/pipelines/agent/build'...`,
    `+ git reset --hard ${pipeline.target.commit}`,
    `HEAD is now at ${pipeline.target.commit.slice(0, 7)} ${repo.name}: ${step.name.toLowerCase()} changes`,
    `+ git config user.name bitbucket-pipelines`,
    `+ git config user.email commits-noreply@bitbucket.org`,
    `Images used:`,
    `    build : docker.io/library/${step.image}@sha256:${createRng(step.image).hex(64)}`,
  ];
}

function installOutput(stack: Stack, rng: Rng): string[] {
  if (stack === 'node') {
    return [
      '+ npm ci',
      ...Array.from(
        { length: 40 },
        (_, i) => `npm WARN deprecated package-${i}@1.${i}.0: this version is no longer supported`,
      ),
      `added ${rng.int(1300, 1500)} packages, and audited ${rng.int(1500, 1600)} packages in ${rng.int(30, 70)}s`,
      '',
      `${rng.int(150, 200)} packages are looking for funding`,
      '  run `npm fund` for details',
      '',
      'found 0 vulnerabilities',
    ];
  }
  if (stack === 'java') {
    return Array.from(
      { length: 180 },
      (_, i) =>
        `Downloaded from central: https://repo.maven.apache.org/maven2/org/example/lib-${i}/2.${i % 9}.0/lib-${i}-2.${i % 9}.0.jar (${rng.int(10, 900)} kB at ${rng.int(1, 9)}.${rng.int(0, 9)} MB/s)`,
    );
  }
  return [
    '+ terraform init -input=false',
    'Initializing provider plugins...',
    '- Installing hashicorp/aws v6.40.0...',
    'Terraform has been successfully initialized!',
  ];
}

function testOutput(repo: SimRepo, attempt: SimAttempt, rng: Rng): string[] {
  const tests = attempt.tests;
  if (!tests) return [];
  const failed = new Map(tests.failed.map((f) => [f.fullyQualifiedName, f]));
  const lines: string[] = [];
  for (const test of repo.suites[tests.suite] ?? []) {
    const failure = failed.get(test.fullyQualifiedName);
    const mark = failure ? '✕' : test.skipped ? '○ skipped' : '✓';
    lines.push(`  ${mark} ${test.name.slice(0, 200)} (${Math.round(test.durationMs * rng.noise(0.2))} ms)`);
    if (failure) lines.push(...failure.message.split('\n').map((l) => `    ${l}`));
  }
  const passed = (repo.suites[tests.suite]?.length ?? 0) - tests.failed.length;
  lines.push(
    '',
    `Tests:       ${tests.failed.length} failed, ${passed} passed, ${passed + tests.failed.length} total`,
  );
  return lines;
}

/** Spring Boot at DEBUG: the kind of noise that makes a full log download expensive. */
function verboseOutput(rng: Rng, start: number, targetBytes: number): string[] {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const line = `${clock(start, i * 37)} DEBUG 1 --- [    Test worker] o.h.SQL : select a1_0.id,a1_0.balance,a1_0.currency,a1_0.version from account a1_0 where a1_0.id=? for update /* txn ${rng.hex(12)} */`;
    lines.push(line);
    bytes += line.length + 1;
  }
  return lines;
}

export function stepLog(
  repo: SimRepo,
  pipeline: SimPipeline,
  step: SimStep,
  attempt: SimAttempt,
  stack: Stack,
): string {
  const rng = createRng(`${step.uuid}:${attempt.runNumber}`);
  const start = Date.parse(attempt.startedOn);
  const lines = [...preamble(repo, pipeline, step)];
  if (attempt.failure?.kind === 'docker-rate-limit') {
    lines.push(`Error response from daemon: ${attempt.failure.phrase}`);
    return lines.join('\n') + '\n';
  }
  if (step.name === 'Install' || attempt.failure?.kind === 'dependency-install')
    lines.push(...installOutput(stack, rng));
  lines.push(...testOutput(repo, attempt, rng));
  if (stack === 'java' && step.name === 'Integration tests' && attempt.result !== 'NOT_RUN') {
    lines.push(...verboseOutput(rng, start, VERBOSE_LOG_BYTES));
  }
  if (attempt.failure) lines.push(...attempt.failure.phrase.split('\n'));
  else lines.push('', `Step completed in ${attempt.durationSeconds}s`);
  return lines.join('\n') + '\n';
}
