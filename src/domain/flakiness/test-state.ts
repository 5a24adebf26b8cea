/**
 * Updates of one test's `TestState` for one counted attempt: a failure, or a pass the detector had to look at
 * (a watched test, or a test that failed earlier on the same commit). All functions return a new state.
 *
 * Change points: each branch scope keeps an open run of consecutive failures. A run that reaches the required
 * length is a regression (`broken`); its failures, and on the default branch every failure since it started, are
 * taken back out of the flaky posterior, so a regression never reads as flakiness. Shorter runs count as one
 * failure episode each.
 */
import { laterOf, type AttemptContext } from './attempt-context';
import { applyObservation, attemptsBetween, catchUp, decayedWeight } from './decayed-counts';
import { pushEvidence } from './evidence';
import { continuesRun, extendRun, openRunOf, withoutRun } from './failure-runs';
import { caughtUpCounts, failureRate, flakinessScore, requiredRunLength } from './flakiness-score';
import { failuresOnCommit } from './step-track';
import type {
  AttemptRef,
  CountedFailure,
  DecayedCounts,
  DetectorConfig,
  EvidenceKind,
  FailureRun,
  Scope,
  ScopeSeq,
  TestState,
  ViewScope,
} from './types';

const VIEW_SCOPES: readonly ViewScope[] = ['all', 'default'];

export function newTestState(
  id: string,
  name: string,
  seqBefore: ScopeSeq,
  config: DetectorConfig,
): TestState {
  const empty = (): DecayedCounts => ({ failures: 0, passes: 0, asOf: { default: 0, other: 0 } });
  // Every counted attempt before the first failure is taken as a pass (see detector.ts: all tests of a step run
  // in every test-reporting attempt of that step).
  return {
    id,
    name: name.slice(0, config.nameLimit),
    firstSeen: { ...seqBefore },
    failures: { default: 0, other: 0 },
    counts: {
      default: catchUp(empty(), seqBefore, false, config.decay),
      all: catchUp(empty(), seqBefore, true, config.decay),
    },
    episodes: { default: 0, all: 0 },
    recentFailures: [],
    runs: [],
    flaky: { default: false, all: false },
    evidence: [],
    quarantined: false,
  };
}

function addEvidence(
  state: TestState,
  ref: AttemptRef,
  kind: EvidenceKind,
  config: DetectorConfig,
): TestState {
  return { ...state, evidence: pushEvidence(state.evidence, ref, kind, config.evidenceLimit) };
}

function previousSeq(seq: ScopeSeq, scope: Scope): ScopeSeq {
  return scope === 'default' ? { ...seq, default: seq.default - 1 } : { ...seq, other: seq.other - 1 };
}

function withCaughtUpCounts(state: TestState, to: ScopeSeq, config: DetectorConfig): TestState {
  return { ...state, counts: caughtUpCounts(state, to, config) };
}

function failureWeight(scopeKey: string, config: DetectorConfig): number {
  return scopeKey === 'default' ? 1 : config.otherBranchWeight;
}

/** Count a failure into the posteriors (the default posterior only sees the default branch). */
function countFailure(state: TestState, ctx: AttemptContext): TestState {
  const { config } = ctx;
  const counted: CountedFailure = { seq: ctx.seq, scopeKey: ctx.scopeKey, at: ctx.ref.at };
  return {
    ...state,
    counts: {
      all: {
        ...applyObservation(state.counts.all, 'fail', failureWeight(ctx.scopeKey, config), config.decay),
        asOf: ctx.seq,
      },
      default:
        ctx.scope === 'default'
          ? { ...applyObservation(state.counts.default, 'fail', 1, config.decay), asOf: ctx.seq }
          : state.counts.default,
    },
    recentFailures: [...state.recentFailures, counted].slice(-config.recentFailuresLimit),
    regimeStart: state.regimeStart ?? ctx.ref,
  };
}

/** The attempt is counted (sequence moves on) but adds no weight: a failure that belongs to a regression. */
function countNeutral(state: TestState, ctx: AttemptContext): TestState {
  const { decay } = ctx.config;
  return {
    ...state,
    counts: {
      all: { ...applyObservation(state.counts.all, 'fail', 0, decay), asOf: ctx.seq },
      default:
        ctx.scope === 'default'
          ? { ...applyObservation(state.counts.default, 'fail', 0, decay), asOf: ctx.seq }
          : state.counts.default,
    },
  };
}

/** A run ended with a pass: a short one is a closed failure episode, a regression is fixed. */
function closeRun(state: TestState, run: FailureRun, ctx: AttemptContext): TestState {
  const next: TestState = { ...state, runs: withoutRun(state.runs, run) };
  if (run.broken) return run.scopeKey === 'default' ? closeRegression(next, ctx) : next;
  const onDefault = run.scopeKey === 'default' ? 1 : 0;
  return { ...next, episodes: { all: next.episodes.all + 1, default: next.episodes.default + onDefault } };
}

/** The default-branch regression is over: the test passes again. */
function closeRegression(state: TestState, ctx: AttemptContext): TestState {
  if (!state.broken) return state;
  const next: TestState = {
    ...state,
    fixed: { ref: ctx.ref, seq: ctx.seq.default, brokenSince: state.broken },
  };
  delete next.broken;
  return next;
}

/** Take counted failures back out of the posteriors, at the weight decay has left them. */
function uncountFailures(
  state: TestState,
  belongs: (failure: CountedFailure) => boolean,
  config: DetectorConfig,
): TestState {
  const removed = state.recentFailures.filter(belongs);
  if (removed.length === 0) return state;
  const subtract = (counts: DecayedCounts, includeOther: boolean): DecayedCounts => {
    const taken = removed
      .filter((failure) => includeOther || failure.scopeKey === 'default')
      .reduce((sum, failure) => {
        const weight = includeOther ? failureWeight(failure.scopeKey, config) : 1;
        return (
          sum + decayedWeight(weight, attemptsBetween(failure.seq, counts.asOf, includeOther), config.decay)
        );
      }, 0);
    return { ...counts, failures: Math.max(0, counts.failures - taken) };
  };
  // Failures of runs already closed were counted as episodes; those episodes go too.
  const closedKeys = new Set(
    removed
      .filter(
        (failure) =>
          !state.runs.some((run) => run.scopeKey === failure.scopeKey && failure.at >= run.startAt),
      )
      .map((failure) => failure.scopeKey),
  );
  return {
    ...state,
    counts: { all: subtract(state.counts.all, true), default: subtract(state.counts.default, false) },
    episodes: {
      all: Math.max(0, state.episodes.all - closedKeys.size),
      default: Math.max(0, state.episodes.default - (closedKeys.has('default') ? 1 : 0)),
    },
    recentFailures: state.recentFailures.filter((failure) => !belongs(failure)),
  };
}

/** A run just reached regression length: label it, and take its failures out of the flaky evidence. */
function markRegression(state: TestState, run: FailureRun, config: DetectorConfig): TestState {
  const since = run.startAt;
  const onDefault = run.scopeKey === 'default';
  // A default-branch regression also explains failures elsewhere since it began (branches carry the same code).
  const belongs = (failure: CountedFailure): boolean =>
    failure.at >= since && (onDefault || failure.scopeKey === run.scopeKey);
  let next = uncountFailures(state, belongs, config);
  if (next.regimeStart && next.regimeStart.at >= since) {
    // The flaky label, if any, rested on what is now known to be a regression.
    next = { ...next, flaky: { all: false, default: false } };
    delete next.regimeStart;
  }
  if (!onDefault || !run.start) return next;
  next = { ...next, broken: run.start };
  delete next.fixed;
  return next;
}

function runRate(state: TestState, run: FailureRun, config: DetectorConfig): number {
  const runFailures = (failure: CountedFailure): boolean =>
    failure.scopeKey === run.scopeKey && failure.at >= run.startAt;
  return failureRate(uncountFailures(state, runFailures, config).counts.all, config);
}

function recordHardEvidence(
  state: TestState,
  ctx: AttemptContext,
  ref: AttemptRef,
  kind: EvidenceKind,
): TestState {
  const next: TestState = {
    ...state,
    hardEvidence: {
      at: laterOf(state.hardEvidence?.at, ctx.ref.at),
      seq: ctx.seq,
      onDefault: ctx.scope === 'default',
    },
  };
  return addEvidence(next, ref, kind, ctx.config);
}

function hardEvidenceHolds(
  state: TestState,
  scope: ViewScope,
  now: ScopeSeq,
  config: DetectorConfig,
): boolean {
  const hard = state.hardEvidence;
  if (!hard || (scope === 'default' && !hard.onDefault)) return false;
  return attemptsBetween(hard.seq, now, scope === 'all') <= config.hardEvidenceHold;
}

/**
 * Hysteresis, recovery side: a flaky label ends once the score is low and no hard evidence is recent. It is
 * checked when a state is read or written, not after every lazy pass; passes only lower the score (the posterior
 * mass sits far below 1 − upperMargin once failures are counted), so checking at the end of a run of passes gives
 * the same answer.
 */
export function flakyAfterRecovery(
  state: TestState,
  counts: { default: DecayedCounts; all: DecayedCounts },
  now: ScopeSeq,
  config: DetectorConfig,
): TestState['flaky'] {
  const flaky = { ...state.flaky };
  for (const scope of VIEW_SCOPES) {
    if (!flaky[scope]) continue;
    const recovered = flakinessScore(counts[scope], config) < config.recoveryScore;
    if (recovered && !hardEvidenceHolds(state, scope, now, config)) flaky[scope] = false;
  }
  return flaky;
}

function applyRecovery(state: TestState, now: ScopeSeq, config: DetectorConfig): TestState {
  const flaky = flakyAfterRecovery(state, state.counts, now, config);
  const next = { ...state, flaky };
  const recovered = (state.flaky.all || state.flaky.default) && !flaky.all && !flaky.default;
  // A recovered test starts a new regime: a later flaky label dates from its next failure.
  if (recovered) delete next.regimeStart;
  return next;
}

/** Hysteresis, alarm side: hard evidence, or a high score over at least `minEpisodes` closed episodes. */
function applyAlarm(state: TestState, ctx: AttemptContext): TestState {
  const { config } = ctx;
  let next = state;
  for (const scope of VIEW_SCOPES) {
    if (next.flaky[scope]) continue;
    const hard = hardEvidenceHolds(next, scope, ctx.seq, config);
    const needed = next.episodes.default > 0 ? config.minEpisodes : config.minEpisodesOffDefault;
    const enoughData = next.episodes[scope] >= needed;
    const alarmed = enoughData && flakinessScore(next.counts[scope], config) >= config.alarmScore;
    if (!hard && !alarmed) continue;
    const since = next.regimeStart ?? ctx.ref;
    next = { ...next, regimeStart: since, flaky: { ...next.flaky, [scope]: true } };
  }
  return next;
}

/**
 * The test failed again on a commit where it failed in every earlier attempt (a rerun, or a second pipeline):
 * the same failure of the same code, so it neither starts a new episode nor adds weight; it only extends a run
 * that is still open.
 */
function repeatsOnCommit(state: TestState, ctx: AttemptContext): boolean {
  const commit = ctx.commitBefore;
  const failedBefore = commit ? failuresOnCommit(commit, state.id) : undefined;
  return (
    commit !== undefined && failedBefore !== undefined && failedBefore > 0 && failedBefore >= commit.attempts
  );
}

function passedOnCommit(state: TestState, ctx: AttemptContext): boolean {
  const commit = ctx.commitBefore;
  const failedBefore = commit ? failuresOnCommit(commit, state.id) : undefined;
  return commit !== undefined && failedBefore !== undefined && commit.attempts > failedBefore;
}

/** The test failed in this attempt. */
export function observeFailure(state: TestState, ctx: AttemptContext): TestState {
  const { config } = ctx;
  const before = previousSeq(ctx.seq, ctx.scope);
  let next = applyRecovery(withCaughtUpCounts(state, before, config), before, config);
  next = {
    ...next,
    failures: {
      default: next.failures.default + (ctx.scope === 'default' ? 1 : 0),
      other: next.failures.other + (ctx.scope === 'other' ? 1 : 0),
    },
    lastFailureAt: laterOf(next.lastFailureAt, ctx.ref.at),
  };
  const repeat = repeatsOnCommit(next, ctx);
  const open = openRunOf(next.runs, ctx.scopeKey);
  if (repeat && !open) return addEvidence(countNeutral(next, ctx), ctx.ref, 'failed', config);
  // A default run not continued by this failure ended with a pass the detector did not load.
  if (open && !continuesRun(open, ctx, repeat)) next = closeRun(next, open, ctx);
  const { runs, run } = extendRun(next.runs, ctx);
  next = { ...next, runs };
  const inRegression = run.broken || (ctx.scope === 'other' && next.broken !== undefined);
  next = inRegression || repeat ? countNeutral(next, ctx) : countFailure(next, ctx);
  if (!run.broken && run.length >= requiredRunLength(runRate(next, run, config), config)) {
    const brokenRun = { ...run, broken: true };
    next = { ...next, runs: next.runs.map((existing) => (existing === run ? brokenRun : existing)) };
    next = markRegression(next, brokenRun, config);
  }
  next = addEvidence(next, ctx.ref, 'failed', config);
  if (ctx.commitBefore && passedOnCommit(state, ctx)) {
    // It passed in an earlier-recorded attempt on this very commit (whatever the arrival order).
    next = recordHardEvidence(next, ctx, ctx.commitBefore.ref, 'passed-same-commit');
  }
  return applyAlarm(next, ctx);
}

/** The test passed in this attempt, and the detector had a reason to look (watched, or failed on this commit). */
export function observePass(state: TestState, ctx: AttemptContext): TestState {
  const { config } = ctx;
  let next = withCaughtUpCounts(state, ctx.seq, config);
  const run = openRunOf(next.runs, ctx.scopeKey);
  // A pass older than the run's first failure is a late event from before it: it does not end the run.
  if (run && ctx.ref.at >= run.startAt) next = closeRun(next, run, ctx);
  const failedHere = ctx.commitBefore ? (failuresOnCommit(ctx.commitBefore, state.id) ?? 0) : 0;
  if (failedHere > 0) {
    const kind: EvidenceKind = ctx.stepSucceededOnRerun ? 'step-passed-on-rerun' : 'passed-same-commit';
    next = recordHardEvidence(next, ctx, ctx.ref, kind);
  }
  next = applyRecovery(next, ctx.seq, config);
  return applyAlarm(next, ctx);
}
