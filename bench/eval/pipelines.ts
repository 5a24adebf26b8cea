/**
 * Pipelines and their step attempts. One pipeline per push (default branch, feature branch, and a pull-request
 * pipeline once the branch has a pull request), plus what people do afterwards: "Rerun failed steps" (same
 * pipeline and build number, the step's run number bumped, the API then shows only the newest attempt), a new
 * pipeline on the same commit, and pipelines run by hand on older default-branch commits after newer ones exist.
 *
 * Step groups run in order (build and lint, then test shards in parallel, then the deployment); a failed group
 * leaves the later ones NOT_RUN. Each attempt draws its own duration (log-normal noise, rare cache-miss spikes, the
 * planted slowdown on code that contains its commit) and its own outcome: an outage or a platform fault, a build
 * that does not compile, a registry hiccup, a missing deployment variable, or failed tests.
 */
import type {
  SimAttempt,
  SimFailureKind,
  SimPipeline,
  SimStep,
  SimTarget,
  SimTestRun,
} from '../../src/sim/model';
import { behaviourState, type RepoTests, type ServedStep } from './behaviour';
import { mainHeadAt, type CommitGraph, type Push } from './commit-graph';
import { failureMessages } from './names';
import { OUTAGE_MESSAGES, runnerSummary, tailsOf, type LogTail, type TailCategory } from './log-tails';
import { createRng, draw, iso, MINUTE_MS, type Rng } from './random';
import type { RepoConfig } from './scenario';
import type { TruthAttempt } from './truth';

export interface Window {
  from: number;
  to: number;
  stepFailShare: number;
  suiteFailShare: number;
  suiteShare: [number, number] | number;
}

export interface Slowdown {
  /** Served step names it applies to. */
  steps: Set<string>;
  factor: number;
  commit: number;
}

export interface RepoContext {
  seed: string;
  cfg: RepoConfig;
  graph: CommitGraph;
  tests: RepoTests;
  outages: Window[];
  slowdown?: Slowdown;
  /** Feature-branch commits that do not compile. */
  brokenBuilds: Set<number>;
}

export interface PipelinePlan {
  createdOn: number;
  trigger: 'PUSH' | 'MANUAL';
  /** Commit index whose code the pipeline tests. */
  code: number;
  branch: string;
  defaultBranch: boolean;
  author: string;
  pullRequest?: { id: number; title: string; source: string };
}

export interface PlannedPipeline {
  pipeline: SimPipeline;
  attempts: TruthAttempt[];
  plan: PipelinePlan;
  /** Final state once every rerun is done. */
  green: boolean;
}

/** What the sim's log writer keys on; the product only ever sees the log text. */
const SIM_KIND: Record<string, SimFailureKind> = {
  'out-of-memory': 'out-of-memory',
  'system-error': 'system-error',
  'docker-rate-limit': 'docker-rate-limit',
  'time-limit': 'time-limit',
  network: 'service-outage',
  runner: 'service-outage',
  compile: 'compile',
  install: 'compile',
  'missing-config': 'compile',
};

interface Outcome {
  result: SimAttempt['result'];
  durationFactor: number;
  failure?: SimAttempt['failure'];
  tests?: SimTestRun;
  truthFailures: TruthAttempt['failures'];
  stepFailure?: TruthAttempt['stepFailure'];
  active?: string[];
  fixed?: string[];
}

function tailOutcome(rng: Rng, category: TailCategory, outage: boolean, cause?: string): Outcome {
  const tail: LogTail = rng.pick(tailsOf(category, cause));
  return {
    result: tail.cause === 'system-error' ? 'ERROR' : 'FAILED',
    durationFactor: tail.cause === 'time-limit' ? 0 : 0.1 + rng.next() * 0.5,
    failure: { kind: SIM_KIND[tail.cause] ?? 'compile', phrase: tail.text },
    truthFailures: [],
    stepFailure: { category, cause: tail.cause, outage },
  };
}

function testOutcome(
  rng: Rng,
  ctx: RepoContext,
  step: ServedStep,
  code: number,
  outage: Window | undefined,
  seconds: number,
): Outcome {
  const suite = ctx.tests.suites[step.suite ?? ''] ?? [];
  const failed = new Map<string, { status: 'FAILED' | 'ERROR'; message: string; cause: 'own' | 'outage' }>();
  const messages = failureMessages(ctx.cfg.family);
  const active: string[] = [];
  const fixed: string[] = [];
  for (const t of ctx.tests.planted) {
    if (t.suite !== step.suite) continue;
    const state = behaviourState(ctx.graph, t, code);
    if (state === 'fixed') fixed.push(t.name);
    if (state !== 'on') continue;
    active.push(t.name);
    if (rng.next() < t.rate)
      failed.set(t.name, { status: 'FAILED', message: rng.pick(messages), cause: 'own' });
  }
  if (outage && rng.chance(outage.suiteFailShare)) {
    const share = draw(rng, outage.suiteShare);
    const message = rng.pick(OUTAGE_MESSAGES);
    for (const t of suite) {
      if (!failed.has(t.fullyQualifiedName) && rng.chance(share))
        failed.set(t.fullyQualifiedName, { status: 'ERROR', message, cause: 'outage' });
    }
  }
  const run: SimTestRun = {
    suite: step.suite ?? '',
    failed: [...failed].map(([fullyQualifiedName, f]) => ({
      fullyQualifiedName,
      status: f.status,
      message: f.message,
    })),
  };
  const truthFailures = [...failed].map(([name, f]) => ({ name, cause: f.cause }));
  if (failed.size === 0)
    return { result: 'SUCCESSFUL', durationFactor: 1, tests: run, truthFailures, active, fixed };
  return {
    result: 'FAILED',
    durationFactor: 1,
    tests: run,
    truthFailures,
    active,
    fixed,
    failure: {
      kind: 'test-failure',
      phrase: runnerSummary(ctx.cfg.family, failed.size, suite.length, seconds),
    },
  };
}

function outcomeOf(
  rng: Rng,
  ctx: RepoContext,
  step: ServedStep,
  plan: PipelinePlan,
  startedAt: number,
  seconds: number,
): Outcome {
  const outage = ctx.outages.find((w) => startedAt >= w.from && startedAt < w.to);
  const f = ctx.cfg.failures;
  if (outage && rng.chance(outage.stepFailShare)) return tailOutcome(rng, 'infrastructure', true);
  if (rng.chance(f.infra)) return tailOutcome(rng, rng.chance(0.15) ? 'timeout' : 'infrastructure', false);
  switch (step.config.kind) {
    case 'build':
    case 'lint':
      if (ctx.brokenBuilds.has(plan.code)) return tailOutcome(rng, 'build', false);
      if (step.config.kind === 'build' && rng.chance(f.dependency))
        return tailOutcome(rng, 'dependency', false);
      return { result: 'SUCCESSFUL', durationFactor: 1, truthFailures: [] };
    case 'deploy':
      if (rng.chance(f.config)) return tailOutcome(rng, 'configuration', false);
      return { result: 'SUCCESSFUL', durationFactor: 1, truthFailures: [] };
    case 'test':
      return testOutcome(rng, ctx, step, plan.code, outage, seconds);
  }
}

function stepSeconds(rng: Rng, ctx: RepoContext, step: ServedStep, code: number): number {
  let seconds = step.seconds * rng.noise(step.noise);
  // A cold cache or a busy runner now and then, on every step.
  if (rng.chance(0.03)) seconds *= 1.5 + rng.next() * 0.7;
  const s = ctx.slowdown;
  if (s && s.steps.has(step.name) && ctx.graph.commits[code]?.ancestors.has(s.commit)) seconds *= s.factor;
  return Math.max(5, Math.round(seconds));
}

interface StepState {
  step: SimStep;
  served: ServedStep;
  attempts: TruthAttempt[];
}

function newAttempt(
  rng: Rng,
  ctx: RepoContext,
  pipeline: SimPipeline,
  plan: PipelinePlan,
  s: StepState,
  scheduledOn: number,
  startedAt: number,
  trigger: SimAttempt['trigger'],
): { attempt: SimAttempt; completedAt: number } {
  const runNumber = s.step.attempts.length + 1;
  const full = stepSeconds(rng, ctx, s.served, plan.code);
  const out = outcomeOf(rng, ctx, s.served, plan, startedAt, full);
  const seconds =
    out.durationFactor === 0
      ? s.step.maxTimeMinutes * 60
      : Math.max(3, Math.round(full * out.durationFactor));
  const completedAt = startedAt + seconds * 1000;
  const attempt: SimAttempt = {
    runNumber,
    scheduledOn: iso(scheduledOn),
    trigger,
    startedOn: iso(startedAt),
    completedOn: iso(completedAt),
    result: out.result,
    durationSeconds: seconds,
    buildSecondsUsed: seconds * s.step.size,
    ...(out.failure ? { failure: out.failure } : {}),
    ...(out.result === 'ERROR'
      ? { error: { key: 'agent.step.system-error', message: 'There was an unexpected system error' } }
      : {}),
    ...(out.tests ? { tests: out.tests } : {}),
  };
  record(ctx, pipeline, plan, s, attempt, out);
  return { attempt, completedAt };
}

/** Adds an attempt to the served step and its truth beside it. */
function record(
  ctx: RepoContext,
  pipeline: SimPipeline,
  plan: PipelinePlan,
  s: StepState,
  attempt: SimAttempt,
  out: Outcome,
): void {
  s.step.attempts.push(attempt);
  s.attempts.push({
    pipelineUuid: pipeline.uuid,
    buildNumber: 0,
    stepUuid: s.step.uuid,
    step: s.step.name,
    runNumber: attempt.runNumber,
    scheduledOn: attempt.scheduledOn,
    completedOn: attempt.completedOn,
    result: attempt.result === 'STOPPED' ? 'FAILED' : attempt.result,
    commit: ctx.graph.commits[plan.code]?.hash ?? '',
    branch: plan.branch,
    defaultBranch: plan.defaultBranch,
    tested: out.tests !== undefined,
    active: out.active ?? [],
    fixed: out.fixed ?? [],
    failures: out.truthFailures,
    ...(out.stepFailure ? { stepFailure: out.stepFailure } : {}),
  });
}

function notRun(
  pipeline: SimPipeline,
  plan: PipelinePlan,
  ctx: RepoContext,
  s: StepState,
  scheduledOn: number,
  at: number,
): void {
  const attempt: SimAttempt = {
    runNumber: s.step.attempts.length + 1,
    scheduledOn: iso(scheduledOn),
    trigger: 'pipeline_step_trigger_automatic',
    startedOn: iso(at),
    completedOn: iso(at),
    result: 'NOT_RUN',
    durationSeconds: 0,
    buildSecondsUsed: 0,
  };
  record(ctx, pipeline, plan, s, attempt, { result: 'NOT_RUN', durationFactor: 0, truthFailures: [] });
}

const lastResult = (s: StepState): string | undefined => s.step.attempts[s.step.attempts.length - 1]?.result;
const isFailed = (s: StepState): boolean => ['FAILED', 'ERROR', 'STOPPED'].includes(lastResult(s) ?? '');

/** Runs the given steps group by group from `at`; returns when the last one finished. */
function runRound(
  rng: Rng,
  ctx: RepoContext,
  pipeline: SimPipeline,
  plan: PipelinePlan,
  states: StepState[],
  at: number,
  rerun: boolean,
): number {
  const groups = [...new Set(states.map((s) => s.served.group))].sort((a, b) => a - b);
  let t = at;
  let failedGroup = false;
  for (const g of groups) {
    const members = states.filter((s) => s.served.group === g);
    if (failedGroup) {
      for (const s of members) notRun(pipeline, plan, ctx, s, at, t);
      continue;
    }
    let end = t;
    for (const s of members) {
      const queued = 5_000 + Math.round(rng.next() * 40_000 * (rng.chance(0.1) ? 8 : 1));
      const trigger =
        rerun && isFailed(s) ? 'pipeline_step_trigger_redeploy' : 'pipeline_step_trigger_automatic';
      const { completedAt } = newAttempt(rng, ctx, pipeline, plan, s, rerun ? at : t, t + queued, trigger);
      end = Math.max(end, completedAt);
    }
    t = end + 2_000;
    failedGroup = members.some(isFailed);
  }
  return t;
}

/** Chance that someone reruns the failed steps, by what the failure looks like. */
function rerunChance(ctx: RepoContext, states: StepState[]): number {
  const habit = ctx.cfg.reruns.failedSteps;
  const failed = states.filter(isFailed).flatMap((s) => s.attempts.slice(-1));
  if (failed.some((a) => a.stepFailure?.category === 'build' || a.stepFailure?.category === 'configuration'))
    return habit * 0.1;
  if (
    failed.some((a) => a.stepFailure?.category === 'infrastructure' || a.stepFailure?.category === 'timeout')
  )
    return Math.min(1, habit * 2);
  return habit;
}

export function runPipeline(ctx: RepoContext, plan: PipelinePlan, serial: number): PlannedPipeline {
  const rng = createRng(`${ctx.seed}:pipeline:${serial}`);
  const commit = ctx.graph.commits[plan.code];
  if (!commit) throw new Error(`no commit ${plan.code}`);
  const target: SimTarget = plan.pullRequest
    ? {
        kind: 'pullrequest',
        pullRequestId: plan.pullRequest.id,
        title: plan.pullRequest.title,
        source: plan.pullRequest.source,
        destination: ctx.graph.mainBranch,
        commit: commit.hash,
        destinationCommit: ctx.graph.commits[mainHeadAt(ctx.graph, plan.createdOn)]?.hash ?? '',
      }
    : plan.defaultBranch
      ? { kind: 'branch', branch: plan.branch, commit: commit.hash, selector: 'default' }
      : { kind: 'branch', branch: plan.branch, commit: commit.hash, selector: 'branches', pattern: '**' };
  const pipeline: SimPipeline = {
    uuid: rng.uuid(),
    buildNumber: 0,
    createdOn: iso(plan.createdOn),
    trigger: plan.trigger,
    target,
    steps: [],
    rerunsOn: [],
    author: plan.author,
    ...(commit.mainPosition !== undefined && plan.defaultBranch
      ? { mainCommitIndex: commit.mainPosition }
      : {}),
  };
  const states: StepState[] = ctx.tests.steps
    .filter((s) => plan.defaultBranch || !s.config.mainOnly)
    .map((served) => {
      const step: SimStep = {
        uuid: rng.uuid(),
        name: served.name,
        image: IMAGES[ctx.cfg.family] ?? 'atlassian/default-image:4',
        size: served.config.size,
        maxTimeMinutes: 60,
        maxTimeField: 'maxTime',
        manual: false,
        ...(served.config.kind === 'deploy'
          ? { deploymentEnvironment: { uuid: rng.uuid(), name: 'Staging' } }
          : {}),
        attempts: [],
      };
      pipeline.steps.push(step);
      return { step, served, attempts: [] };
    });
  let end = runRound(rng, ctx, pipeline, plan, states, plan.createdOn + 8_000, false);
  for (let round = 0; round < ctx.cfg.reruns.maxRounds && states.some(isFailed); round++) {
    if (!rng.chance(rerunChance(ctx, states))) break;
    const at = end + draw(rng, ctx.cfg.reruns.delayMinutes) * MINUTE_MS;
    pipeline.rerunsOn.push(iso(at));
    const again = states.filter((s) => isFailed(s) || lastResult(s) === 'NOT_RUN');
    end = runRound(rng, ctx, pipeline, plan, again, at, true);
  }
  return {
    pipeline,
    attempts: states.flatMap((s) => s.attempts),
    plan,
    green: !states.some((s) => isFailed(s) || lastResult(s) === 'NOT_RUN'),
  };
}

const IMAGES: Record<string, string> = {
  jest: 'node:20-bookworm',
  mocha: 'node:20-bookworm',
  pytest: 'python:3.12-slim',
  junit: 'maven:3.9-eclipse-temurin-21',
  go: 'golang:1.22',
  rspec: 'ruby:3.3',
  dotnet: 'mcr.microsoft.com/dotnet/sdk:8.0',
  phpunit: 'php:8.3-cli',
  xctest: 'swift:5.10',
  nextest: 'rust:1.79',
};

/** The pipelines a push starts: one on the branch, and one for its open pull request. */
export function plansForPush(graph: CommitGraph, cfg: RepoConfig, push: Push, rng: Rng): PipelinePlan[] {
  const createdOn = push.at + 2_000 + Math.round(rng.next() * 20_000);
  const base = {
    createdOn,
    trigger: 'PUSH' as const,
    code: push.head,
    branch: push.branch,
    author: push.author,
  };
  if (push.branch === graph.mainBranch) return [{ ...base, defaultBranch: true }];
  const plans: PipelinePlan[] = [];
  if (cfg.branches.branchPipelines) plans.push({ ...base, defaultBranch: false });
  if (push.pullRequest) {
    const { id, title, source } = push.pullRequest;
    plans.push({
      ...base,
      createdOn: createdOn + 1_000,
      defaultBranch: false,
      pullRequest: { id, title, source },
    });
  }
  return plans;
}
