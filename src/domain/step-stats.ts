/**
 * Per step name: fixed-size duration statistics, updated once per recorded attempt (commutative except for the
 * bounded "first slow pipeline" marker). Weekly buckets are kept for WEEKS_KEPT weeks; older ones fall off.
 */
import type { AttemptRecord } from './attempt';
import type { FailureCategory } from './types';
import { addToHistogram, mergeHistograms, quantile, type Histogram } from './histogram';
import { weekOf } from './time';

export const WEEKS_KEPT = 16;

export interface StepWeek {
  week: string;
  runs: number;
  successes: number;
  duration: Histogram;
  buildSeconds: number;
  /** First pipeline this week slower than the p95 of the weeks before it. */
  firstSlow?: { buildNumber: number; at: string };
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

function baselineP95(weeks: StepWeek[], beforeWeek: string): number | undefined {
  const h = weeks.filter((w) => w.week < beforeWeek).reduce<Histogram>((acc, w) => mergeHistograms(acc, w.duration), []);
  return quantile(h, 0.95);
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
  if (a.durationSeconds !== undefined) {
    const p95 = baselineP95(weeks, week);
    if (p95 !== undefined && a.durationSeconds > p95 && (!w.firstSlow || a.completedOn < w.firstSlow.at)) {
      w.firstSlow = { buildNumber: a.buildNumber, at: a.completedOn };
    }
    w.duration = addToHistogram(w.duration, a.durationSeconds);
  }
  const oom = a.failure?.cause === 'out-of-memory';
  const oomWeeks = { ...stats.oomKills.weeks };
  if (oom) oomWeeks[week] = (oomWeeks[week] ?? 0) + 1;
  const failuresByCategory = { ...stats.failuresByCategory };
  if (!ok && a.failure) failuresByCategory[a.failure.category] = (failuresByCategory[a.failure.category] ?? 0) + 1;
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
    duration: a.durationSeconds === undefined ? stats.duration : addToHistogram(stats.duration, a.durationSeconds),
    queue: a.queueSeconds === undefined ? stats.queue : addToHistogram(stats.queue, a.queueSeconds),
    weeks: kept,
    failuresByCategory,
    oomKills: {
      count: stats.oomKills.count + (oom ? 1 : 0),
      lastAt: oom && (!stats.oomKills.lastAt || a.completedOn > stats.oomKills.lastAt) ? a.completedOn : stats.oomKills.lastAt,
      weeks: Object.fromEntries(Object.entries(oomWeeks).filter(([k]) => keptNames.has(k) || k >= (kept[0]?.week ?? ''))),
    },
    noReportStreak: a.tests ? 0 : stats.noReportStreak + 1,
    lastCompletedOn:
      !stats.lastCompletedOn || a.completedOn > stats.lastCompletedOn ? a.completedOn : stats.lastCompletedOn,
  };
}
