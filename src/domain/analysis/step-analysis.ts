/**
 * Step performance from the fixed-size step statistics: percentiles, weekly trend, and the step's current slowdown,
 * found from its runs when they were recorded (src/domain/slowdown.ts), not from calendar weeks.
 */
import type { StepRegression, StepReport } from '../../contract/insights';
import { mergeHistograms, quantile, type Histogram } from '../histogram';
import type { Slowdown } from '../slowdown';
import type { StepStats, StepWeek } from '../step-stats';

const merged = (weeks: StepWeek[]): Histogram =>
  weeks.reduce<Histogram>((h, w) => mergeHistograms(h, w.duration), []);

export function regressionOf(slowdown: Slowdown): StepRegression {
  return {
    change: slowdown.change,
    baselineP50Seconds: slowdown.baselineP50Seconds,
    recentP50Seconds: slowdown.recentP50Seconds,
    firstAffectedPipeline: slowdown.firstSlow.buildNumber,
    ...(slowdown.firstSlow.commit !== undefined ? { firstAffectedCommit: slowdown.firstSlow.commit } : {}),
    since: slowdown.firstSlow.at,
    runsSince: slowdown.runsSince,
    scope: slowdown.scope,
  };
}

/** "first slow in pipeline #1412 (commit 9f4c2a7), 9 runs since", for reports and suggestions. */
export function firstSlowRunText(regression: StepRegression): string | undefined {
  if (regression.firstAffectedPipeline === undefined) return undefined;
  const commit = regression.firstAffectedCommit ? ` (commit ${regression.firstAffectedCommit})` : '';
  const runs = regression.runsSince;
  const since = runs === undefined ? '' : `, ${runs} run${runs === 1 ? '' : 's'} since`;
  return `first slow in pipeline #${regression.firstAffectedPipeline}${commit}${since}`;
}

const round = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.round(n));

export function stepReport(stats: StepStats, sinceWeek?: string): StepReport {
  const weeks = sinceWeek ? stats.weeks.filter((w) => w.week >= sinceWeek) : stats.weeks;
  const runs = weeks.reduce((n, w) => n + w.runs, 0);
  const successes = weeks.reduce((n, w) => n + w.successes, 0);
  const duration = merged(weeks);
  const regression = stats.slowdown ? regressionOf(stats.slowdown) : undefined;
  return {
    name: stats.stepName,
    runs,
    successRate: runs ? successes / runs : 0,
    p50Seconds: round(quantile(duration, 0.5)),
    p95Seconds: round(quantile(duration, 0.95)),
    queueP50Seconds: round(quantile(stats.queue, 0.5)),
    queueP95Seconds: round(quantile(stats.queue, 0.95)),
    reruns: stats.reruns,
    buildMinutes: Math.round(weeks.reduce((n, w) => n + w.buildSeconds, 0) / 60),
    sizeMultiplier: stats.sizeMultiplier,
    trend: weeks.map((w) => ({ week: w.week, runs: w.runs, p50Seconds: round(quantile(w.duration, 0.5)) })),
    ...(regression ? { regression } : {}),
  };
}
