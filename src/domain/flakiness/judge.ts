/**
 * The verdict on one test from its ordered history (merge.ts): pure, recomputed whenever it is read.
 *
 * 1. Regressions. A run of consecutive failures in one branch scope is a regression when it is at least two
 *    failing attempts long, the test never passed on any of its commits, and the test's own rate of isolated
 *    failures would make such a run less likely than `regressionChance`. A high-rate flaky test's chance streak
 *    is therefore not a regression, while a test broken for two commits and then fixed is. An open default-branch
 *    regression of at least `brokenRunLength` failures is `broken`; a closed one is `fixed` for a while.
 *    Branch failures that begin around a default-branch regression (the pull request that caused it, branches
 *    that merged the break and not yet the fix) belong to it.
 * 2. Flakiness. Every other run, once a pass has closed it, is an isolated failure episode. Episodes and same-commit evidence (failed and
 *    passed on one commit) multiply the odds that the test is flaky, each by its likelihood ratio; a failure among
 *    many (a likely common cause) counts little. A regime ends when the test then passed for so long that a test
 *    still failing at its own rate would almost surely have failed again (`recoveryChance`), and the odds start
 *    over. The score is the regime's odds, lowered by the passes since its last failure once they become
 *    unlikely in the same sense. Hysteresis without stored state: a test is flaky when the regime reached the
 *    alarm threshold and the score is still at or above the recovery threshold.
 */
import { attemptsBetween, BRANCH_PREFIX, compareKeys, isDefaultScope } from './timeline';
import type { TestHistory } from './merge';
import type {
  AttemptRef,
  DetectorConfig,
  Evidence,
  FailureRun,
  OrderKey,
  SameCommitEvidence,
  StepTrack,
  TestLabel,
  TestState,
  ViewScope,
} from './types';

export interface Verdict {
  label: TestLabel;
  score: number;
  confidence: number;
  brokenSince?: AttemptRef;
  fixedAt?: AttemptRef;
  flakySince?: AttemptRef;
  brokenOnBranches: string[];
  /** Same-commit evidence in the view's scope, newest last. */
  sameCommit: SameCommitEvidence[];
  /** The regression the labels rest on (broken, or the last one fixed). */
  regression?: FailureRun;
}

const PRIOR_FAILURES = 0.1;
const PRIOR_RUNS = 10;
/**
 * Whether a test stopped flaking is judged on a cautious rate: a test that failed twice in its first few runs has
 * not shown a 20 % rate yet, and a long quiet spell after that says little.
 */
const RECOVERY_PRIOR_RUNS = 50;

function inScope(scopeKey: string, scope: ViewScope): boolean {
  return scope === 'all' || isDefaultScope(scopeKey);
}

function secondsOf(ref: AttemptRef): number {
  return Date.parse(ref.at) / 1000;
}

/**
 * Branch runs that are not independent evidence: those that began around a default-branch regression (the pull
 * request that caused it, branches that merged the break and not yet the fix), and those that began while the
 * default branch was failing the test at all (branches fork from and merge that code).
 */
function explainedBy(
  run: FailureRun,
  defaultRuns: FailureRun[],
  regressions: FailureRun[],
  config: DetectorConfig,
): boolean {
  if (isDefaultScope(run.scopeKey)) return false;
  const start = secondsOf(run.start);
  const until = (other: FailureRun, trail: number): number =>
    other.closedBy ? secondsOf(other.closedBy) + trail : Number.POSITIVE_INFINITY;
  const aroundRegression = regressions.some(
    (regression) =>
      start >= secondsOf(regression.start) - config.regressionLeadSeconds &&
      start <= until(regression, config.regressionTrailSeconds),
  );
  return (
    aroundRegression || defaultRuns.some((red) => start >= secondsOf(red.start) && start <= until(red, 0))
  );
}

/**
 * A single failure on a branch that has not run since for `staleBranchSeconds` while the step went on elsewhere:
 * the branch was merged or left, and the failure stands on its own. (An author who broke the test and then fixed
 * it would have pushed again.)
 */
function staleBranchFailure(run: FailureRun, latestAt: number, config: DetectorConfig): boolean {
  return (
    !isDefaultScope(run.scopeKey) &&
    run.attempts === 1 &&
    latestAt - secondsOf(run.end) >= config.staleBranchSeconds
  );
}

/** Failing attempts that are not part of `run`, each run counting at most two (a long regression is one cause). */
function rateWithout(runs: FailureRun[], run: FailureRun, counted: number): number {
  const failures = runs.reduce((n, other) => (other === run ? n : n + Math.min(other.attempts, 2)), 0);
  return (failures + PRIOR_FAILURES) / (Math.max(counted, failures) + PRIOR_RUNS);
}

function hasSameCommit(run: FailureRun, sameCommit: SameCommitEvidence[]): boolean {
  return sameCommit.some(
    (item) =>
      item.scopeKey === run.scopeKey &&
      compareKeys(item.key, run.startKey) >= 0 &&
      compareKeys(item.key, run.endKey) <= 0,
  );
}

function isRegression(
  run: FailureRun,
  runs: FailureRun[],
  sameCommit: SameCommitEvidence[],
  counted: number,
  config: DetectorConfig,
): boolean {
  if (run.attempts < 2 || hasSameCommit(run, sameCommit)) return false;
  const rate = rateWithout(runs, run, counted);
  return Math.pow(rate, run.attempts) < config.regressionChance;
}

interface FlakyEvent {
  key: OrderKey;
  seq: { default: number; other: number };
  ref: AttemptRef;
  ratio: number;
  isEpisode: boolean;
}

function episodeRatio(run: FailureRun, branchesSeen: Set<string>, config: DetectorConfig): number {
  if (run.crowded) return config.crowdedEpisodeRatio;
  if (isDefaultScope(run.scopeKey)) return config.episodeRatio;
  if (branchesSeen.has(run.scopeKey)) return config.repeatBranchEpisodeRatio;
  branchesSeen.add(run.scopeKey);
  return config.branchEpisodeRatio;
}

function flakyEvents(
  episodes: FailureRun[],
  sameCommit: SameCommitEvidence[],
  config: DetectorConfig,
): FlakyEvent[] {
  const branchesSeen = new Set<string>();
  const events: FlakyEvent[] = [];
  // The first branch an episode happened on counts as new; order matters only for which repeat is "new".
  for (const run of [...episodes].sort((a, b) => compareKeys(a.startKey, b.startKey))) {
    events.push({
      key: run.startKey,
      seq: run.seqEnd,
      ref: run.start,
      ratio: episodeRatio(run, branchesSeen, config),
      isEpisode: true,
    });
  }
  for (const item of sameCommit) {
    events.push({
      key: item.key,
      seq: item.seq,
      ref: item.failed,
      ratio: item.crowded ? config.crowdedSameCommitRatio : config.sameCommitRatio,
      isEpisode: false,
    });
  }
  return events.sort((a, b) => compareKeys(a.key, b.key));
}

interface FlakyScore {
  /** Odds the current regime reached at its latest event. */
  peak: number;
  score: number;
  since?: AttemptRef;
}

const probability = (odds: number): number => odds / (1 + odds);

/**
 * The regime's odds and the score now (see the module comment). A regime's failure rate counts the passes since
 * its base: the start of the step's counted history for the first regime, the last failure before a reset after.
 */
function flakyScore(
  events: FlakyEvent[],
  now: StepTrack['seq'],
  includeOther: boolean,
  config: DetectorConfig,
): FlakyScore {
  const origin = { default: 0, other: 0 };
  let odds = config.priorOdds;
  let episodes = 0;
  let base: FlakyEvent['seq'] = origin;
  let since: AttemptRef | undefined;
  let last: FlakyEvent | undefined;
  const rateAt = (seq: FlakyEvent['seq']): number =>
    (Math.max(episodes, 1) + PRIOR_FAILURES) /
    (Math.max(attemptsBetween(base, seq, includeOther), episodes) + RECOVERY_PRIOR_RUNS);
  for (const event of events) {
    if (last) {
      const gap = Math.max(0, attemptsBetween(last.seq, event.seq, includeOther) - 1);
      if (Math.pow(1 - rateAt(last.seq), gap) < config.recoveryChance) {
        odds = config.priorOdds;
        episodes = 0;
        base = last.seq;
        since = undefined;
      }
    }
    since ??= event.ref;
    odds *= event.ratio;
    if (event.isEpisode) episodes += 1;
    last = event;
  }
  if (!last) return { peak: 0, score: probability(config.priorOdds) };
  const quiet = attemptsBetween(last.seq, now, includeOther);
  const stillFailingChance = Math.pow(1 - rateAt(last.seq), quiet);
  const lowered = odds * Math.min(1, stillFailingChance / config.recoveryChance);
  return { peak: probability(odds), score: probability(lowered), ...(since ? { since } : {}) };
}

/** The test's verdict for a view scope, as of the track's latest attempt. */
export function judge(
  state: TestState,
  track: StepTrack,
  history: TestHistory,
  config: DetectorConfig,
  scope: ViewScope,
): Verdict {
  const includeOther = scope === 'all';
  const counted = attemptsBetween(state.firstSeen, track.seq, includeOther);
  const runs = history.runs.filter((run) => inScope(run.scopeKey, scope));
  const sameCommit = history.sameCommit.filter((item) => inScope(item.scopeKey, scope));
  // Default-branch regressions first, from the default branch's own rate: branches that merged a break fail with
  // it and would otherwise make the break look like the test's usual rate.
  const defaultRuns = runs.filter((run) => isDefaultScope(run.scopeKey));
  const countedDefault = attemptsBetween(state.firstSeen, track.seq, false);
  const defaultRegressions = defaultRuns.filter((run) =>
    isRegression(run, defaultRuns, sameCommit, countedDefault, config),
  );
  const explained = new Set(runs.filter((run) => explainedBy(run, defaultRuns, defaultRegressions, config)));
  const unexplained = runs.filter((run) => !explained.has(run) && !defaultRegressions.includes(run));
  const branchRegressions = unexplained.filter(
    (run) =>
      !isDefaultScope(run.scopeKey) &&
      isRegression(run, [...defaultRuns, ...unexplained], sameCommit, counted, config),
  );
  const regressions = new Set([...defaultRegressions, ...branchRegressions]);
  // An open run may still turn out to be a regression: only a run a pass has closed is an isolated episode.
  const latestAt = track.timeline.reduce((latest, entry) => Math.max(latest, entry.at), 0);
  const over = (run: FailureRun): boolean =>
    run.closedBy !== undefined || staleBranchFailure(run, latestAt, config);
  const episodes = runs.filter((run) => over(run) && !regressions.has(run) && !explained.has(run));
  const flaky = flakyScore(flakyEvents(episodes, sameCommit, config), track.seq, includeOther, config);
  const isFlaky = flaky.peak >= config.alarmScore && flaky.score >= config.recoveryScore;

  const latest = defaultRuns[defaultRuns.length - 1];
  const broken =
    latest !== undefined &&
    !latest.closedBy &&
    regressions.has(latest) &&
    latest.attempts >= config.brokenRunLength
      ? latest
      : undefined;
  const lastRegression = defaultRegressions[defaultRegressions.length - 1];
  const fixed =
    !broken && lastRegression?.closedBy && lastRegression.attempts >= 2 ? lastRegression : undefined;
  const brokenOnBranches = runs
    .filter(
      (run) => !isDefaultScope(run.scopeKey) && !run.closedBy && regressions.has(run) && !explained.has(run),
    )
    .map((run) => run.scopeKey.slice(BRANCH_PREFIX.length));

  const verdict: Verdict = {
    label: 'healthy',
    score: flaky.score,
    confidence: 1 - flaky.score,
    brokenOnBranches,
    sameCommit,
  };
  if (broken) {
    const rate = rateWithout(defaultRuns, broken, countedDefault);
    Object.assign(verdict, {
      label: 'broken',
      confidence: 1 - Math.pow(rate, broken.attempts),
      brokenSince: broken.start,
      regression: broken,
    });
    return verdict;
  }
  if (fixed?.closedBy) {
    verdict.fixedAt = fixed.closedBy;
    verdict.regression = fixed;
  }
  if (isFlaky) {
    Object.assign(verdict, {
      label: 'flaky',
      confidence: flaky.score,
      ...(flaky.since ? { flakySince: flaky.since } : {}),
    });
    return verdict;
  }
  if (fixed && attemptsBetween(fixed.seqEnd, track.seq, false) <= config.fixedHold) {
    const rate = rateWithout(defaultRuns, fixed, countedDefault);
    Object.assign(verdict, { label: 'fixed', confidence: 1 - Math.pow(rate, fixed.attempts) });
  }
  return verdict;
}

/** Label evidence first, then same-commit evidence (newest first), then the state's failures. */
export function verdictEvidence(state: TestState, verdict: Verdict, limit: number): Evidence[] {
  const out: Evidence[] = [];
  if (verdict.flakySince) out.push({ ...verdict.flakySince, kind: 'flaky-since' });
  if (verdict.regression) out.push({ ...verdict.regression.start, kind: 'broken-since' });
  if (verdict.fixedAt) out.push({ ...verdict.fixedAt, kind: 'fixed' });
  for (const item of [...verdict.sameCommit].reverse().slice(0, limit)) {
    out.push({ ...item.passed, kind: item.rerun ? 'step-passed-on-rerun' : 'passed-same-commit' });
  }
  return [...out, ...state.evidence];
}
