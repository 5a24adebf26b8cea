/**
 * The monthly report as one self-contained HTML page (no scripts, no external assets): the month's headline
 * figures, the months side by side, each repository, and the top recurring failures. Every string is escaped.
 */
import { escapeHtml as esc } from '../../../src/report/escape';
import type { MonthlyFigures, MonthlyReport } from './monthly-report';

const pct = (v: number | undefined): string => (v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);
const money = (v: number | undefined): string => (v === undefined ? '–' : `$${v.toFixed(2)}`);
const int = (v: number): string => v.toLocaleString('en-US');

export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

const ROWS: [string, (f: MonthlyFigures) => string][] = [
  ['Pipelines', (f) => int(f.pipelines)],
  ['Success rate', (f) => pct(f.successRate)],
  ['MTTR (default branch)', (f) => duration(f.mttrSeconds)],
  ['Reliability (no infrastructure failure)', (f) => pct(f.reliability)],
  ['Build minutes', (f) => int(f.buildMinutes)],
  ['Cost', (f) => money(f.cost)],
  ['Cost per successful deployment', (f) => money(f.costPerSuccessfulDeployment)],
  ['Flaky tests (month end)', (f) => int(f.flakyTests)],
  ['Broken tests (month end)', (f) => int(f.brokenTests)],
];

function sideBySide(trend: MonthlyFigures[]): string {
  const head = trend.map((f) => `<th scope="col">${esc(f.month)}</th>`).join('');
  const body = ROWS.map(
    ([label, show]) =>
      `<tr><th scope="row">${esc(label)}</th>${trend.map((f) => `<td>${esc(show(f))}</td>`).join('')}</tr>`,
  ).join('\n');
  return `<table><thead><tr><th></th>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function renderMonthlyHtml(r: MonthlyReport): string {
  const t = r.totals;
  const tiles = ROWS.map(
    ([label, show]) =>
      `<div class="tile"><div class="v">${esc(show(t))}</div><div class="l">${esc(label)}</div></div>`,
  ).join('');
  const repoRows = r.repositories
    .map(
      (x) =>
        `<tr><td dir="auto">${esc(x.fullName ?? x.slug)}</td><td>${esc(int(x.pipelines))}</td><td>${esc(pct(x.successRate))}</td>` +
        `<td>${esc(duration(x.mttrSeconds))}</td><td>${esc(pct(x.reliability))}</td><td>${esc(int(x.buildMinutes))}</td>` +
        `<td>${esc(money(x.costPerSuccessfulDeployment))}</td><td>${esc(int(x.flakyTests))}</td><td>${esc(int(x.brokenTests))}</td></tr>`,
    )
    .join('\n');
  const failures = r.topFailures
    .map(
      (f) =>
        `<tr><td>${esc(String(f.failures))}</td><td>${esc(f.category ?? '')}${f.cause ? ` · ${esc(f.cause)}` : ''}</td>` +
        `<td dir="auto">${esc((f.message ?? f.fingerprint).slice(0, 300))}</td><td>${esc(String(f.repositories))}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pipeline Insights · ${esc(r.workspace)} · ${esc(r.month)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#172b4d}table{border-collapse:collapse;margin:1rem 0}
th,td{border-bottom:1px solid #dfe1e6;padding:.3rem .6rem;text-align:right}th[scope=row],td[dir]{text-align:left}
.tiles{display:flex;flex-wrap:wrap;gap:1rem}.tile{border:1px solid #dfe1e6;border-radius:4px;padding:.6rem 1rem;min-width:9rem}
.v{font-size:1.4rem;font-weight:600}.l{color:#5e6c84}
</style></head><body>
<h1>Pipelines of ${esc(r.workspace)}: ${esc(r.month)}</h1>
<div class="tiles">${tiles}</div>
<h2>Month by month</h2>
${sideBySide(r.trend)}
<h2>Repositories</h2>
<table><thead><tr><th>Repository</th><th>Pipelines</th><th>Success</th><th>MTTR</th><th>Reliability</th><th>Build min</th><th>Cost / deploy</th><th>Flaky</th><th>Broken</th></tr></thead>
<tbody>
${repoRows}
</tbody></table>
<h2>Top recurring failures</h2>
<table><thead><tr><th>Failures</th><th>Cause</th><th>Message</th><th>Repositories</th></tr></thead><tbody>
${failures || '<tr><td colspan="4">No failures this month.</td></tr>'}
</tbody></table>
<p>Cost at $${esc(r.pricePerBuildMinute.toFixed(3))} per build minute (step size included). Generated ${esc(r.generatedAt)}.</p>
</body></html>
`;
}
