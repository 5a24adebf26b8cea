/**
 * A deterministic Bitbucket workspace history with known truth: same seed and `now`, same bytes. `advance` moves
 * `now` forward, adding pipelines and reruns, so incremental sync can be tested against the same truth.
 */
import type {
  SimBrokenPlan,
  SimFlakyTruth,
  SimIncident,
  SimPlanted,
  SimRepo,
  SimRepoTruth,
  SimTestDef,
  SimTruth,
  SimWorkspace,
} from './model';
import { createRng, hashString, type Rng } from './prng';
import { pipelinesYml } from './pipelines-yml';
import { DEFAULT_REPOS, type RepoSpec } from './repo-specs';
import { type ForcedPush, type RepoContext, rerunFailedSteps, simulateWindow } from './simulate';
import { plantPullRequestBreakage } from './pr-breakage';
import { hostileTest, makeSuite } from './test-suites';
import { pipelineView, isVisible } from './view';

export type { RepoSpec } from './repo-specs';
export { DEFAULT_REPOS } from './repo-specs';

export interface GenerateOptions {
  seed: number;
  now: Date;
  /** Days of history before `now`; 30 by default. */
  days?: number;
  repos?: RepoSpec[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (t: number): string => new Date(t).toISOString();

export function generateWorkspace(options: GenerateOptions): SimWorkspace {
  const days = options.days ?? 30;
  const now = options.now.getTime();
  const start = now - days * DAY;
  const specs = options.repos ?? DEFAULT_REPOS;
  const rng = createRng(options.seed);
  const planted = plantedFacts(specs, start, days, now);
  const ws: SimWorkspace = {
    slug: 'acme',
    uuid: rng.uuid(),
    name: 'Acme',
    seed: options.seed,
    now: iso(now),
    repos: specs.map((spec) => newRepo(spec, rng, start)),
    planted,
    truth: { repos: {}, infraBursts: [], hostileTestName: '' },
  };
  for (const repo of ws.repos) plantTests(ws, repo, rng, start, days);
  for (const ctx of contexts(ws, options.seed)) {
    simulateWindow(ctx, start, now, forcedPushes(ctx.spec, now));
    plantPullRequestBreakage(ws, ctx.repo, ctx.spec, now);
  }
  ws.truth = computeTruth(ws);
  return ws;
}

/**
 * Moves `now` forward by `hours`: the plan already holds runs that were in progress or rerun later; this adds the
 * new pushes of the window and reruns of a few older failures, then recomputes the truth. Mutates `ws`.
 */
export function advance(ws: SimWorkspace, options: { hours: number; seed: number }): SimWorkspace {
  const from = Date.parse(ws.now);
  const to = from + options.hours * HOUR;
  for (const ctx of contexts(ws, `${ws.seed}:${options.seed}:${ws.now}`)) {
    rerunOldFailures(ctx, from, to);
    simulateWindow(ctx, from, to);
  }
  ws.now = iso(to);
  ws.truth = computeTruth(ws);
  return ws;
}

function contexts(ws: SimWorkspace, seed: number | string): RepoContext[] {
  return ws.repos.map((repo) => {
    const spec = ws.planted.specs.find((s) => s.slug === repo.slug);
    const state = ws.planted.repoState[repo.slug];
    if (!spec || !state) throw new Error(`no plan for repository ${repo.slug}`);
    return { ws, repo, spec, state, rng: createRng(hashString(`${seed}:${repo.slug}`)) };
  });
}

function newRepo(spec: RepoSpec, rng: Rng, start: number): SimRepo {
  return {
    uuid: rng.uuid(),
    slug: spec.slug,
    name: spec.name,
    mainBranch: spec.mainBranch,
    language: { node: 'typescript', java: 'java', shell: 'shell' }[spec.stack],
    createdOn: iso(start - 400 * DAY),
    suites: {
      ...(spec.unitTests > 0 ? { unit: makeSuite(rng, spec.stack, 'unit', spec.unitTests) } : {}),
      ...(spec.integrationTests > 0
        ? { integration: makeSuite(rng, spec.stack, 'integration', spec.integrationTests) }
        : {}),
    },
    pipelines: [],
    brokenYmlCommits: [],
    pipelinesYml: pipelinesYml(spec),
  };
}

/** One-off failures, spread over the history as fractions of it so shorter histories keep them all. */
function incidents(specs: RepoSpec[], start: number, days: number): SimIncident[] {
  const at = (fraction: number): string => iso(start + Math.floor(fraction * days) * DAY);
  const plan: Omit<SimIncident, 'consumed'>[] = [];
  for (const spec of specs) {
    const has = (name: string): boolean => spec.steps.some((s) => s.name === name);
    if (has('Install')) {
      plan.push({
        repo: spec.slug,
        at: at(0.2),
        kind: 'dependency-install',
        stepName: 'Install',
        branch: 'any',
      });
      plan.push({
        repo: spec.slug,
        at: at(0.7),
        kind: 'dependency-install',
        stepName: 'Install',
        branch: 'any',
      });
    }
    if (has('Build'))
      plan.push({ repo: spec.slug, at: at(0.13), kind: 'compile', stepName: 'Build', branch: 'feature' });
    if (spec.stack === 'node')
      plan.push({ repo: spec.slug, at: at(0.37), kind: 'config-error', branch: 'feature' });
    if (spec.stack === 'java' && has('Integration tests')) {
      plan.push({
        repo: spec.slug,
        at: at(0.5),
        kind: 'time-limit',
        stepName: 'Integration tests',
        branch: 'any',
      });
    }
    if (spec.stack === 'shell' && has('Build')) {
      plan.push({
        repo: spec.slug,
        at: at(0.3),
        kind: 'docker-rate-limit',
        stepName: 'Build',
        branch: 'any',
      });
    }
  }
  return plan.map((i) => ({ ...i, consumed: false }));
}

function plantedFacts(specs: RepoSpec[], start: number, days: number, now: number): SimPlanted {
  const burstDay = (Math.floor(start / DAY) + Math.floor(days * 0.6)) * DAY;
  const repoState: SimPlanted['repoState'] = {};
  const slowingSince: Record<string, string> = {};
  for (const spec of specs) {
    repoState[spec.slug] = {
      mainHead: '0'.repeat(40),
      mainCommits: 0,
      nextPullRequestId: 1,
      openBranches: [],
      branchCounter: 0,
    };
    if (spec.plant.slowingStep) slowingSince[spec.slug] = iso(now - Math.min(14, days / 2) * DAY);
  }
  return {
    specs,
    slowingSince,
    infraBursts: [{ from: iso(burstDay + 13 * HOUR), to: iso(burstDay + 16 * HOUR) }],
    flaky: [],
    broken: [],
    pullRequestBreakages: [],
    failures: [],
    incidents: incidents(specs, start, days),
    hostileTestName: '',
    repoState,
  };
}

/** Picks distinct, never-skipped tests of a suite. */
function pickTests(rng: Rng, suite: SimTestDef[], count: number, taken: Set<string>): SimTestDef[] {
  const picked: SimTestDef[] = [];
  for (let guard = 0; picked.length < count && guard < suite.length * 20; guard++) {
    const test = rng.pick(suite);
    if (test.skipped || taken.has(test.fullyQualifiedName)) continue;
    taken.add(test.fullyQualifiedName);
    picked.push(test);
  }
  return picked;
}

/** Planted days are given for a 30-day history and scaled to the one generated. */
function plantTests(ws: SimWorkspace, repo: SimRepo, rng: Rng, start: number, days: number): void {
  const spec = ws.planted.specs.find((s) => s.slug === repo.slug);
  const unit = repo.suites['unit'];
  if (!spec || !unit) return;
  const taken = new Set<string>();
  const dayAt = (day: number): string => iso(start + Math.floor((day / 30) * days * DAY));
  const flaky = (test: SimTestDef, suite: string, band: 'low' | 'moderate', rate: number): SimFlakyTruth => ({
    repo: repo.slug,
    fullyQualifiedName: test.fullyQualifiedName,
    suite,
    rate: Math.round(rate * 1000) / 1000,
    band,
  });
  for (const test of pickTests(rng, unit, spec.plant.flakyLow, taken)) {
    ws.planted.flaky.push(flaky(test, 'unit', 'low', 0.005 + rng.next() * 0.015));
  }
  const integration = repo.suites['integration'] ?? unit;
  const integrationKey = repo.suites['integration'] ? 'integration' : 'unit';
  for (const test of pickTests(rng, integration, spec.plant.flakyModerate, taken)) {
    ws.planted.flaky.push(flaky(test, integrationKey, 'moderate', 0.05 + rng.next() * 0.1));
  }
  if (spec.plant.hostileTest) {
    const hostile = hostileTest();
    unit.push(hostile);
    ws.planted.hostileTestName = hostile.fullyQualifiedName;
    ws.planted.flaky.push(flaky(hostile, 'unit', 'moderate', 0.08));
  }
  if (spec.plant.becomesFlakyOnDay !== undefined) {
    for (const test of pickTests(rng, integration, 1, taken)) {
      const since = dayAt(spec.plant.becomesFlakyOnDay);
      ws.planted.flaky.push({ ...flaky(test, integrationKey, 'moderate', 0.1), sinceTime: since });
    }
  }
  if (spec.plant.brokenForCommits !== undefined) {
    for (const test of pickTests(rng, unit, 1, taken)) {
      const plan: SimBrokenPlan = {
        truth: {
          repo: repo.slug,
          fullyQualifiedName: test.fullyQualifiedName,
          suite: 'unit',
          brokenForCommits: spec.plant.brokenForCommits,
        },
        breakAfter: dayAt(12),
      };
      ws.planted.broken.push(plan);
    }
  }
}

/** Pipelines left running or waiting at `now`, so clients meet unfinished work. */
function forcedPushes(spec: RepoSpec, now: number): ForcedPush[] {
  const forced: ForcedPush[] = [];
  if (spec.stack === 'node') forced.push({ at: now - 6 * MINUTE, branch: 'default' });
  if (spec.stack === 'java') forced.push({ at: now - 11 * MINUTE, branch: 'feature' });
  if (spec.steps.some((s) => s.manual))
    forced.push({ at: now - 3 * HOUR, branch: 'default', manualDelayMs: 5 * HOUR });
  return forced;
}

/** People come back to older red builds and hit "Rerun failed steps". */
function rerunOldFailures(ctx: RepoContext, from: number, to: number): void {
  const candidates = ctx.repo.pipelines.filter((p) => {
    if (p.rerunsOn.length > 0 || p.configError) return false;
    const view = pipelineView(p, from);
    return (
      view.state === 'COMPLETED' && view.result !== 'SUCCESSFUL' && Date.parse(view.completedOn ?? '') < from
    );
  });
  for (const pipeline of candidates.slice(-2)) {
    rerunFailedSteps(ctx, pipeline, from + Math.floor(ctx.rng.next() * (to - from) * 0.5));
  }
}

export function computeTruth(ws: SimWorkspace): SimTruth {
  const now = Date.parse(ws.now);
  const repos: Record<string, SimRepoTruth> = {};
  for (const repo of ws.repos) {
    const spec = ws.planted.specs.find((s) => s.slug === repo.slug);
    const visible = repo.pipelines.filter((p) => isVisible(p, now));
    repos[repo.slug] = {
      flakyTests: ws.planted.flaky.filter((f) => f.repo === repo.slug && (!f.sinceTime || f.sinceCommit)),
      brokenTests: ws.planted.broken
        .filter((b) => b.truth.repo === repo.slug && b.truth.brokenAtCommit)
        .map((b) => b.truth),
      pullRequestBreakages: ws.planted.pullRequestBreakages.filter((b) => b.repo === repo.slug),
      failures: ws.planted.failures.filter((f) => f.repo === repo.slug && Date.parse(f.at) <= now),
      pipelines: visible.map((p) => pipelineTruth(p, now)),
      oomSteps: spec?.plant.oomStep
        ? [{ stepName: spec.plant.oomStep.name, rate: spec.plant.oomStep.rate }]
        : [],
      slowingSteps:
        spec?.plant.slowingStep && ws.planted.slowingSince[repo.slug]
          ? [
              {
                stepName: spec.plant.slowingStep,
                dailyGrowth: 0.02,
                since: ws.planted.slowingSince[repo.slug] ?? '',
              },
            ]
          : [],
      sameCommitReruns: sameCommitReruns(visible),
      stepReruns: visible.flatMap((p) =>
        p.steps.flatMap((s) =>
          s.attempts
            .filter((a) => a.trigger === 'pipeline_step_trigger_redeploy' && Date.parse(a.scheduledOn) <= now)
            .map((a) => ({
              pipelineUuid: p.uuid,
              buildNumber: p.buildNumber,
              stepName: s.name,
              runNumber: a.runNumber,
            })),
        ),
      ),
    };
  }
  return { repos, infraBursts: ws.planted.infraBursts, hostileTestName: ws.planted.hostileTestName };
}

function pipelineTruth(
  p: SimWorkspace['repos'][number]['pipelines'][number],
  now: number,
): SimRepoTruth['pipelines'][number] {
  const view = pipelineView(p, now);
  return {
    uuid: p.uuid,
    buildNumber: p.buildNumber,
    commit: p.target.commit,
    refName: p.target.kind === 'branch' ? p.target.branch : p.target.source,
    createdOn: p.createdOn,
    state: view.state === 'COMPLETED' ? 'COMPLETED' : 'IN_PROGRESS',
    ...(view.result ? { result: view.result } : {}),
    completedAttempts: p.steps.flatMap((s) => {
      const done = s.attempts.filter((a) => Date.parse(a.completedOn) <= now);
      return done.map((a, i) => ({
        stepUuid: s.uuid,
        stepName: s.name,
        runNumber: a.runNumber,
        result: a.result,
        completedOn: a.completedOn,
        overwritten:
          i < done.length - 1 ||
          s.attempts.some((later) => later.runNumber > a.runNumber && Date.parse(later.scheduledOn) <= now),
      }));
    }),
  };
}

function sameCommitReruns(pipelines: SimRepo['pipelines']): SimRepoTruth['sameCommitReruns'] {
  const byKey = new Map<string, number[]>();
  for (const p of pipelines) {
    const key = `${p.target.kind}:${p.target.kind === 'branch' ? p.target.branch : p.target.pullRequestId}:${p.target.commit}`;
    byKey.set(key, [...(byKey.get(key) ?? []), p.buildNumber]);
  }
  return [...byKey.entries()]
    .filter(([, builds]) => builds.length > 1)
    .map(([key, buildNumbers]) => ({ commit: key.split(':').pop() ?? '', buildNumbers }));
}
