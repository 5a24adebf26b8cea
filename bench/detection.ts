/**
 * Detection benchmark (`npm run bench:detection`): runs the flaky / broken detector and two baselines over
 * simulated step histories with known truth, and prints precision, recall, detection delay, how broken tests are
 * labelled, outage false alarms, and the storage cost per attempt.
 *
 * Two scenarios: the default simulation (failed steps are sometimes rerun, some feature-branch commits also run a
 * pull-request pipeline, so same-commit evidence exists), and one without any rerun or second pipeline, where the
 * score alone must find flaky tests.
 *
 * Options: `--seeds 5` (number of seeds), `--days 60`, `--tests 300`.
 */
import { currentView } from '../src/domain/flakiness/test-view';
import { observeAttempt, testsToLoad } from '../src/domain/flakiness/detector';
import { encodeTestState } from '../src/domain/flakiness/test-state';
import { encodeTrack } from '../src/domain/flakiness/track-codec';
import type { StepTrack, TestState } from '../src/domain/flakiness/types';
import { DEFAULT_DETECTOR_CONFIG } from '../src/domain/flakiness/types';
import {
  simulateHistory,
  type SimulatedHistory,
  type SimulationOptions,
  type TestTruth,
} from './simulate-history';

const FLAKY_KINDS = new Set(['flaky-low', 'flaky-moderate', 'becomes-flaky']);
const DAY_MS = 86_400_000;

interface Flag {
  index: number;
  at: number;
}

interface MethodResult {
  flaggedFlaky: Map<string, Flag>;
  /** Tests whose first flaky label came with same-commit hard evidence. */
  flaggedByHardEvidence: Set<string>;
  labelledBroken: Set<string>;
}

interface DetectorRun extends MethodResult {
  reads: number;
  writes: number;
  countedAttempts: number;
  maxTrackBytes: number;
  maxStateBytes: number;
}

function runDetector(history: SimulatedHistory): DetectorRun {
  const config = DEFAULT_DETECTOR_CONFIG;
  const store = new Map<string, TestState>();
  let track: StepTrack | undefined;
  const result: DetectorRun = {
    flaggedFlaky: new Map(),
    flaggedByHardEvidence: new Set(),
    labelledBroken: new Set(),
    reads: 0,
    writes: 0,
    countedAttempts: 0,
    maxTrackBytes: 0,
    maxStateBytes: 0,
  };
  history.attempts.forEach(({ obs }, index) => {
    const ids = testsToLoad(track, obs, config);
    result.reads += ids.length;
    const loaded = new Map(ids.map((id) => [id, store.get(id)] as const));
    const outcome = observeAttempt(track, loaded, obs, config);
    track = outcome.track;
    if (!outcome.excluded) result.countedAttempts++;
    result.writes += outcome.updates.size;
    result.maxTrackBytes = Math.max(result.maxTrackBytes, JSON.stringify(encodeTrack(track)).length);
    for (const [id, state] of outcome.updates) {
      store.set(id, state);
      result.maxStateBytes = Math.max(result.maxStateBytes, JSON.stringify(encodeTestState(state)).length);
      const view = currentView(track, state, config);
      if (view.label === 'flaky' && !result.flaggedFlaky.has(id)) {
        result.flaggedFlaky.set(id, { index, at: Date.parse(obs.at) });
        if (view.evidence.some((e) => e.kind === 'passed-same-commit' || e.kind === 'step-passed-on-rerun'))
          result.flaggedByHardEvidence.add(id);
      }
      if (view.label === 'broken') result.labelledBroken.add(id);
    }
  });
  return result;
}

/** Baseline (a): flaky once a test has failed and passed on one commit. */
function runSameCommitBaseline(history: SimulatedHistory): MethodResult {
  const byCommit = new Map<string, { attempts: number; failed: Map<string, number> }>();
  const flaggedFlaky = new Map<string, Flag>();
  history.attempts.forEach(({ obs }, index) => {
    if (obs.excluded) return;
    const entry = byCommit.get(obs.commit) ?? { attempts: 0, failed: new Map<string, number>() };
    entry.attempts++;
    for (const { id } of obs.failedTests) entry.failed.set(id, (entry.failed.get(id) ?? 0) + 1);
    byCommit.set(obs.commit, entry);
    for (const [id, failures] of entry.failed) {
      if (failures < entry.attempts && !flaggedFlaky.has(id))
        flaggedFlaky.set(id, { index, at: Date.parse(obs.at) });
    }
  });
  return { flaggedFlaky, flaggedByHardEvidence: new Set(flaggedFlaky.keys()), labelledBroken: new Set() };
}

/** Baseline (b): flaky once the failure rate over the last 50 attempts exceeds 30% (at least 5 attempts seen). */
function runRateBaseline(history: SimulatedHistory): MethodResult {
  const windows = new Map<string, boolean[]>(history.tests.map((test) => [test.id, []]));
  const flaggedFlaky = new Map<string, Flag>();
  history.attempts.forEach(({ obs }, index) => {
    if (obs.excluded) return;
    const failed = new Set(obs.failedTests.map((test) => test.id));
    for (const [id, window] of windows) {
      window.push(failed.has(id));
      if (window.length > 50) window.shift();
      const rate = window.filter(Boolean).length / window.length;
      if (window.length >= 5 && rate > 0.3 && !flaggedFlaky.has(id))
        flaggedFlaky.set(id, { index, at: Date.parse(obs.at) });
    }
  });
  return { flaggedFlaky, flaggedByHardEvidence: new Set(), labelledBroken: new Set() };
}

interface Truth {
  visibleFailures: Map<string, number>;
  firstVisibleFailure: Map<string, Flag>;
  outageFailures: Map<string, number>;
}

/** Failures a person could see: those of attempts that are not outages. */
function truthOf(history: SimulatedHistory): Truth {
  const truth: Truth = {
    visibleFailures: new Map(),
    firstVisibleFailure: new Map(),
    outageFailures: new Map(),
  };
  history.attempts.forEach(({ obs, outage }, index) => {
    for (const { id } of obs.failedTests) {
      if (outage) {
        truth.outageFailures.set(id, (truth.outageFailures.get(id) ?? 0) + 1);
        continue;
      }
      truth.visibleFailures.set(id, (truth.visibleFailures.get(id) ?? 0) + 1);
      if (!truth.firstVisibleFailure.has(id))
        truth.firstVisibleFailure.set(id, { index, at: Date.parse(obs.at) });
    }
  });
  return truth;
}

interface Scores {
  precision: number;
  recallVisible: number;
  recallAll: number;
  delayAttemptsMean: number;
  delayAttemptsMedian: number;
  delayDaysMean: number;
  delayDaysMedian: number;
  brokenAsBroken: number;
  /** Share of true detections whose first label came with same-commit hard evidence. */
  byHardEvidence: number;
  stableFlagged: number;
  stableFlaggedByOutage: number;
}

function mean(values: number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function score(history: SimulatedHistory, truth: Truth, result: MethodResult): Scores {
  const isFlaky = (test: TestTruth): boolean => FLAKY_KINDS.has(test.kind);
  const flagged = history.tests.filter((test) => result.flaggedFlaky.has(test.id));
  const truePositives = flagged.filter(isFlaky);
  const flakyTests = history.tests.filter(isFlaky);
  const visible = flakyTests.filter((test) => (truth.visibleFailures.get(test.id) ?? 0) >= 2);
  const detectedVisible = visible.filter((test) => result.flaggedFlaky.has(test.id));
  const delays = detectedVisible.flatMap((test) => {
    const flag = result.flaggedFlaky.get(test.id);
    const first = truth.firstVisibleFailure.get(test.id);
    return flag && first ? [{ attempts: flag.index - first.index, days: (flag.at - first.at) / DAY_MS }] : [];
  });
  const broken = history.tests.filter(
    (test) => test.kind === 'broken' && (truth.visibleFailures.get(test.id) ?? 0) > 0,
  );
  const brokenAsBroken = broken.filter(
    (test) => result.labelledBroken.has(test.id) && !result.flaggedFlaky.has(test.id),
  );
  const stableFlagged = flagged.filter((test) => test.kind === 'stable');
  return {
    precision: flagged.length === 0 ? Number.NaN : truePositives.length / flagged.length,
    recallVisible: visible.length === 0 ? 1 : detectedVisible.length / visible.length,
    recallAll:
      flakyTests.length === 0
        ? 1
        : flakyTests.filter((test) => result.flaggedFlaky.has(test.id)).length / flakyTests.length,
    delayAttemptsMean: mean(delays.map((d) => d.attempts)),
    delayAttemptsMedian: median(delays.map((d) => d.attempts)),
    delayDaysMean: mean(delays.map((d) => d.days)),
    delayDaysMedian: median(delays.map((d) => d.days)),
    brokenAsBroken: broken.length === 0 ? 1 : brokenAsBroken.length / broken.length,
    byHardEvidence:
      truePositives.length === 0
        ? Number.NaN
        : truePositives.filter((test) => result.flaggedByHardEvidence.has(test.id)).length /
          truePositives.length,
    stableFlagged: stableFlagged.length,
    // A stable test with fewer than two visible failures can only have been flagged because of outage failures.
    stableFlaggedByOutage: stableFlagged.filter((test) => (truth.visibleFailures.get(test.id) ?? 0) < 2)
      .length,
  };
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) ? value : fallback;
}

const fmt = (value: number, digits = 3): string => (Number.isNaN(value) ? '-' : value.toFixed(digits));

function printTable(label: string, rows: Scores[]): void {
  const keys: (keyof Scores)[] = [
    'precision',
    'recallVisible',
    'recallAll',
    'delayAttemptsMean',
    'delayAttemptsMedian',
    'delayDaysMean',
    'delayDaysMedian',
    'brokenAsBroken',
    'byHardEvidence',
    'stableFlagged',
    'stableFlaggedByOutage',
  ];
  const lowerIsBetter = new Set<keyof Scores>([
    'delayAttemptsMean',
    'delayAttemptsMedian',
    'delayDaysMean',
    'delayDaysMedian',
    'stableFlagged',
    'stableFlaggedByOutage',
  ]);
  console.log(`\n${label}`);
  for (const key of keys) {
    const values = rows.map((row) => row[key]).filter((value) => !Number.isNaN(value));
    if (values.length === 0) {
      console.log(`  ${key.padEnd(22)} - (nothing to measure)`);
      continue;
    }
    const worst = lowerIsBetter.has(key) ? Math.max(...values) : Math.min(...values);
    console.log(
      `  ${key.padEnd(22)} mean ${fmt(mean(values)).padStart(8)}   worst ${fmt(worst).padStart(8)}   per seed ${values.map((v) => fmt(v, 2)).join(' ')}`,
    );
  }
}

const SCENARIOS: { label: string; options: Partial<SimulationOptions> }[] = [
  { label: 'reruns and pull-request pipelines (same-commit evidence exists)', options: {} },
  {
    label: 'no reruns, no second pipeline per commit (score only)',
    options: { pullRequestShare: 0, rerunShare: 0 },
  },
];

function runScenario(label: string, options: Partial<SimulationOptions>, seeds: number): void {
  const detector: Scores[] = [];
  const sameCommit: Scores[] = [];
  const rate: Scores[] = [];
  const cost = { reads: 0, writes: 0, attempts: 0, counted: 0, maxTrack: 0, maxState: 0 };
  for (let seed = 1; seed <= seeds; seed++) {
    const history = simulateHistory(seed, options);
    const truth = truthOf(history);
    const run = runDetector(history);
    detector.push(score(history, truth, run));
    sameCommit.push(score(history, truth, runSameCommitBaseline(history)));
    rate.push(score(history, truth, runRateBaseline(history)));
    cost.reads += run.reads;
    cost.writes += run.writes;
    cost.attempts += history.attempts.length;
    cost.counted += run.countedAttempts;
    cost.maxTrack = Math.max(cost.maxTrack, run.maxTrackBytes);
    cost.maxState = Math.max(cost.maxState, run.maxStateBytes);
  }
  console.log(`\n=== Scenario: ${label}`);
  console.log(`${seeds} seeds, ${cost.attempts} attempts in all (${cost.counted} counted)`);
  printTable('Detector', detector);
  printTable('Baseline (a): failed and passed on one commit', sameCommit);
  printTable('Baseline (b): failure rate over the last 50 attempts above 30%', rate);
  console.log('\nCost per attempt (detector)');
  console.log(`  TestStates read    ${fmt(cost.reads / cost.attempts)}`);
  console.log(`  TestStates written ${fmt(cost.writes / cost.attempts)}`);
  console.log(`  max StepTrack  ${cost.maxTrack} bytes (JSON)`);
  console.log(`  max TestState  ${cost.maxState} bytes (JSON)`);
}

function main(): void {
  const seeds = argument('seeds', 5);
  const days = argument('days', 60);
  const tests = argument('tests', 300);
  console.log(`Detection benchmark: ${days} days per history, ${tests} tests per step`);
  console.log(
    'Delays are from the first visible failure (negative: labelled before any failure outside an outage).',
  );
  for (const scenario of SCENARIOS) runScenario(scenario.label, { ...scenario.options, days, tests }, seeds);
}

main();
