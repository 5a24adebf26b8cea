/**
 * Per step name: fixed-size duration statistics, updated once per recorded attempt (commutative). Weekly buckets are
 * kept for WEEKS_KEPT weeks; older ones fall off. Whether the step got slower is decided from its runs, not from these
 * buckets (src/domain/slowdown.ts); the verdict is kept here so that reports read one document per step.
 */
import type { AttemptRecord } from './attempt';
import type { FailureCategory } from './types';
import { addToHistogram, type Histogram } from './histogram';
import {
  decodeRunList,
  detectSlowdown,
  encodeRunList,
  recordRun,
  scopeOf,
  type RunScope,
  type Slowdown,
  type StoredRunList,
} from './slowdown';
import { weekOf } from './time';

export const WEEKS_KEPT = 16;

export interface StepWeek {
  week: string;
  runs: number;
  successes: number;
  duration: Histogram;
  buildSeconds: number;
}

export interface StepStats {
  stepName: string;
  runs: number;
  successes: number;
  reruns: number;
  rerunSuccesses: number;
  buildSeconds: number;
  sizeMultiplier: number;
  duration: Histogram;
  queue: Histogram;
  weeks: StepWeek[];
  failuresByCategory: Partial<Record<FailureCategory, number>>;
  oomKills: { count: number; lastAt?: string; weeks: Record<string, number> };
  lastCompletedOn?: string;
  /** Attempts in a row without a test report: such steps are not asked for one when they succeed. */
  noReportStreak: number;
  /** The step's current slowdown, as of its newest run that counts (src/domain/slowdown.ts). */
  slowdown?: Slowdown;
}

export function emptyStepStats(stepName: string): StepStats {
  return {
    stepName,
    runs: 0,
    successes: 0,
    reruns: 0,
    rerunSuccesses: 0,
    buildSeconds: 0,
    sizeMultiplier: 1,
    duration: [],
    queue: [],
    weeks: [],
    failuresByCategory: {},
    oomKills: { count: 0, weeks: {} },
    noReportStreak: 0,
  };
}

export function applyAttemptToStepStats(stats: StepStats, a: AttemptRecord): StepStats {
  const ok = a.result === 'SUCCESSFUL';
  const week = weekOf(a.completedOn);
  const weeks = stats.weeks.map((w) => ({ ...w }));
  let w = weeks.find((x) => x.week === week);
  if (!w) {
    w = { week, runs: 0, successes: 0, duration: [], buildSeconds: 0 };
    weeks.push(w);
    weeks.sort((x, y) => x.week.localeCompare(y.week));
  }
  w.runs += 1;
  if (ok) w.successes += 1;
  w.buildSeconds += (a.buildSecondsUsed ?? 0) * a.sizeMultiplier;
  if (a.durationSeconds !== undefined) w.duration = addToHistogram(w.duration, a.durationSeconds);
  const oom = a.failure?.cause === 'out-of-memory';
  const oomWeeks = { ...stats.oomKills.weeks };
  if (oom) oomWeeks[week] = (oomWeeks[week] ?? 0) + 1;
  const failuresByCategory = { ...stats.failuresByCategory };
  if (!ok && a.failure)
    failuresByCategory[a.failure.category] = (failuresByCategory[a.failure.category] ?? 0) + 1;
  const kept = weeks.slice(-WEEKS_KEPT);
  const keptNames = new Set(kept.map((x) => x.week));
  return {
    stepName: stats.stepName,
    runs: stats.runs + 1,
    successes: stats.successes + (ok ? 1 : 0),
    reruns: stats.reruns + (a.isRerun ? 1 : 0),
    rerunSuccesses: stats.rerunSuccesses + (a.isRerun && ok ? 1 : 0),
    buildSeconds: stats.buildSeconds + (a.buildSecondsUsed ?? 0) * a.sizeMultiplier,
    sizeMultiplier: a.sizeMultiplier,
    duration:
      a.durationSeconds === undefined ? stats.duration : addToHistogram(stats.duration, a.durationSeconds),
    queue: a.queueSeconds === undefined ? stats.queue : addToHistogram(stats.queue, a.queueSeconds),
    weeks: kept,
    failuresByCategory,
    oomKills: {
      count: stats.oomKills.count + (oom ? 1 : 0),
      lastAt:
        oom && (!stats.oomKills.lastAt || a.completedOn > stats.oomKills.lastAt)
          ? a.completedOn
          : stats.oomKills.lastAt,
      weeks: Object.fromEntries(
        Object.entries(oomWeeks).filter(([k]) => keptNames.has(k) || k >= (kept[0]?.week ?? '')),
      ),
    },
    noReportStreak: a.tests ? 0 : stats.noReportStreak + 1,
    lastCompletedOn:
      !stats.lastCompletedOn || a.completedOn > stats.lastCompletedOn ? a.completedOn : stats.lastCompletedOn,
    ...(stats.slowdown ? { slowdown: stats.slowdown } : {}),
  };
}

/**
 * The step's documents after one attempt: its statistics, and, when the attempt is a run that counts, the one list of
 * its run history the run joins (to write back), with the statistics carrying the slowdown detected from the history.
 */
export function applyAttemptToStepDocs(
  stats: StepStats,
  stored: Partial<Record<RunScope, StoredRunList>>,
  a: AttemptRecord,
): { stats: StepStats; runs?: { scope: RunScope; list: StoredRunList } } {
  const next = applyAttemptToStepStats(stats, a);
  const history = recordRun(
    {
      defaultBranch: decodeRunList(stored.defaultBranch),
      otherBranches: decodeRunList(stored.otherBranches),
    },
    a,
  );
  if (history === undefined) return { stats: next };
  const { slowdown: _previous, ...rest } = next;
  const slowdown = detectSlowdown(history);
  const scope = scopeOf(a);
  return {
    stats: slowdown ? { ...rest, slowdown } : rest,
    runs: { scope, list: encodeRunList(history[scope]) },
  };
}
