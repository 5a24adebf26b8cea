/**
 * The daily or weekly digest: the period reports of the workspace's repositories (src/report/summary.ts over the
 * report service) as one chat message. Flaky and broken tests are named verbatim, each once, quarantined ones left
 * out (the team already decided about them); then slower steps and what to fix first.
 */
import type { RepoReport, TestReport } from '../contract/insights';
import { duration, pct, savings } from '../report/format';
import type { PeriodSummary, ReportPeriod } from '../report/summary';
import type { ChatMessage, ChatSection } from './message';

export interface DigestRepo {
  report: RepoReport;
  summary: PeriodSummary;
}

const PERIOD_WORD: Record<ReportPeriod, string> = { day: 'daily', week: 'weekly', month: 'monthly' };

/** Tests with this label, not quarantined, each name once (the same test can be reported by two steps). */
function listed(report: RepoReport, label: TestReport['classification']): TestReport[] {
  const seen = new Set<string>();
  return report.tests.filter((t) => {
    if (t.classification !== label || t.quarantined || seen.has(t.name)) return false;
    seen.add(t.name);
    return true;
  });
}

function repoSection(r: DigestRepo): ChatSection {
  const { report, summary } = r;
  const p = summary.health;
  const flaky = listed(report, 'flaky');
  const broken = listed(report, 'broken');
  const fresh = new Set(summary.newFlakyTests.map((t) => t.id));
  const lines: string[] = [];
  for (const t of broken)
    lines.push(`Broken${t.brokenSince ? ` since #${t.brokenSince.pipeline}` : ''}: ${t.name}`);
  for (const t of flaky)
    lines.push(`Flaky${fresh.has(t.id) ? ` (new this ${summary.period})` : ''}: ${t.name}`);
  for (const s of summary.regressions) {
    const g = s.regression;
    if (g)
      lines.push(
        `Slower: ${s.name} +${(g.change * 100).toFixed(0)}% (p50 ${duration(g.baselineP50Seconds)} → ${duration(g.recentP50Seconds)})`,
      );
  }
  for (const s of summary.topSuggestions.slice(0, 3)) {
    const impact = savings(s.impact);
    lines.push(`Fix first: ${s.title}${impact ? ` (saves ${impact})` : ''}`);
  }
  if (!lines.length) lines.push('No flaky or broken tests, no slower steps.');
  return {
    heading: report.repository.slug,
    facts: [
      { title: 'Pipelines', value: `${p.total} (${pct(p.successRate)} successful)` },
      { title: 'Build minutes', value: String(p.buildMinutes) },
      { title: 'Median duration', value: duration(p.medianDurationSeconds) },
      { title: 'Flaky / broken tests', value: `${flaky.length} / ${broken.length}` },
    ],
    lines,
  };
}

export function digestMessage(
  workspace: string,
  period: ReportPeriod,
  repos: DigestRepo[],
  webUrl = 'https://bitbucket.org',
): ChatMessage {
  const sorted = [...repos].sort((a, b) => a.report.repository.slug.localeCompare(b.report.repository.slug));
  const flaky = sorted.reduce((n, r) => n + listed(r.report, 'flaky').length, 0);
  const broken = sorted.reduce((n, r) => n + listed(r.report, 'broken').length, 0);
  const first = sorted[0]?.summary;
  const window = first ? ` (${first.since.slice(0, 10)} to ${first.until.slice(0, 10)})` : '';
  return {
    title: `Pipeline Insights ${PERIOD_WORD[period]} digest for ${workspace}: ${flaky} flaky, ${broken} broken ${flaky + broken === 1 ? 'test' : 'tests'}${window}`,
    sections: sorted.map(repoSection),
    links: sorted
      .filter((r) => r.report.repository.fullName)
      .slice(0, 5)
      .map((r) => ({
        text: `${r.report.repository.slug} pipelines`,
        url: `${webUrl}/${r.report.repository.fullName ?? ''}/pipelines`,
      })),
    footer: 'Quarantined tests are left out. Open "Pipeline insights" in a repository for the evidence.',
  };
}
