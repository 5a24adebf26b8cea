/**
 * Plays a repository's history forward in time: pushes to the default branch and to feature branches, pull
 * request pipelines, steps with their outcomes, and the reruns people do after a failure. Events are processed in
 * time order so build numbers follow creation order, as in Bitbucket.
 */
import { failureFor, OUTAGE_TEST_MESSAGE, PHRASES, testFailureMessage } from './failure-text';
import type {
  SimAttempt,
  SimFailedTest,
  SimFailure,
  SimFailureKind,
  SimPipeline,
  SimRepo,
  SimRepoState,
  SimStep,
  SimStepTrigger,
  SimTarget,
  SimTestRun,
  SimWorkspace,
} from './model';
import type { Rng } from './prng';
import type { RepoSpec, StepSpec } from './repo-specs';
import { pipelineView } from './view';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const AUTHORS = ['Priya Raman', 'Jonas Weber', 'Aiko Tanaka', 'Mateo García', 'Chloé Martin', 'Sam Okafor'];
const BRANCH_TOPICS = [
  'checkout-retry',
  'dark-mode',
  'refund-limits',
  'cache-headers',
  'upgrade-deps',
  'audit-log',
  'fix-rounding',
  'new-onboarding',
  'rate-limiter',
  'split-bundles',
  'iban-validation',
  'dns-cutover',
];

export interface RepoContext {
  ws: SimWorkspace;
  repo: SimRepo;
  spec: RepoSpec;
  state: SimRepoState;
  rng: Rng;
}

/** A push the window must include, used to leave pipelines running or paused at `now`. */
export interface ForcedPush {
  at: number;
  branch: 'default' | 'feature';
  /** Delay before someone triggers the manual step. */
  manualDelayMs?: number;
}

type SimEvent =
  { at: number; kind: 'push'; forced?: ForcedPush } | { at: number; kind: 'rerun-pipeline'; of: SimPipeline };

const iso = (t: number): string => new Date(t).toISOString();

/** Working-hours push times with a quieter weekend, within (from, to]. */
function pushTimes(ctx: RepoContext, from: number, to: number): number[] {
  const times: number[] = [];
  for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    const mean = ctx.spec.pipelinesPerDay * (weekday === 0 || weekday === 6 ? 0.25 : 1);
    const count = Math.max(0, Math.round(mean * ctx.rng.noise(0.35)));
    for (let i = 0; i < count; i++) {
      const t = day + 7 * HOUR + Math.floor(ctx.rng.next() * 12 * HOUR);
      if (t > from && t <= to) times.push(t);
    }
  }
  return times.sort((a, b) => a - b);
}

export function simulateWindow(ctx: RepoContext, from: number, to: number, forced: ForcedPush[] = []): void {
  const queue: SimEvent[] = pushTimes(ctx, from, to).map((at) => ({ at, kind: 'push' as const }));
  for (const f of forced) queue.push({ at: f.at, kind: 'push', forced: f });
  queue.sort((a, b) => a.at - b.at);
  while (queue.length > 0) {
    const event = queue.shift();
    if (!event) break;
    const created =
      event.kind === 'push' ? push(ctx, event.at, event.forced) : rerunPipeline(ctx, event.of, event.at);
    const follow = created ? afterFailure(ctx, created) : undefined;
    if (follow && follow.at <= to) {
      const index = queue.findIndex((e) => e.at > follow.at);
      queue.splice(index === -1 ? queue.length : index, 0, follow);
    }
  }
}

function newCommit(ctx: RepoContext): string {
  return ctx.rng.hex(40);
}

function push(ctx: RepoContext, at: number, forced?: ForcedPush): SimPipeline | undefined {
  const toDefault = forced ? forced.branch === 'default' : ctx.rng.chance(0.3);
  return toDefault ? pushDefault(ctx, at, forced) : pushFeature(ctx, at);
}

function pushDefault(ctx: RepoContext, at: number, forced?: ForcedPush): SimPipeline {
  const { state } = ctx;
  // A merge closes the branch that has had the most work.
  const merged = state.openBranches.findIndex((b) => b.pushes >= 2);
  if (merged !== -1) state.openBranches.splice(merged, 1);
  state.mainHead = newCommit(ctx);
  state.mainCommits += 1;
  markBrokenCommits(ctx, at);
  const target: SimTarget = {
    kind: 'branch',
    branch: ctx.repo.mainBranch,
    commit: state.mainHead,
    selector: 'default',
  };
  return createPipeline(ctx, at, target, 'PUSH', state.mainCommits, forced?.manualDelayMs);
}

function markBrokenCommits(ctx: RepoContext, at: number): void {
  for (const plan of ctx.ws.planted.broken) {
    if (plan.truth.repo !== ctx.repo.slug) continue;
    if (plan.breakIndex === undefined && at >= Date.parse(plan.breakAfter)) {
      plan.breakIndex = ctx.state.mainCommits;
      plan.truth.brokenAtCommit = ctx.state.mainHead;
    } else if (
      plan.breakIndex !== undefined &&
      ctx.state.mainCommits === plan.breakIndex + plan.truth.brokenForCommits
    ) {
      plan.truth.fixedAtCommit = ctx.state.mainHead;
    }
  }
  for (const flaky of ctx.ws.planted.flaky) {
    if (
      flaky.repo === ctx.repo.slug &&
      flaky.sinceTime &&
      !flaky.sinceCommit &&
      at >= Date.parse(flaky.sinceTime)
    ) {
      flaky.sinceCommit = ctx.state.mainHead;
      flaky.sinceTime = iso(at);
    }
  }
}

function pushFeature(ctx: RepoContext, at: number): SimPipeline | undefined {
  const { state, rng } = ctx;
  if (state.openBranches.length === 0 || rng.chance(0.3)) {
    state.branchCounter += 1;
    const topic = rng.pick(BRANCH_TOPICS);
    state.openBranches.push({
      name: `feature/${ctx.spec.issueKey}-${100 + state.branchCounter}-${topic}`,
      head: '',
      pushes: 0,
      title: `${ctx.spec.issueKey}-${100 + state.branchCounter} ${topic.replace(/-/g, ' ')}`,
    });
  }
  const branch = rng.pick(state.openBranches);
  branch.head = newCommit(ctx);
  branch.pushes += 1;
  if (branch.pushes > 1 && branch.pullRequestId === undefined && rng.chance(0.7)) {
    branch.pullRequestId = state.nextPullRequestId++;
  }
  const target: SimTarget =
    branch.pullRequestId === undefined
      ? {
          kind: 'branch',
          branch: branch.name,
          commit: branch.head,
          selector: 'branches',
          pattern: 'feature/*',
        }
      : {
          kind: 'pullrequest',
          pullRequestId: branch.pullRequestId,
          title: branch.title,
          source: branch.name,
          destination: ctx.repo.mainBranch,
          commit: branch.head,
          destinationCommit: state.mainHead,
        };
  return createPipeline(ctx, at, target, 'PUSH');
}

function nextBuildNumber(repo: SimRepo): number {
  return repo.pipelines.reduce((max, p) => Math.max(max, p.buildNumber), 0) + 1;
}

function createPipeline(
  ctx: RepoContext,
  at: number,
  target: SimTarget,
  trigger: 'PUSH' | 'MANUAL',
  mainCommitIndex?: number,
  manualDelayMs?: number,
): SimPipeline {
  const isDefault = target.kind === 'branch' && target.branch === ctx.repo.mainBranch;
  const pipeline: SimPipeline = {
    uuid: ctx.rng.uuid(),
    buildNumber: nextBuildNumber(ctx.repo),
    createdOn: iso(at),
    trigger,
    target,
    steps: [],
    rerunsOn: [],
    author: ctx.rng.pick(AUTHORS),
    ...(mainCommitIndex === undefined ? {} : { mainCommitIndex }),
  };
  ctx.repo.pipelines.push(pipeline);
  if (!isDefault && takeIncident(ctx, at, 'config-error', undefined, false)) {
    pipeline.configError = { key: 'plan-service.parse.parse-failed', message: PHRASES.configError };
    ctx.repo.brokenYmlCommits.push(target.commit);
    recordFailure(ctx, pipeline, 'bitbucket-pipelines.yml', 1, 'config-error', PHRASES.configError, at);
    return pipeline;
  }
  pipeline.steps = ctx.spec.steps
    .filter((s) => isDefault || !s.defaultBranchOnly)
    .map((s) => newStep(ctx, s));
  runRound(ctx, pipeline, new Set(pipeline.steps.map((s) => s.name)), at, 1, manualDelayMs);
  return pipeline;
}

function newStep(ctx: RepoContext, spec: StepSpec): SimStep {
  return {
    uuid: ctx.rng.uuid(),
    name: spec.name,
    image: spec.image,
    size: spec.size,
    maxTimeMinutes: spec.maxTimeMinutes,
    // Both spellings appear in real responses; which one a step gets is arbitrary but stable.
    maxTimeField: spec.group % 2 === 0 ? 'maxTime' : 'max_time',
    manual: spec.manual ?? false,
    attempts: [],
    ...(spec.deployment ? { deploymentEnvironment: { uuid: ctx.rng.uuid(), name: spec.deployment } } : {}),
  };
}

function stepSpec(ctx: RepoContext, name: string): StepSpec {
  const spec = ctx.spec.steps.find((s) => s.name === name);
  if (!spec) throw new Error(`unknown step ${name} in ${ctx.repo.slug}`);
  return spec;
}

/** Queue wait before the first step: longer in the morning rush, when every team pushes. */
function queueWaitMs(rng: Rng, at: number): number {
  const hour = new Date(at).getUTCHours();
  return (hour >= 9 && hour < 11 ? rng.int(40, 420) : rng.int(8, 75)) * 1000;
}

/**
 * Runs the named steps group by group from `at`. A failure marks the later groups NOT_RUN; parallel siblings
 * still run to the end, as Pipelines does without fail-fast.
 */
function runRound(
  ctx: RepoContext,
  pipeline: SimPipeline,
  names: Set<string>,
  at: number,
  runNumber: number,
  manualDelayMs?: number,
): void {
  const groups = [...new Set(ctx.spec.steps.map((s) => s.group))].sort((a, b) => a - b);
  let t = at + queueWaitMs(ctx.rng, at);
  let failed = false;
  for (const group of groups) {
    const steps = pipeline.steps.filter((s) => names.has(s.name) && stepSpec(ctx, s.name).group === group);
    let groupEnd = t;
    for (const step of steps) {
      const rerun = runNumber > 1 && step.attempts[step.attempts.length - 1]?.result !== 'NOT_RUN';
      const attempt = failed
        ? notRun(step, at, t, runNumber)
        : runStep(ctx, pipeline, step, t, runNumber, rerun, manualDelayMs);
      step.attempts.push(attempt);
      groupEnd = Math.max(groupEnd, Date.parse(attempt.completedOn));
      if (attempt.result !== 'SUCCESSFUL') failed = true;
    }
    t = groupEnd;
  }
}

function notRun(step: SimStep, scheduled: number, at: number, runNumber: number): SimAttempt {
  return {
    runNumber,
    scheduledOn: iso(scheduled),
    trigger: step.manual ? 'pipeline_step_trigger_manual' : 'pipeline_step_trigger_automatic',
    startedOn: iso(at),
    completedOn: iso(at),
    result: 'NOT_RUN',
    durationSeconds: 0,
    buildSecondsUsed: 0,
  };
}

interface Outcome {
  seconds: number;
  failure?: SimFailure;
  tests?: SimTestRun;
}

function runStep(
  ctx: RepoContext,
  pipeline: SimPipeline,
  step: SimStep,
  ready: number,
  runNumber: number,
  rerun: boolean,
  manualDelayMs?: number,
): SimAttempt {
  const spec = stepSpec(ctx, step.name);
  const triggeredAt = step.manual ? ready + (manualDelayMs ?? ctx.rng.int(10, 180) * MINUTE) : ready;
  const start = triggeredAt + ctx.rng.int(3, 25) * 1000;
  const outcome = decideOutcome(ctx, pipeline, spec, start);
  const trigger: SimStepTrigger = rerun
    ? 'pipeline_step_trigger_redeploy'
    : step.manual
      ? 'pipeline_step_trigger_manual'
      : 'pipeline_step_trigger_automatic';
  const result =
    outcome.failure?.kind === 'system-error' ? 'ERROR' : outcome.failure ? 'FAILED' : 'SUCCESSFUL';
  const attempt: SimAttempt = {
    runNumber,
    scheduledOn: iso(step.manual ? triggeredAt : ready),
    trigger,
    startedOn: iso(start),
    completedOn: iso(start + outcome.seconds * 1000),
    result,
    durationSeconds: outcome.seconds,
    // Billing rounds up the container's lifetime, which includes a little setup before the script.
    buildSecondsUsed: outcome.seconds + ctx.rng.int(0, 4),
    ...(outcome.failure ? { failure: outcome.failure } : {}),
    ...(outcome.tests ? { tests: outcome.tests } : {}),
    ...(result === 'ERROR' && outcome.failure
      ? { error: { key: 'agent.system.error', message: outcome.failure.phrase } }
      : {}),
  };
  if (outcome.failure)
    recordFailure(ctx, pipeline, step.name, runNumber, outcome.failure.kind, outcome.failure.phrase, start);
  return attempt;
}

function recordFailure(
  ctx: RepoContext,
  pipeline: SimPipeline,
  stepName: string,
  runNumber: number,
  kind: SimFailureKind | 'config-error',
  phrase: string,
  at: number,
): void {
  ctx.ws.planted.failures.push({
    repo: ctx.repo.slug,
    pipelineUuid: pipeline.uuid,
    buildNumber: pipeline.buildNumber,
    stepName,
    runNumber,
    kind,
    phrase,
    at: iso(at),
  });
}

/** Consumes the first planted incident of this kind due by `at`. */
function takeIncident(
  ctx: RepoContext,
  at: number,
  kind: SimFailureKind | 'config-error',
  stepName: string | undefined,
  onDefault: boolean,
): boolean {
  const incident = ctx.ws.planted.incidents.find(
    (i) =>
      !i.consumed &&
      i.repo === ctx.repo.slug &&
      i.kind === kind &&
      Date.parse(i.at) <= at &&
      (i.stepName === undefined || i.stepName === stepName) &&
      (i.branch === 'any' || (i.branch === 'default') === onDefault),
  );
  if (!incident) return false;
  incident.consumed = true;
  return true;
}

function dueIncident(
  ctx: RepoContext,
  spec: StepSpec,
  at: number,
  onDefault: boolean,
): SimFailureKind | undefined {
  const kinds: SimFailureKind[] = [
    'dependency-install',
    'compile',
    'time-limit',
    'docker-rate-limit',
    'lint',
  ];
  for (const kind of kinds) if (takeIncident(ctx, at, kind, spec.name, onDefault)) return kind;
  return undefined;
}

function inBurst(ctx: RepoContext, at: number): boolean {
  return ctx.ws.planted.infraBursts.some((b) => at >= Date.parse(b.from) && at < Date.parse(b.to));
}

/** Duration multiplier of a step that gets slower each day over the planted window. */
function slowdown(ctx: RepoContext, spec: StepSpec, at: number): number {
  const slowing =
    ctx.spec.plant.slowingStep === spec.name ? ctx.ws.planted.slowingSince[ctx.repo.slug] : undefined;
  if (!slowing || at < Date.parse(slowing)) return 1;
  return Math.pow(1.02, (at - Date.parse(slowing)) / DAY);
}

function randomFailure(
  ctx: RepoContext,
  spec: StepSpec,
  at: number,
  onDefault: boolean,
): SimFailureKind | undefined {
  const { rng } = ctx;
  if (inBurst(ctx, at) && rng.chance(0.45)) {
    if (spec.suite === 'integration' && rng.chance(0.4)) return 'service-outage';
    return rng.chance(0.5) ? 'out-of-memory' : 'system-error';
  }
  const oom = ctx.spec.plant.oomStep;
  if (oom?.name === spec.name && rng.chance(oom.rate)) return 'out-of-memory';
  if (!onDefault && spec.name === 'Lint' && rng.chance(0.04)) return 'lint';
  if (!onDefault && spec.name === 'Build' && rng.chance(0.03)) return 'compile';
  return undefined;
}

/** Share of the normal duration a step lasts before this kind of failure ends it. */
function failureSeconds(ctx: RepoContext, kind: SimFailureKind, spec: StepSpec, normal: number): number {
  const { rng } = ctx;
  switch (kind) {
    case 'time-limit':
      return spec.maxTimeMinutes * 60;
    case 'docker-rate-limit':
      return rng.int(4, 15);
    case 'dependency-install':
      return rng.int(20, 60);
    case 'out-of-memory':
    case 'system-error':
      return Math.round(normal * (0.2 + rng.next() * 0.7));
    case 'service-outage':
      return Math.round(normal * 0.6);
    case 'compile':
    case 'lint':
    case 'test-failure':
      return normal;
  }
}

function decideOutcome(ctx: RepoContext, pipeline: SimPipeline, spec: StepSpec, at: number): Outcome {
  const onDefault = pipeline.target.kind === 'branch' && pipeline.target.branch === ctx.repo.mainBranch;
  const normal = Math.max(3, Math.round(spec.baseSeconds * slowdown(ctx, spec, at) * ctx.rng.noise(0.1)));
  const kind = dueIncident(ctx, spec, at, onDefault) ?? randomFailure(ctx, spec, at, onDefault);
  const seconds = kind ? failureSeconds(ctx, kind, spec, normal) : normal;
  const failure = kind ? failureFor(kind, ctx.spec.stack, ctx.rng, spec.maxTimeMinutes) : undefined;
  if (!spec.suite || (kind && kind !== 'service-outage')) return { seconds, ...(failure ? { failure } : {}) };
  const tests = testRun(ctx, pipeline, spec.suite, at, kind === 'service-outage');
  if (failure) return { seconds, failure, tests };
  if (tests.failed.length === 0) return { seconds, tests };
  return { seconds, tests, failure: failureFor('test-failure', ctx.spec.stack, ctx.rng) };
}

function testRun(
  ctx: RepoContext,
  pipeline: SimPipeline,
  suite: string,
  at: number,
  outage: boolean,
): SimTestRun {
  const { rng } = ctx;
  const failed: SimFailedTest[] = [];
  if (outage) {
    for (const test of ctx.repo.suites[suite] ?? []) {
      if (!test.skipped && rng.chance(0.6)) {
        failed.push({
          fullyQualifiedName: test.fullyQualifiedName,
          status: 'ERROR',
          message: OUTAGE_TEST_MESSAGE,
        });
      }
    }
    return { suite, failed };
  }
  for (const flaky of ctx.ws.planted.flaky) {
    if (flaky.repo !== ctx.repo.slug || flaky.suite !== suite) continue;
    if (flaky.sinceTime && (!flaky.sinceCommit || at < Date.parse(flaky.sinceTime))) continue;
    if (rng.chance(flaky.rate)) {
      failed.push({
        fullyQualifiedName: flaky.fullyQualifiedName,
        status: 'FAILED',
        message: testFailureMessage(ctx.spec.stack, rng),
      });
    }
  }
  for (const plan of ctx.ws.planted.broken) {
    const index = pipeline.mainCommitIndex;
    if (plan.truth.repo !== ctx.repo.slug || plan.truth.suite !== suite) continue;
    if (plan.breakIndex === undefined || index === undefined) continue;
    if (index >= plan.breakIndex && index < plan.breakIndex + plan.truth.brokenForCommits) {
      failed.push({
        fullyQualifiedName: plan.truth.fullyQualifiedName,
        status: 'FAILED',
        message:
          'Error: expect(received).toEqual(expected) // deep equality\n\n- Expected  - 1\n+ Received  + 1\n\n-   "currency": "EUR",\n+   "currency": "eur",',
      });
    }
  }
  return { suite, failed };
}

/** After a failed pipeline, people often rerun: the failed steps (same build) or the whole pipeline (new build). */
function afterFailure(ctx: RepoContext, pipeline: SimPipeline): SimEvent | undefined {
  if (pipeline.configError || pipeline.rerunsOn.length > 0) return undefined;
  const view = pipelineView(pipeline, Number.POSITIVE_INFINITY);
  if (view.state !== 'COMPLETED' || view.result === 'SUCCESSFUL' || !view.completedOn) return undefined;
  const at = Date.parse(view.completedOn) + ctx.rng.int(4, 50) * MINUTE;
  const roll = ctx.rng.next();
  const reruns = ctx.spec.reruns ?? { failedSteps: 0.35, pipeline: 0.25 };
  if (roll < reruns.failedSteps) {
    rerunFailedSteps(ctx, pipeline, at);
    return undefined;
  }
  return roll < reruns.failedSteps + reruns.pipeline
    ? { at, kind: 'rerun-pipeline', of: pipeline }
    : undefined;
}

/** "Rerun failed steps": same pipeline and build number; the failed and skipped steps get a new attempt. */
export function rerunFailedSteps(ctx: RepoContext, pipeline: SimPipeline, at: number): void {
  const names = new Set(
    pipeline.steps
      .filter((s) => s.attempts[s.attempts.length - 1]?.result !== 'SUCCESSFUL')
      .map((s) => s.name),
  );
  if (names.size === 0) return;
  pipeline.rerunsOn.push(iso(at));
  runRound(ctx, pipeline, names, at, pipeline.rerunsOn.length + 1);
}

function rerunPipeline(ctx: RepoContext, of: SimPipeline, at: number): SimPipeline {
  return createPipeline(ctx, at, of.target, 'MANUAL', of.mainCommitIndex);
}
