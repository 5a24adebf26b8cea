/**
 * Step performance from the fixed-size step statistics: percentiles, weekly trend, and a duration regression test
 * (the recent weeks' median against a baseline of the weeks before, with enough runs on both sides).
 */
import type { StepRegression, StepReport } from '../../contract/insights';
import { mergeHistograms, quantile, histogramCount, type Histogram } from '../histogram';
import type { StepStats, StepWeek } from '../step-stats';

export const REGRESSION = {
  /** Weeks that make the recent window, and the most weeks of baseline before it. */
  recentWeeks: 2,
  baselineWeeks: 4,
  minRuns: 5,
  /** Relative change of the median that counts as a regression. */
  minChange: 0.15,
  /** And an absolute one, so a 4 s step going to 5 s is not news. */
  minSeconds: 20,
};

const merged = (weeks: StepWeek[]): Histogram => weeks.reduce<Histogram>((h, w) => mergeHistograms(h, w.duration), []);

export function detectRegression(weeks: StepWeek[]): StepRegression | undefined {
  const sorted = [...weeks].sort((a, b) => a.week.localeCompare(b.week));
  const recent = sorted.slice(-REGRESSION.recentWeeks);
  const baseline = sorted.slice(-(REGRESSION.recentWeeks + REGRESSION.baselineWeeks), -REGRESSION.recentWeeks);
  const recentH = merged(recent);
  const baseH = merged(baseline);
  if (histogramCount(recentH) < REGRESSION.minRuns || histogramCount(baseH) < REGRESSION.minRuns) return undefined;
  const recentP50 = quantile(recentH, 0.5);
  const baseP50 = quantile(baseH, 0.5);
  if (recentP50 === undefined || baseP50 === undefined || baseP50 <= 0) return undefined;
  const change = (recentP50 - baseP50) / baseP50;
  if (change < REGRESSION.minChange || recentP50 - baseP50 < REGRESSION.minSeconds) return undefined;
  const firstSlow = recent.find((w) => w.firstSlow)?.firstSlow;
  return {
    change: Math.round(change * 1000) / 1000,
    baselineP50Seconds: Math.round(baseP50),
    recentP50Seconds: Math.round(recentP50),
    ...(firstSlow ? { firstAffectedPipeline: firstSlow.buildNumber, since: firstSlow.at } : {}),
  };
}

const round = (n: number | undefined): number | undefined => (n === undefined ? undefined : Math.round(n));

export function stepReport(stats: StepStats, sinceWeek?: string): StepReport {
  const weeks = sinceWeek ? stats.weeks.filter((w) => w.week >= sinceWeek) : stats.weeks;
  const runs = weeks.reduce((n, w) => n + w.runs, 0);
  const successes = weeks.reduce((n, w) => n + w.successes, 0);
  const duration = merged(weeks);
  const regression = detectRegression(stats.weeks);
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
