/**
 * Slowdown benchmark (`npm run bench:slowdown`): the step-duration change-point detector of src/domain/slowdown.ts on
 * simulated run sequences with known truth, next to the weekly test it replaced (the last two calendar weeks' median
 * against the four weeks before).
 *
 * Each history is 200 successful default-branch runs of one step, three a day, with log-normal noise around a median
 * of 300 s. A shifted history gets slower by the given factor from run 151 on; the detector runs after every run, as
 * ingestion does. Per scenario:
 * - false alarms: histories with any alarm before the shift (all 200 runs when there is none);
 * - detected: histories flagged within 5, 10 and 25 runs of the shift, and the median delay (1 = flagged on the
 *   first slow run);
 * - right first run: of the detected, those naming the true first slow pipeline, and those naming one at most two
 *   runs off.
 * Also an outlier (one run 3× slower), a step that is 1.6× slower for 6 runs and then recovers (alarms while it is
 * slow are fine, an alarm still standing at the end is not), a step whose runs miss their cache one time in twenty
 * (2× slower then), and one that drifts 2 % slower a day.
 *
 * Options: `--seeds 400`.
 */
import type { AttemptRecord } from '../src/domain/attempt';
import {
  detectSlowdown,
  emptyStepRunHistory,
  recordRun,
  SLOWDOWN,
  type StepRunHistory,
} from '../src/domain/slowdown';
import { createRng } from '../src/sim/prng';
import { anAttempt } from '../test/support/attempt-builders';

const RUNS = 200;
const SHIFT_AT = 150;
const MEDIAN_SECONDS = 300;
const RUNS_PER_DAY = 3;
const DAY_MS = 86_400_000;
const START = Date.parse('2026-01-05T00:00:00Z');

interface Scenario {
  name: string;
  sigma: number;
  /** Duration factor of run `index` (0-based). */
  factor: (index: number) => number;
  /** First slow run (0-based), if the step gets slower for good. */
  shiftAt?: number;
  /** An alarm standing at the end of the history is wrong (the step is back to normal). */
  recovered?: boolean;
}

function attemptAt(index: number, seconds: number): AttemptRecord {
  const completedOn = new Date(START + (index * DAY_MS) / RUNS_PER_DAY).toISOString();
  return anAttempt({ buildNumber: 1000 + index, completedOn, durationSeconds: seconds });
}

interface Run {
  /** Index of the first run after which an alarm stood, per run: the alarm's first slow build, or undefined. */
  alarms: Array<number | undefined>;
  weekly: boolean[];
  seconds: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The weekly test this detector replaced: last 14 days' median against the 28 days before, ≥ 15 % and ≥ 20 s. */
function weeklyAlarm(seconds: readonly number[], index: number): boolean {
  const perWeek = 7 * RUNS_PER_DAY;
  const recent = seconds.slice(Math.max(0, index + 1 - 2 * perWeek), index + 1);
  const baseline = seconds.slice(Math.max(0, index + 1 - 6 * perWeek), Math.max(0, index + 1 - 2 * perWeek));
  if (recent.length < 5 || baseline.length < 5) return false;
  const change = median(recent) / median(baseline) - 1;
  return change >= 0.15 && median(recent) - median(baseline) >= 20;
}

function simulate(scenario: Scenario, seed: number): Run {
  const rng = createRng(seed);
  let history: StepRunHistory = emptyStepRunHistory();
  const run: Run = { alarms: [], weekly: [], seconds: [] };
  for (let index = 0; index < RUNS; index += 1) {
    const seconds = MEDIAN_SECONDS * scenario.factor(index) * rng.noise(scenario.sigma);
    run.seconds.push(seconds);
    history = recordRun(history, attemptAt(index, seconds)) ?? history;
    run.alarms.push(detectSlowdown(history)?.firstSlow.buildNumber);
    run.weekly.push(weeklyAlarm(run.seconds, index));
  }
  return run;
}

interface Tally {
  histories: number;
  falseAlarms: number;
  within: Record<5 | 10 | 25, number>;
  delays: number[];
  rightFirstRun: number;
  nearFirstRun: number;
  standingAtEnd: number;
  weeklyFalseAlarms: number;
  weeklyWithin: Record<5 | 10 | 25, number>;
}

function firstAlarmFrom(alarms: ReadonlyArray<unknown>, from: number): number | undefined {
  for (let index = from; index < alarms.length; index += 1) {
    const alarm = alarms[index];
    if (alarm !== undefined && alarm !== false) return index;
  }
  return undefined;
}

function tally(scenario: Scenario, seeds: number): Tally {
  const t: Tally = {
    histories: seeds,
    falseAlarms: 0,
    within: { 5: 0, 10: 0, 25: 0 },
    delays: [],
    rightFirstRun: 0,
    nearFirstRun: 0,
    standingAtEnd: 0,
    weeklyFalseAlarms: 0,
    weeklyWithin: { 5: 0, 10: 0, 25: 0 },
  };
  for (let seed = 1; seed <= seeds; seed += 1) {
    const run = simulate(scenario, seed * 7919);
    const cleanUntil = scenario.shiftAt ?? (scenario.recovered ? SHIFT_AT : RUNS);
    if (run.alarms.slice(0, cleanUntil).some((alarm) => alarm !== undefined)) t.falseAlarms += 1;
    if (run.weekly.slice(0, cleanUntil).some(Boolean)) t.weeklyFalseAlarms += 1;
    if (scenario.recovered && run.alarms[RUNS - 1] !== undefined) t.standingAtEnd += 1;
    if (scenario.shiftAt === undefined) continue;
    const shiftAt = scenario.shiftAt;
    const first = firstAlarmFrom(run.alarms, shiftAt);
    const weekly = firstAlarmFrom(run.weekly, shiftAt);
    for (const n of [5, 10, 25] as const) {
      if (first !== undefined && first - shiftAt < n) t.within[n] += 1;
      if (weekly !== undefined && weekly - shiftAt < n) t.weeklyWithin[n] += 1;
    }
    if (first === undefined) continue;
    t.delays.push(first - shiftAt + 1);
    const named = run.alarms[first];
    if (named === 1000 + shiftAt) t.rightFirstRun += 1;
    if (named !== undefined && Math.abs(named - (1000 + shiftAt)) <= 2) t.nearFirstRun += 1;
  }
  return t;
}

const pct = (n: number, of: number): string => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);

function main(): void {
  const seedsArg = process.argv.indexOf('--seeds');
  const seeds = seedsArg >= 0 ? Number(process.argv[seedsArg + 1]) : 400;
  const shifted = (factor: number) => (index: number) => (index >= SHIFT_AT ? factor : 1);
  const scenarios: Scenario[] = [];
  for (const sigma of [0.05, 0.15, 0.3]) {
    scenarios.push({ name: `no change, sigma ${sigma}`, sigma, factor: () => 1 });
    for (const factor of [1.25, 1.6, 2]) {
      scenarios.push({
        name: `${factor}x, sigma ${sigma}`,
        sigma,
        factor: shifted(factor),
        shiftAt: SHIFT_AT,
      });
    }
  }
  scenarios.push({
    name: 'one 3x outlier, sigma 0.15',
    sigma: 0.15,
    factor: (index) => (index === SHIFT_AT ? 3 : 1),
    recovered: true,
  });
  scenarios.push({
    name: '1.6x for 6 runs, then back, sigma 0.15',
    sigma: 0.15,
    factor: (index) => (index >= SHIFT_AT && index < SHIFT_AT + 6 ? 1.6 : 1),
    recovered: true,
  });
  scenarios.push({
    name: '2x cache misses 1 in 20, sigma 0.1',
    sigma: 0.1,
    factor: (index) => ((index * 7919) % 20 === 3 ? 2 : 1),
  });
  scenarios.push({
    name: '2 % slower a day from run 151, sigma 0.1',
    sigma: 0.1,
    factor: (index) => (index < SHIFT_AT ? 1 : 1.02 ** ((index - SHIFT_AT) / RUNS_PER_DAY)),
    shiftAt: SHIFT_AT,
  });
  console.log(
    `Slowdown detector: ${seeds} histories per scenario of ${RUNS} runs (${RUNS_PER_DAY} a day), shift at run ${SHIFT_AT + 1}`,
  );
  console.log(
    `Window: ${SLOWDOWN.defaultBranchRuns} default-branch runs, ≥ ${SLOWDOWN.minBefore} before and ≥ ${SLOWDOWN.minAfter} after the change, shift ≥ ${SLOWDOWN.minZ} standard errors, rank z ≥ ${SLOWDOWN.minRankZ}, ratio ≥ ${SLOWDOWN.minRatio}`,
  );
  const head = [
    'scenario',
    'false alarm',
    '≤5 runs',
    '≤10 runs',
    '≤25 runs',
    'med. delay',
    '1st run',
    '±2 runs',
    'at end',
    '| weekly: false alarm',
    '≤5',
    '≤25',
  ];
  console.log(head.map((h, i) => (i === 0 ? h.padEnd(42) : h.padStart(i === 9 ? 22 : 11))).join(''));
  for (const scenario of scenarios) {
    const t = tally(scenario, seeds);
    const detected = t.delays.length;
    const cells = [
      pct(t.falseAlarms, t.histories),
      scenario.shiftAt === undefined ? '-' : pct(t.within[5], t.histories),
      scenario.shiftAt === undefined ? '-' : pct(t.within[10], t.histories),
      scenario.shiftAt === undefined ? '-' : pct(t.within[25], t.histories),
      detected === 0 ? '-' : String(median(t.delays)),
      detected === 0 ? '-' : pct(t.rightFirstRun, detected),
      detected === 0 ? '-' : pct(t.nearFirstRun, detected),
      scenario.recovered ? pct(t.standingAtEnd, t.histories) : '-',
      pct(t.weeklyFalseAlarms, t.histories),
      scenario.shiftAt === undefined ? '-' : pct(t.weeklyWithin[5], t.histories),
      scenario.shiftAt === undefined ? '-' : pct(t.weeklyWithin[25], t.histories),
    ];
    console.log(scenario.name.padEnd(42) + cells.map((c, i) => c.padStart(i === 8 ? 22 : 11)).join(''));
  }
}

main();
