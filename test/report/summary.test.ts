import { summarise } from '../../src/report/summary';
import { aFullReport, daysAgo } from './report-fixture';

describe('summarise', () => {
  const report = aFullReport();

  it('picks the tests that turned flaky within the period, most recent first', () => {
    expect(summarise(report, 'week').newFlakyTests.map((t) => t.id)).toEqual(['t-rtl', 't-new-flaky']);
    expect(summarise(report, 'day').newFlakyTests.map((t) => t.id)).toEqual(['t-rtl']);
    // A month is capped by the report's own window (28 days): the test flaky for 40 days is not new.
    expect(summarise(report, 'month').newFlakyTests.map((t) => t.id)).toEqual([
      't-rtl',
      't-new-flaky',
      't-checkout-retry',
    ]);
  });

  it('never counts broken tests or tests without flakySince as new flaky tests', () => {
    const ids = summarise(report, 'month').newFlakyTests.map((t) => t.id);
    expect(ids).not.toContain('t-hostile');
    expect(ids).not.toContain('t-healthy');
  });

  it('lists the steps with a regression, largest first', () => {
    expect(summarise(report, 'week').regressions.map((s) => s.name)).toEqual([
      'Deploy to staging',
      'Integration tests',
    ]);
  });

  it('keeps the five most frequent failure fingerprints', () => {
    expect(summarise(report, 'week').topFailures.map((f) => f.fingerprint)).toEqual([
      'fp-assert',
      'fp-oom-build',
      'fp-npm',
      'fp-tsc',
      'fp-docker',
    ]);
  });

  it('ranks open suggestions by priority then savings and totals their savings', () => {
    const s = summarise(report, 'week');
    expect(s.topSuggestions.map((x) => x.id)).toEqual([
      's-broken',
      's-quarantine-retry',
      's-build-memory',
      's-cache',
      's-split',
    ]);
    expect(s.savings).toEqual({ minutesPerWeek: 42 + 55 + 30, failedPipelinesPerWeek: 6 + 3 + 1.5 });
  });

  it('reports the summarised window', () => {
    const s = summarise(report, 'week');
    expect(s.since).toBe(daysAgo(7));
    expect(s.until).toBe(report.window.until);
  });
});
