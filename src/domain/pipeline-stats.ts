/**
 * Per repository: fixed-size pipeline statistics. A pipeline counts once, by its newest recorded run: "Rerun failed
 * steps" keeps the pipeline and its build number and bumps its run number, so a pipeline that failed and then passed
 * on rerun is one successful pipeline, and the rerun counts as a rerun, not as another pipeline. What a pipeline was
 * counted as is kept beside it (`PipelineTally`), so a later run replaces its contribution exactly, whatever the
 * order in which runs arrive. MTTR on the default branch: time from the first red run to the next green one.
 */
import type { PipelineRunRecord } from './attempt';
import { addToHistogram, type Histogram } from './histogram';
import { weekOf } from './time';
import { WEEKS_KEPT } from './step-stats';
import type { PipelineResult } from './types';

export interface PipelineCounters {
  /** Distinct pipelines (build numbers), each counted once by its newest run. */
  runs: number;
  successful: number;
  failed: number;
  stopped: number;
  error: number;
  expired: number;
  buildSeconds: number;
  deployments: number;
  /** Pipelines rerun at least once ("Rerun failed steps": their newest run number is above 1). */
  reruns: number;
  /** Runs after each pipeline's first: the sum of (run number − 1). */
  rerunAttempts: number;
}

export interface PipelineWeek extends PipelineCounters {
  week: string;
  duration: Histogram;
}

export interface RecoveryState {
  /** The default branch is red since this run (ordered by creation time). */
  redSince?: { at: string; buildNumber: number };
  /** Creation time of the newest default-branch run applied: older late arrivals do not move the state. */
  lastAt?: string;
  recoveries: number;
  totalRecoveryHours: number;
}

export interface PipelineStats {
  totals: PipelineCounters;
  weeks: PipelineWeek[];
  recovery: RecoveryState;
  lastRecordedAt?: string;
  /** Distinct branches seen recently (bounded), for the branch filter. */
  branches: string[];
  /** The newest completed run, for the critical path. */
  latestRun?: PipelineRunRecord;
}

/** What one pipeline counts for in the statistics: its newest recorded run. One small document per pipeline. */
export interface PipelineTally {
  /** The week it is counted in: its creation's, which a rerun does not change. */
  week: string;
  runNumber: number;
  result: PipelineResult;
  /**
   * `build_seconds_used` of the newest run, taken to cover all the pipeline's runs (the simulator's model; the
   * API's own meaning after a rerun is unverified), so it replaces, never adds to, the earlier run's.
   */
  buildSeconds: number;
  /** In the duration histogram unless stopped. */
  durationSeconds?: number;
  deployed: boolean;
}

const zero = (): PipelineCounters => ({
  runs: 0,
  successful: 0,
  failed: 0,
  stopped: 0,
  error: 0,
  expired: 0,
  buildSeconds: 0,
  deployments: 0,
  reruns: 0,
  rerunAttempts: 0,
});

export function emptyPipelineStats(): PipelineStats {
  return { totals: zero(), weeks: [], recovery: { recoveries: 0, totalRecoveryHours: 0 }, branches: [] };
}

export function tallyOf(r: PipelineRunRecord, week = weekOf(r.createdOn)): PipelineTally {
  return {
    week,
    runNumber: r.runNumber,
    result: r.result,
    buildSeconds: r.buildSecondsUsed ?? 0,
    ...(r.durationSeconds !== undefined && r.result !== 'STOPPED'
      ? { durationSeconds: r.durationSeconds }
      : {}),
    deployed: r.deployed,
  };
}

const RESULT_COUNTER: Record<PipelineResult, keyof PipelineCounters | undefined> = {
  SUCCESSFUL: 'successful',
  FAILED: 'failed',
  STOPPED: 'stopped',
  ERROR: 'error',
  EXPIRED: 'expired',
  UNKNOWN: undefined,
};

/** Counters with one pipeline's contribution added (`sign` 1) or taken out (`sign` −1). */
function addTally(c: PipelineCounters, t: PipelineTally, sign: 1 | -1): PipelineCounters {
  const out = { ...zero(), ...c };
  out.runs += sign;
  out.buildSeconds += sign * t.buildSeconds;
  const counter = RESULT_COUNTER[t.result];
  if (counter) out[counter] += sign;
  if (t.deployed) out.deployments += sign;
  if (t.runNumber > 1) out.reruns += sign;
  out.rerunAttempts += sign * (t.runNumber - 1);
  return out;
}

function applyTally(weeks: PipelineWeek[], t: PipelineTally, sign: 1 | -1): PipelineWeek[] {
  let w = weeks.find((x) => x.week === t.week);
  if (!w) {
    // A pipeline whose week has already fallen out of the kept weeks is not counted again.
    if (sign < 0 || (weeks.length >= WEEKS_KEPT && t.week < (weeks[0]?.week ?? ''))) return weeks;
    w = { week: t.week, ...zero(), duration: [] };
    weeks = [...weeks, w].sort((x, y) => x.week.localeCompare(y.week));
  }
  const updated: PipelineWeek = { ...w, ...addTally(w, t, sign) };
  if (t.durationSeconds !== undefined) updated.duration = addToHistogram(w.duration, t.durationSeconds, sign);
  return weeks.map((x) => (x.week === t.week ? updated : x));
}

function applyRecovery(s: RecoveryState, r: PipelineRunRecord): RecoveryState {
  if (!r.isDefaultBranch || r.result === 'STOPPED' || r.result === 'UNKNOWN') return s;
  if (s.lastAt && r.createdOn < s.lastAt) return s; // a late arrival does not rewrite history
  const next: RecoveryState = { ...s, lastAt: r.createdOn };
  const red = r.result !== 'SUCCESSFUL';
  if (red && !s.redSince) next.redSince = { at: r.createdOn, buildNumber: r.buildNumber };
  if (!red && s.redSince) {
    const end = r.completedOn ?? r.createdOn;
    next.totalRecoveryHours =
      s.totalRecoveryHours + Math.max(0, Date.parse(end) - Date.parse(s.redSince.at)) / 3.6e6;
    next.recoveries = s.recoveries + 1;
    delete next.redSince;
  }
  return next;
}

/**
 * The pipelines created in [since, until], each counted once by its newest recorded run, from the run records: exact
 * to the window's start and end, where the weekly buckets count whole weeks. With their durations' histogram.
 */
export function countPipelines(
  runs: Iterable<PipelineRunRecord>,
  since: string,
  until: string,
): { counters: PipelineCounters; duration: Histogram } {
  const newest = new Map<string, PipelineRunRecord>();
  for (const r of runs) {
    if (r.createdOn < since || r.createdOn > until) continue;
    const known = newest.get(r.pipelineUuid);
    if (!known || r.runNumber > known.runNumber) newest.set(r.pipelineUuid, r);
  }
  let counters = zero();
  let duration: Histogram = [];
  for (const r of newest.values()) {
    const t = tallyOf(r);
    counters = addTally(counters, t, 1);
    if (t.durationSeconds !== undefined) duration = addToHistogram(duration, t.durationSeconds);
  }
  return { counters, duration };
}

/**
 * The statistics and the pipeline's tally after a completed run, or undefined when the run changes nothing: its
 * pipeline is already counted at this run number or a later one (a duplicate, or an earlier run arriving late).
 */
export function applyRunToPipelineStats(
  stats: PipelineStats,
  r: PipelineRunRecord,
  counted?: PipelineTally,
): { stats: PipelineStats; tally: PipelineTally } | undefined {
  if (counted && r.runNumber <= counted.runNumber) return undefined;
  const tally = tallyOf(r, counted?.week);
  let weeks = stats.weeks.map((w) => ({ ...zero(), ...w }));
  let totals = stats.totals;
  if (counted) {
    weeks = applyTally(weeks, counted, -1);
    totals = addTally(totals, counted, -1);
  }
  weeks = applyTally(weeks, tally, 1);
  totals = addTally(totals, tally, 1);
  const branches = r.branch
    ? [r.branch, ...stats.branches.filter((b) => b !== r.branch)].slice(0, 50)
    : stats.branches;
  const at = r.completedOn ?? r.createdOn;
  return {
    tally,
    stats: {
      totals,
      weeks: weeks.slice(-WEEKS_KEPT),
      recovery: applyRecovery(stats.recovery, r),
      lastRecordedAt: !stats.lastRecordedAt || at > stats.lastRecordedAt ? at : stats.lastRecordedAt,
      branches,
      latestRun: !stats.latestRun || r.createdOn >= stats.latestRun.createdOn ? r : stats.latestRun,
    },
  };
}
