/** The report as plain text for a terminal: the health overview, then steps, tests, failures and suggestions. */
import type { RepoReport } from '../contract/insights';
import type { ReportPeriod } from './render';

const pct = (n: number | undefined): string => (n === undefined ? '–' : `${(n * 100).toFixed(1)}%`);
export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}
const cut = (s: string, n: number): string => {
  const flat = s.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd());
}

export function renderText(r: RepoReport, period?: ReportPeriod): string {
  const p = r.pipelines;
  const lines: string[] = [];
  const title = r.repository.fullName ?? `${r.workspace}/${r.repository.slug}`;
  lines.push(`Pipeline insights — ${title}${period ? ` (${period} summary)` : ''}`);
  lines.push(`window ${r.window.since.slice(0, 10)} → ${r.window.until.slice(0, 10)}${r.window.branch ? `, branch ${r.window.branch}` : ''}`);
  lines.push('');
  lines.push(
    `Pipelines: ${p.total} (${p.successful} successful, ${p.failed} failed, ${p.error} error, ${p.stopped} stopped)  success ${pct(p.successRate)}`,
  );
  lines.push(
    `Duration: median ${duration(p.medianDurationSeconds)}, p95 ${duration(p.p95DurationSeconds)}  build minutes ${p.buildMinutes}` +
      `${p.mttrHours !== undefined ? `  MTTR ${p.mttrHours} h` : ''}` +
      `${p.buildMinutesPerSuccessfulDeployment !== undefined ? `  ${p.buildMinutesPerSuccessfulDeployment} build min per deployment` : ''}`,
  );
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
    lines.push('', `Critical path of pipeline #${r.criticalPath.pipeline} (${duration(r.criticalPath.wallSeconds)} wall time)`);
    lines.push(`  ${r.criticalPath.steps.map((s) => `${cut(s.name, 30)} ${duration(s.seconds)}`).join(' → ')}`);
  }
  const tests = r.tests.filter((t) => t.classification !== 'healthy');
  if (tests.length) {
    lines.push('', 'Tests');
    for (const t of tests.slice(0, 25)) {
      const since = t.brokenSince ? `, broken since #${t.brokenSince.pipeline}` : t.flakySince ? `, flaky since #${t.flakySince.pipeline}` : '';
      lines.push(
        `  ${t.classification.toUpperCase().padEnd(7)} ${cut(t.name, 90)}  ${t.failures}/${t.runs} failed, score ${t.flakinessScore.toFixed(2)}${since}${t.quarantined ? ' [quarantined]' : ''}`,
      );
    }
    if (tests.length > 25) lines.push(`  … and ${tests.length - 25} more`);
  }
  if (r.failureCategories.length) {
    lines.push('', 'Failure causes');
    lines.push(`  ${r.failureCategories.map((c) => `${c.category} ${c.count} (${pct(c.share)})`).join(', ')}`);
    for (const f of r.topFingerprints.slice(0, 5)) {
      lines.push(`  ${String(f.count).padStart(4)}× ${f.category}${f.cause ? `/${f.cause}` : ''}: ${cut(f.message ?? '(no message)', 100)}`);
    }
  }
  if (r.suggestions.length) {
    lines.push('', 'Suggestions');
    for (const s of r.suggestions.slice(0, 10)) {
      const impact = [
        s.impact.minutesPerWeek ? `${s.impact.minutesPerWeek} min/week` : '',
        s.impact.failedPipelinesPerWeek ? `${s.impact.failedPipelinesPerWeek} failed pipelines/week` : '',
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(`  [${s.priority}] ${cut(s.title, 100)}${impact ? ` — saves ${impact}` : ''}${s.status !== 'open' ? ` (${s.status})` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
