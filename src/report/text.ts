/**
 * The report as plain text for a terminal: the health overview, then steps, tests, failures and suggestions. With a
 * period (`--period day|week|month`) the health overview leads a summary of what is new or worth acting on.
 */
import type { RepoReport } from '../contract/insights';
import { firstSlowRunText } from '../domain/analysis/step-analysis';
import { testFiguresText } from '../domain/analysis/test-wording';
import { cut, duration, nameText, pct, savings } from './format';
import { summarise, type PeriodSummary, type ReportPeriod } from './summary';
import { terminalSafe } from './terminal';

export { duration } from './format';

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function healthLines(r: RepoReport): string[] {
  const p = r.pipelines;
  return [
    `Pipelines: ${p.total} (${p.successful} successful, ${p.failed} failed, ${p.error} error, ${p.stopped} stopped; each by its final run)  success ${pct(p.successRate)}`,
    `Reruns: ${p.reruns} pipelines rerun, ${p.rerunAttempts} reruns in all`,
    `Duration: median ${duration(p.medianDurationSeconds)}, p95 ${duration(p.p95DurationSeconds)}  build minutes ${p.buildMinutes}` +
      `${p.mttrHours !== undefined ? `  MTTR ${p.mttrHours} h` : ''}` +
      `${p.buildMinutesPerSuccessfulDeployment !== undefined ? `  ${p.buildMinutesPerSuccessfulDeployment} build min per deployment` : ''}`,
  ];
}

function summaryLines(r: RepoReport, s: PeriodSummary): string[] {
  const lines = [
    `Summary of the last ${s.period} (${s.since.slice(0, 10)} → ${s.until.slice(0, 10)})`,
    ...healthLines(r).map((l) => `  ${l}`),
  ];
  lines.push(
    '',
    s.newFlakyTests.length ? `  New flaky tests (${s.newFlakyTests.length})` : '  New flaky tests: none',
  );
  for (const t of s.newFlakyTests) {
    const since = t.flakySince ? `, since #${t.flakySince.pipeline} (${t.flakySince.at.slice(0, 10)})` : '';
    lines.push(`    ${nameText(t.name)} — ${cut(t.step, 40)}, ${testFiguresText(t)}${since}`);
  }
  lines.push(s.regressions.length ? `  Regressions (${s.regressions.length})` : '  Regressions: none');
  for (const st of s.regressions) {
    const g = st.regression;
    if (!g) continue;
    const firstSlowRun = firstSlowRunText(g);
    const first = firstSlowRun ? `, ${firstSlowRun}` : '';
    lines.push(
      `    ${cut(st.name, 40)} +${(g.change * 100).toFixed(0)}% slower: p50 ${duration(g.baselineP50Seconds)} → ${duration(g.recentP50Seconds)}${first}`,
    );
  }
  lines.push(s.topFailures.length ? '  Top failures' : '  Top failures: none');
  for (const f of s.topFailures) {
    const examples = f.examples.length ? ` (${f.examples.map((e) => `#${e.pipeline}`).join(', ')})` : '';
    lines.push(
      `    ${String(f.count).padStart(4)}× ${f.category}${f.cause ? `/${f.cause}` : ''}: ${cut(f.message ?? '(no message)', 90)}${examples}`,
    );
  }
  if (s.topSuggestions.length) {
    const total = savings(s.savings);
    lines.push(`  Top suggestions${total ? ` — together save ${total}` : ''}`);
    for (const sg of s.topSuggestions) {
      const impact = savings(sg.impact);
      lines.push(`    [${sg.priority}] ${nameText(sg.title)}${impact ? ` — saves ${impact}` : ''}`);
    }
  } else lines.push('  Top suggestions: none');
  return lines;
}

export function renderText(r: RepoReport, period?: ReportPeriod): string {
  const lines: string[] = [];
  const title = r.repository.fullName ?? `${r.workspace}/${r.repository.slug}`;
  lines.push(`Pipeline insights — ${cut(title, 120)}${period ? ` (${period} summary)` : ''}`);
  lines.push(
    `window ${r.window.since.slice(0, 10)} → ${r.window.until.slice(0, 10)}${r.window.branch ? `, branch ${cut(r.window.branch, 80)}` : ''}`,
  );
  lines.push('');
  lines.push(...(period ? summaryLines(r, summarise(r, period)) : healthLines(r)));
  if (r.steps.length) {
    lines.push('', 'Steps');
    lines.push(
      ...table([
        ['step', 'runs', 'success', 'p50', 'p95', 'queue p50', 'reruns', 'build min', 'trend'],
        ...r.steps.map((s) => [
          cut(s.name, 40),
          String(s.runs),
          pct(s.successRate),
          duration(s.p50Seconds),
          duration(s.p95Seconds),
          duration(s.queueP50Seconds),
          String(s.reruns),
          String(s.buildMinutes),
          s.regression ? `+${(s.regression.change * 100).toFixed(0)}% slower` : '',
        ]),
      ]).map((l) => `  ${l}`),
    );
  }
  if (r.criticalPath) {
    lines.push(
      '',
      `Critical path of pipeline #${r.criticalPath.pipeline} (${duration(r.criticalPath.wallSeconds)} wall time)`,
    );
    lines.push(
      `  ${r.criticalPath.steps.map((s) => `${cut(s.name, 30)} ${duration(s.seconds)}`).join(' → ')}`,
    );
  }
  const tests = r.tests.filter((t) => t.classification !== 'healthy');
  if (tests.length) {
    lines.push('', 'Tests');
    for (const t of tests.slice(0, 25)) {
      // A broken test's figures already say since when it fails every run.
      const since =
        t.classification !== 'broken' && t.flakySince ? `, flaky since #${t.flakySince.pipeline}` : '';
      lines.push(
        `  ${t.classification.toUpperCase().padEnd(7)} ${nameText(t.name)}  ${testFiguresText(t)}${since}${t.quarantined ? ' [quarantined]' : ''}`,
      );
    }
    if (tests.length > 25) lines.push(`  … and ${tests.length - 25} more`);
  }
  if (r.failureCategories.length) {
    lines.push('', 'Failure causes');
    lines.push(
      `  ${r.failureCategories.map((c) => `${c.category} ${c.count} (${pct(c.share)})`).join(', ')}`,
    );
    for (const f of r.topFingerprints.slice(0, 5)) {
      lines.push(
        `  ${String(f.count).padStart(4)}× ${f.category}${f.cause ? `/${f.cause}` : ''}: ${cut(f.message ?? '(no message)', 100)}`,
      );
    }
  }
  if (r.suggestions.length) {
    lines.push('', 'Suggestions');
    for (const s of r.suggestions.slice(0, 10)) {
      const impact = savings(s.impact);
      lines.push(
        `  [${s.priority}] ${nameText(s.title)}${impact ? ` — saves ${impact}` : ''}${s.status !== 'open' ? ` (${s.status})` : ''}`,
      );
      if (s.impact.basis) lines.push(`      assumes: ${nameText(s.impact.basis.detail)}`);
    }
  }
  return terminalSafe(`${lines.join('\n')}\n`);
}
