/**
 * Slowdowns found from a step's runs, not from calendar weeks (DESIGN.md §3 "Durations"): where in the sequence of its
 * recent runs did the step get slower, by how much, from which pipeline and commit on, and is it still slow.
 *
 * Which runs count: successful attempts of the step, and attempts that failed only on a few tests of a suite that ran
 * (other failed runs stop early or hang, so their duration says nothing about the step's speed), reruns included. Default-branch runs are read in the order of the code they ran (`inCodeOrder`:
a pipeline started by hand on an older commit is not "the step got fast again"); others in order of completion. Runs on the default branch are kept apart from the
 * others and are used whenever there are enough of them: feature branches and pull requests may run the step on work
 * that differs from the default branch's.
 *
 * The test, over a bounded window of recent runs, on log-durations (so that a shift is relative, and a slow step's
 * noise counts like a fast one's). First where: the first slow run k is the split of the window into two runs of
 * steady speed that fits best (least absolute deviation from each part's median), among the splits with at least
 * `minBefore` runs before and `minAfter` from k to the newest. Then whether: the shift between the median from k on and
 * the median of the `maxBaseline` runs before k, in units of its standard error (the runs' spread from the baseline's
 * median absolute deviation, and the variance of a median, π/2 · σ²/n, on each side). A slowdown is reported only when
 * - that evidence is strong (`minZ`, chosen for few false alarms although the test runs after every run), and a rank
 *   test agrees (one-sided Mann-Whitney, `minRankZ`), so a few extreme runs cannot make it alone,
 * - the medians differ by at least `minRatio` and `minSeconds` (a 4 s step taking 5 s is not news),
 * - it is sustained: the first slow run itself, most runs since (`sustainShare`) and most of the last `sustainRuns`
 *   are past the halfway point between the two medians, so a single slow run, or a step that got slower and then
 *   recovered, is not flagged, while one fast run among slow ones does not clear it. A recovered step is simply not
 *   slow any more: nothing is reported, as for any step at its usual speed.
 * A slowdown older than the window (fewer than `minBefore` runs of the old speed left) is the step's new normal.
 */
import type { AttemptRecord } from './attempt';

export const SLOWDOWN = {
  /** Successful runs kept per step on the default branch, and on other branches (used only without the former). */
  defaultBranchRuns: 48,
  otherBranchRuns: 24,
  /** Default-branch runs needed before they are used alone. */
  minDefaultBranchRuns: 12,
  minBefore: 16,
  maxBaseline: 32,
  minAfter: 4,
  minRatio: 1.2,
  minSeconds: 10,
  /** The shift of the medians in standard errors. */
  minZ: 5.5,
  /** One-sided Mann-Whitney z. */
  minRankZ: 2.5,
  /** The least spread assumed of a step's log-durations: steps that always take the same time still vary a little. */
  minSpread: 0.02,
  sustainRuns: 3,
  sustainShare: 0.75,
} as const;

/**
 * One run: whole seconds, build number, completion in epoch minutes, commit (its first 7 hex characters, or ''), and
 * whether its pipeline was started by hand (a "Run pipeline" on a commit of the user's choosing, often an older one).
 */
export type StepRunTuple = [
  seconds: number,
  buildNumber: number,
  completedMinute: number,
  commit: string,
  manual?: boolean,
];

/** The bounded run history of one step, oldest run first in each list (stored as one document per list). */
export interface StepRunHistory {
  defaultBranch: StepRunTuple[];
  otherBranches: StepRunTuple[];
}

export interface Slowdown {
  /** Relative change of the median since the first slow run, e.g. 0.6 = 60 % slower. */
  change: number;
  baselineP50Seconds: number;
  recentP50Seconds: number;
  firstSlow: { buildNumber: number; commit?: string; at: string };
  /** Runs since the first slow one, itself included. */
  runsSince: number;
  scope: 'default-branch' | 'all-branches';
}

export const emptyStepRunHistory = (): StepRunHistory => ({ defaultBranch: [], otherBranches: [] });

/** A commit as people read it (and as Bitbucket shows it): its first 7 hex characters. */
const COMMIT_CHARS = 7;
const MINUTE_MS = 60_000;

function tupleOf(a: AttemptRecord, seconds: number): StepRunTuple {
  const seconds1 = Math.max(1, Math.round(seconds));
  const minute = Math.floor(Date.parse(a.completedOn) / MINUTE_MS);
  const commit = (a.commit ?? '').slice(0, COMMIT_CHARS);
  return a.manualPipeline
    ? [seconds1, a.buildNumber, minute, commit, true]
    : [seconds1, a.buildNumber, minute, commit];
}

const isLater = (a: StepRunTuple, b: StepRunTuple): boolean => a[2] > b[2] || (a[2] === b[2] && a[1] > b[1]);

/** Inserts in completion order and keeps the newest `limit`; a run older than all of a full list is left out. */
function withRun(runs: readonly StepRunTuple[], run: StepRunTuple, limit: number): StepRunTuple[] {
  const at = runs.findIndex((kept) => isLater(kept, run));
  const inserted = at < 0 ? [...runs, run] : [...runs.slice(0, at), run, ...runs.slice(at)];
  return inserted.slice(-limit);
}

/** Failed tests that still leave a run as long as a green one: a few, in a suite that ran. */
const FEW_FAILED_TESTS = 3;
const FEW_FAILED_SHARE = 0.05;

/**
 * Whether the attempt ran the whole step: it succeeded, or it failed only on a few of the tests of a suite that
 * ran (a step that fails on a broken test every run still shows how long it takes).
 */
function ranInFull(a: AttemptRecord): boolean {
  if (a.result === 'SUCCESSFUL') return true;
  if (a.result !== 'FAILED' || a.failure?.category !== 'test' || !a.tests || a.tests.total <= 0) return false;
  const failed = a.tests.failed + a.tests.error;
  return failed > 0 && failed <= Math.max(FEW_FAILED_TESTS, FEW_FAILED_SHARE * a.tests.total);
}

/** The history with this attempt's run, or `undefined` when the attempt is not a run that counts. */
export function recordRun(history: StepRunHistory, a: AttemptRecord): StepRunHistory | undefined {
  if (!ranInFull(a) || a.durationSeconds === undefined || a.durationSeconds <= 0) return undefined;
  const scope = scopeOf(a);
  const limit = scope === 'defaultBranch' ? SLOWDOWN.defaultBranchRuns : SLOWDOWN.otherBranchRuns;
  return { ...history, [scope]: withRun(history[scope], tupleOf(a, a.durationSeconds), limit) };
}

function median(sorted: readonly number[]): number {
  const mid = sorted.length / 2;
  const lower = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  return sorted.length % 2 === 1 ? lower : (lower + (sorted[mid] ?? lower)) / 2;
}

const sortedCopy = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/** Mann-Whitney z of `after` being larger than `before` (ties count half, normal approximation). */
function mannWhitneyZ(after: readonly number[], before: readonly number[]): number {
  let u = 0;
  for (const a of after) for (const b of before) u += a > b ? 1 : a === b ? 0.5 : 0;
  const nA = after.length;
  const nB = before.length;
  return (u - (nA * nB) / 2) / Math.sqrt((nA * nB * (nA + nB + 1)) / 12);
}

export interface ChangePoint {
  /** Index of the first slow run. */
  index: number;
  /** The shift of the medians in standard errors. */
  z: number;
  baselineMedian: number;
  recentMedian: number;
}

/** Inserts into a sorted array, in place. */
function insertSorted(sorted: number[], value: number): void {
  let at = sorted.length;
  while (at > 0 && (sorted[at - 1] ?? 0) > value) at -= 1;
  sorted.splice(at, 0, value);
}

/** `medians[k]`: the median of `logs[0..k)` (from the start) or of `logs[k..n)` (from the end), built incrementally. */
function runningMedians(logs: readonly number[], fromEnd: boolean): number[] {
  const medians = new Array<number>(logs.length + 1).fill(0);
  const sorted: number[] = [];
  for (let step = 0; step < logs.length; step += 1) {
    const index = fromEnd ? logs.length - 1 - step : step;
    insertSorted(sorted, logs[index] ?? 0);
    medians[fromEnd ? index : index + 1] = median(sorted);
  }
  return medians;
}

/** The split into two steady speeds that fits best, among those where the second is slower. */
function bestSlowerSplit(logs: readonly number[]): number | undefined {
  const before = runningMedians(logs, false);
  const after = runningMedians(logs, true);
  let best: { index: number; cost: number } | undefined;
  for (let index = SLOWDOWN.minBefore; index <= logs.length - SLOWDOWN.minAfter; index += 1) {
    const beforeMedian = before[index] ?? 0;
    const afterMedian = after[index] ?? 0;
    if (afterMedian <= beforeMedian) continue;
    let cost = 0;
    for (let i = 0; i < logs.length; i += 1)
      cost += Math.abs((logs[i] ?? 0) - (i < index ? beforeMedian : afterMedian));
    if (best === undefined || cost < best.cost) best = { index, cost };
  }
  return best?.index;
}

/** The median absolute deviation as an estimate of σ for normal data. */
const MAD_TO_SIGMA = 1.4826;

const madSigma = (values: readonly number[], middle: number): number =>
  MAD_TO_SIGMA * median(sortedCopy(values.map((x) => Math.abs(x - middle))));

function candidateAt(logs: readonly number[], index: number): ChangePoint | undefined {
  const before = sortedCopy(logs.slice(Math.max(0, index - SLOWDOWN.maxBaseline), index));
  const after = logs.slice(index);
  const baselineMedian = median(before);
  const recentMedian = median(sortedCopy(after));
  const shift = recentMedian - baselineMedian;
  if (shift < Math.log(SLOWDOWN.minRatio)) return undefined;
  const halfway = baselineMedian + shift / 2;
  const slowShare = after.filter((x) => x > halfway).length / after.length;
  const lastMostlySlow = median(sortedCopy(after.slice(-SLOWDOWN.sustainRuns))) > halfway;
  if (slowShare < SLOWDOWN.sustainShare || !lastMostlySlow || !((after[0] ?? 0) > halfway)) return undefined;
  const spread = Math.max(madSigma(before, baselineMedian), SLOWDOWN.minSpread);
  const z = shift / (spread * Math.sqrt((Math.PI / 2) * (1 / after.length + 1 / before.length)));
  return { index, z, baselineMedian, recentMedian };
}

/**
 * The most likely first slow run in a sequence of durations (oldest first), when the step is slower since then by the
 * rules of this module.
 */
export function findChangePoint(seconds: readonly number[]): ChangePoint | undefined {
  const logs = seconds.map((s) => Math.log(Math.max(s, 1)));
  const split = bestSlowerSplit(logs);
  const best = split === undefined ? undefined : candidateAt(logs, split);
  if (best === undefined || best.z < SLOWDOWN.minZ) return undefined;
  const before = logs.slice(Math.max(0, best.index - SLOWDOWN.maxBaseline), best.index);
  if (mannWhitneyZ(logs.slice(best.index), before) < SLOWDOWN.minRankZ) return undefined;
  const extraSeconds = Math.exp(best.recentMedian) - Math.exp(best.baselineMedian);
  return extraSeconds < SLOWDOWN.minSeconds ? undefined : best;
}

/**
 * The runs in the order of the code they ran, not of when they ran: a run goes where its commit was first built by a
 * pipeline that was not started by hand (the commit's place in history), then by build number. A pipeline started by
 * hand on a commit no such pipeline built (typically "Run pipeline" on an older commit) has no known place and is
 * left out, so old code running after a slowdown does not read as the step having recovered. When no run has a
 * place (a step that only runs in pipelines started by hand), completion order is all there is.
 */
export function inCodeOrder(runs: readonly StepRunTuple[]): StepRunTuple[] {
  const place = new Map<string, number>();
  for (const [, build, , commit, manual] of runs) {
    if (manual || commit === '') continue;
    const known = place.get(commit);
    if (known === undefined || build < known) place.set(commit, build);
  }
  if (place.size === 0) return [...runs];
  const placeOf = (run: StepRunTuple): number | undefined =>
    run[4] ? place.get(run[3]) : (place.get(run[3]) ?? run[1]);
  return runs
    .filter((run) => placeOf(run) !== undefined)
    .sort((a, b) => (placeOf(a) ?? 0) - (placeOf(b) ?? 0) || a[1] - b[1] || a[2] - b[2]);
}

/** The step's current slowdown, from its default-branch runs when it has enough of them, else from all its runs. */
export function detectSlowdown(history: StepRunHistory): Slowdown | undefined {
  const useDefault = history.defaultBranch.length >= SLOWDOWN.minDefaultBranchRuns;
  const runs = useDefault
    ? inCodeOrder(history.defaultBranch)
    : [...history.defaultBranch, ...history.otherBranches].sort((a, b) => (isLater(a, b) ? 1 : -1));
  const found = findChangePoint(runs.map(([seconds]) => seconds));
  const first = found === undefined ? undefined : runs[found.index];
  if (found === undefined || first === undefined) return undefined;
  const baseline = Math.exp(found.baselineMedian);
  const recent = Math.exp(found.recentMedian);
  const [, buildNumber, completedMinute, commit] = first;
  return {
    change: Math.round((recent / baseline - 1) * 1000) / 1000,
    baselineP50Seconds: Math.round(baseline),
    recentP50Seconds: Math.round(recent),
    firstSlow: {
      buildNumber,
      ...(commit !== '' ? { commit } : {}),
      at: new Date(completedMinute * MINUTE_MS).toISOString(),
    },
    runsSince: runs.length - found.index,
    scope: useDefault ? 'default-branch' : 'all-branches',
  };
}

/** Which list of the history a run goes to: a key of `StepRunHistory`. */
export type RunScope = keyof StepRunHistory;

export const scopeOf = (a: Pick<AttemptRecord, 'isDefaultBranch'>): RunScope =>
  a.isDefaultBranch ? 'defaultBranch' : 'otherBranches';

/**
 * One list of the history as stored, one document per list (a run on a branch does not rewrite the default branch's
 * runs): column by column, times and build numbers as differences from the run before (runs are hours apart, builds
 * a few numbers apart), commits concatenated. About 20 bytes a run instead of about 40 as JSON tuples: a list is
 * rewritten on every successful run, and KVS writes are billed by the byte.
 */
export interface StoredRunList {
  /** Minutes since the run before (the first: since the epoch). */
  dt: number[];
  /** Build number minus the one before (the first: the build number). */
  db: number[];
  seconds: number[];
  /** `COMMIT_CHARS` characters a run, `_` for an unknown commit. */
  commits: string;
  /** Positions of the runs whose pipeline was started by hand (absent when there are none). */
  manual?: number[];
}

export function encodeRunList(runs: readonly StepRunTuple[]): StoredRunList {
  const list: StoredRunList = { dt: [], db: [], seconds: [], commits: '' };
  runs.forEach(([seconds, buildNumber, completedMinute, commit, manual], index) => {
    const previous = runs[index - 1];
    if (manual) (list.manual ??= []).push(index);
    list.dt.push(completedMinute - (previous?.[2] ?? 0));
    list.db.push(buildNumber - (previous?.[1] ?? 0));
    list.seconds.push(seconds);
    list.commits += commit.padEnd(COMMIT_CHARS, '_').slice(0, COMMIT_CHARS);
  });
  return list;
}

export function decodeRunList(list: StoredRunList | undefined): StepRunTuple[] {
  if (list === undefined) return [];
  const runs: StepRunTuple[] = [];
  let minute = 0;
  let build = 0;
  const manual = new Set(list.manual ?? []);
  list.seconds.forEach((seconds, index) => {
    minute += list.dt[index] ?? 0;
    build += list.db[index] ?? 0;
    const commit = list.commits.slice(index * COMMIT_CHARS, (index + 1) * COMMIT_CHARS).replace(/_+$/, '');
    runs.push(manual.has(index) ? [seconds, build, minute, commit, true] : [seconds, build, minute, commit]);
  });
  return runs;
}
