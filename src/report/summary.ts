/**
 * The period summary (`report --period day|week|month`) that leads the text and HTML reports: what is new or worth
 * acting on in the last day, week or month. The report covers one window, so there is no comparison with the
 * previous period: the summary selects from the report instead.
 */
import type {
  FingerprintReport,
  PipelineHealth,
  Priority,
  RepoReport,
  StepReport,
  Suggestion,
  TestReport,
} from '../contract/insights';

export type ReportPeriod = 'day' | 'week' | 'month';

export const PERIOD_DAYS: Readonly<Record<ReportPeriod, number>> = { day: 1, week: 7, month: 30 };

export const SUMMARY_LIMIT = 5;

export interface PeriodSummary {
  period: ReportPeriod;
  /** The summarised window: the last `period` before the report's `until`, never earlier than the report's `since`. */
  since: string;
  until: string;
  health: PipelineHealth;
  /** Flaky tests whose `flakySince` falls within the window, most recent first. */
  newFlakyTests: TestReport[];
  /** Steps with a duration regression, largest relative change first. */
  regressions: StepReport[];
  /** The most frequent failure fingerprints. */
  topFailures: FingerprintReport[];
  /** Open and in-progress suggestions, by priority then savings. */
  topSuggestions: Suggestion[];
  /** Estimated savings of `topSuggestions` together. */
  savings: { minutesPerWeek: number; failedPipelinesPerWeek: number };
}

const PRIORITY_RANK: Record<Priority, number> = { high: 0, medium: 1, low: 2 };

const weight = (s: Suggestion): number =>
  (s.impact.minutesPerWeek ?? 0) + 60 * (s.impact.failedPipelinesPerWeek ?? 0);

const sum = (values: (number | undefined)[]): number =>
  Math.round(values.reduce<number>((a, v) => a + (v ?? 0), 0) * 10) / 10;

export function summarise(report: RepoReport, period: ReportPeriod): PeriodSummary {
  const until = Date.parse(report.window.until);
  const since = Math.max(Date.parse(report.window.since), until - PERIOD_DAYS[period] * 86_400_000);
  const within = (iso: string | undefined): boolean => {
    const t = iso === undefined ? NaN : Date.parse(iso);
    return t >= since && t <= until;
  };

  const newFlakyTests = report.tests
    .filter((t) => t.classification === 'flaky' && within(t.flakySince?.at))
    .sort(
      (a, b) =>
        Date.parse(b.flakySince?.at ?? '') - Date.parse(a.flakySince?.at ?? '') ||
        b.confidence - a.confidence,
    );
  const regressions = report.steps
    .filter((s) => s.regression !== undefined)
    .sort((a, b) => (b.regression?.change ?? 0) - (a.regression?.change ?? 0));
  const topFailures = [...report.topFingerprints].sort((a, b) => b.count - a.count).slice(0, SUMMARY_LIMIT);
  const topSuggestions = report.suggestions
    .filter((s) => s.status === 'open' || s.status === 'in-progress')
    .sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || weight(b) - weight(a))
    .slice(0, SUMMARY_LIMIT);

  return {
    period,
    since: new Date(since).toISOString(),
    until: report.window.until,
    health: report.pipelines,
    newFlakyTests,
    regressions,
    topFailures,
    topSuggestions,
    savings: {
      minutesPerWeek: sum(topSuggestions.map((s) => s.impact.minutesPerWeek)),
      failedPipelinesPerWeek: sum(topSuggestions.map((s) => s.impact.failedPipelinesPerWeek)),
    },
  };
}
