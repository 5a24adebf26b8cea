/**
 * The report as one self-contained HTML page: no scripts, no external assets, so it renders offline and can be
 * attached to a ticket or mailed. Every string from the report is escaped; user strings (test, step and branch
 * names, messages) are cut for display with the full text in a title attribute, and isolated with `dir="auto"` so
 * right-to-left text does not flip the layout around it.
 */
import type {
  FingerprintReport,
  RepoReport,
  StepReport,
  Suggestion,
  TestClassification,
  TestReport,
} from '../contract/insights';
import { firstSlowRunText } from '../domain/analysis/step-analysis';
import { percent, testFiguresText } from '../domain/analysis/test-wording';
import { escapeControls } from '../domain/test-identity';
import { escapeHtml as esc, safeUrl } from './escape';
import { cut, duration, pct, round1, savings } from './format';
import { barChart, horizontalBarChart, lineChart, sparkline } from './svg-charts';
import { summarise, type PeriodSummary, type ReportPeriod } from './summary';

/** Display length of names and messages; the full text stays in the title attribute. */
export const NAME_DISPLAY_CHARS = 160;
const MAX_TESTS = 200;

/**
 * A test's name, or a title that holds one: verbatim (every character; whitespace shown as it is, not collapsed),
 * escaped, control characters other than tab and newline written as escapes, direction from its own content.
 */
function name(text: string): string {
  return `<span class="u n" dir="auto">${esc(escapeControls(text, '\t\n\r'))}</span>`;
}

/** A user string: escaped, cut to `max` characters (full text in `title`), direction from its own content. */
function u(text: string, max = NAME_DISPLAY_CHARS): string {
  const shown = cut(text, max);
  const title = shown === text ? '' : ` title="${esc(text)}"`;
  return `<span class="u" dir="auto"${title}>${esc(shown)}</span>`;
}

function link(url: string | undefined, label: string): string {
  const href = safeUrl(url);
  return href ? `<a href="${esc(href)}" rel="noopener noreferrer">${label}</a>` : label;
}

const lozenge = (kind: string, label: string): string =>
  `<span class="lozenge lozenge-${esc(kind)}">${esc(label)}</span>`;
const date = (iso: string | undefined): string =>
  iso ? `<time datetime="${esc(iso)}">${esc(iso.slice(0, 10))}</time>` : '–';
const cell = (html: string, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${html}</td>`;
const num = (n: number): string => esc(round1(n));

const CSS = `
:root{--fg:#172b4d;--muted:#626f86;--line:#dcdfe4;--bg:#fff;--panel:#f7f8f9;--accent:#0c66e4;--good:#1f845a;--warn:#b38600;--bad:#c9372c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:76rem;margin:0 auto;padding:2rem 1.5rem 4rem}
h1{font-size:1.6rem;margin:0 0 .25rem}
h2{font-size:1.15rem;margin:2.5rem 0 .75rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:1.25rem 0 .5rem}
.meta{color:var(--muted);margin:0}
.u{unicode-bidi:plaintext;overflow-wrap:anywhere}
.n{white-space:pre-wrap}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(10.5rem,1fr));gap:.75rem;margin:1rem 0}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem}
.card .label{color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.03em}
.card .value{font-size:1.4rem;font-weight:600}
.card .sub{color:var(--muted);font-size:.8rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:1.25rem}
figure{margin:0;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.75rem}
figcaption{font-weight:600;margin-bottom:.5rem}
svg.chart{width:100%;height:auto;display:block}
svg .axis{stroke:var(--line)}
svg .tick,svg .note,svg .label,svg .empty{fill:var(--muted);font-size:11px}
svg .label{fill:var(--fg)}
svg .dot{fill:var(--accent)}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%}
th,td{padding:.4rem .6rem;border-bottom:1px solid var(--line);text-align:start;vertical-align:top}
th{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}
td.n{text-align:end;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:hover{background:var(--panel)}
.lozenge{display:inline-block;padding:0 .4rem;border-radius:3px;font-size:.75rem;font-weight:700;text-transform:uppercase;white-space:nowrap}
.lozenge-flaky,.lozenge-medium,.lozenge-in-progress{background:#fff7d6;color:#7f5f01}
.lozenge-broken,.lozenge-high,.lozenge-regression{background:#ffeceb;color:#ae2e24}
.lozenge-fixed,.lozenge-done{background:#dcfff1;color:#216e4e}
.lozenge-healthy,.lozenge-low,.lozenge-open,.lozenge-dismissed,.lozenge-quarantined{background:#f1f2f4;color:#44546f}
details summary{cursor:pointer;color:var(--accent)}
details ul{margin:.25rem 0;padding-inline-start:1.25rem}
.summary{background:#e9f2ff;border:1px solid #cce0ff;border-radius:8px;padding:.25rem 1.25rem 1rem;margin-top:1.5rem}
.summary h2{border-bottom-color:#cce0ff}
.savings{font-weight:600}
.suggestion{border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;margin:.75rem 0}
.suggestion h3{margin:0 0 .25rem}
.muted{color:var(--muted)}
a{color:var(--accent)}
footer{margin-top:3rem;color:var(--muted);font-size:.8rem}
@media print{.charts{grid-template-columns:1fr 1fr}tbody tr:hover{background:none}}
`;

function card(label: string, value: string, sub = ''): string {
  return `<div class="card"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div>${sub ? `<div class="sub">${esc(sub)}</div>` : ''}</div>`;
}

function healthOverview(r: RepoReport): string {
  const p = r.pipelines;
  return `<div class="cards">${[
    card('Success rate', pct(p.successRate), `${p.successful} of ${p.total} pipelines, by their final run`),
    card('Reruns', String(p.reruns), `pipelines rerun, ${p.rerunAttempts} reruns in all`),
    card('Median pipeline', duration(p.medianDurationSeconds)),
    card('p95 pipeline', duration(p.p95DurationSeconds)),
    card('Build minutes', round1(p.buildMinutes)),
    card(
      'MTTR',
      p.mttrHours === undefined ? '–' : `${round1(p.mttrHours)} h`,
      'default branch, red to green',
    ),
    card(
      'Minutes per deployment',
      p.buildMinutesPerSuccessfulDeployment === undefined
        ? '–'
        : round1(p.buildMinutesPerSuccessfulDeployment),
      'build minutes per successful deployment',
    ),
    card('Failed', String(p.failed + p.error), `${p.failed} failed, ${p.error} error, ${p.stopped} stopped`),
  ].join('')}</div>`;
}

function charts(r: RepoReport): string {
  const weekly = r.pipelines.weekly;
  const runs = barChart(
    'Pipelines per week, coloured by success rate',
    weekly.map((w) => ({
      label: w.week.slice(5),
      value: w.runs,
      successRate: w.successRate,
      detail: `Week of ${w.week}: ${w.runs} runs, ${pct(w.successRate)} successful`,
    })),
  );
  const median = lineChart(
    'Median pipeline duration per week',
    weekly.map((w) => ({
      label: w.week.slice(5),
      value: w.medianDurationSeconds,
      detail: `Week of ${w.week}: median ${duration(w.medianDurationSeconds)}`,
    })),
    duration,
  );
  const categories = horizontalBarChart(
    'Failures by category',
    r.failureCategories.map((c) => ({
      label: c.category,
      value: c.count,
      note: `${c.count} (${pct(c.share)})`,
    })),
  );
  return `<div class="charts">
<figure><figcaption>Pipelines per week</figcaption>${runs}</figure>
<figure><figcaption>Median duration per week</figcaption>${median}</figure>
<figure><figcaption>Failure categories</figcaption>${categories}</figure>
</div>`;
}

function stepsTable(steps: StepReport[]): string {
  if (!steps.length) return '<p class="muted">No steps recorded in this window.</p>';
  const rows = steps.map((s) => {
    const g = s.regression;
    const regression = g
      ? `${lozenge('regression', `+${(g.change * 100).toFixed(0)}%`)} <span class="muted">${esc(duration(g.baselineP50Seconds))} → ${esc(duration(g.recentP50Seconds))}` +
        `${g.firstAffectedPipeline !== undefined ? `, from #${g.firstAffectedPipeline}` : ''}</span>`
      : '';
    const spark = sparkline(
      `Weekly p50 of ${cut(s.name, 80)}`,
      s.trend.map((t) => t.p50Seconds),
    );
    return `<tr>${[
      cell(u(s.name, 80)),
      cell(String(s.runs), 'n'),
      cell(esc(pct(s.successRate)), 'n'),
      cell(esc(duration(s.p50Seconds)), 'n'),
      cell(esc(duration(s.p95Seconds)), 'n'),
      cell(`${esc(duration(s.queueP50Seconds))} / ${esc(duration(s.queueP95Seconds))}`, 'n'),
      cell(String(s.reruns), 'n'),
      cell(
        `${num(s.buildMinutes)}${s.sizeMultiplier !== 1 ? ` <span class="muted">(${s.sizeMultiplier}x)</span>` : ''}`,
        'n',
      ),
      cell(spark),
      cell(regression),
    ].join('')}</tr>`;
  });
  return `<div class="table-wrap"><table><thead><tr><th>Step</th><th>Runs</th><th>Success</th><th>p50</th><th>p95</th><th>Queue p50 / p95</th><th>Reruns</th><th>Build min</th><th>Trend</th><th>Regression</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
}

function since(t: TestReport): string {
  const s = t.brokenSince ?? t.flakySince;
  if (t.classification === 'fixed' && t.fixedAt) return `fixed ${date(t.fixedAt)}`;
  if (!s) return '–';
  return `${date(s.at)} <span class="muted">#${s.pipeline} · <code>${esc(s.commit.slice(0, 7))}</code></span>`;
}

function evidence(t: TestReport): string {
  if (!t.evidence.length) return '';
  const items = t.evidence.map((e) => {
    const where =
      e.pipeline !== undefined
        ? link(e.url, `#${e.pipeline}${e.attempt && e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`)
        : '';
    const commit = e.commit ? ` <code>${esc(e.commit.slice(0, 7))}</code>` : '';
    return `<li>${u(e.detail, 300)}${where ? ` — ${where}` : ''}${commit}${e.at ? ` <span class="muted">${date(e.at)}</span>` : ''}</li>`;
  });
  return `<details><summary>${t.evidence.length} evidence</summary><ul>${items.join('')}</ul></details>`;
}

/** How often the test fails, with the counts; a broken test fails every run since it broke. */
function fails(t: TestReport): string {
  const counts = `<div class="muted">${t.failures} of ${t.runs} runs</div>`;
  if (t.classification === 'broken' && t.brokenSince)
    return `every run since #${t.brokenSince.pipeline}${counts}`;
  return `${esc(percent(t.failureRate))} of runs${counts}`;
}

const CLASS_ORDER: Record<TestClassification, number> = { broken: 0, flaky: 1, fixed: 2, healthy: 3 };

function testsTable(tests: TestReport[]): string {
  const shown = tests
    .filter((t) => t.classification !== 'healthy')
    .sort(
      (a, b) => CLASS_ORDER[a.classification] - CLASS_ORDER[b.classification] || b.confidence - a.confidence,
    );
  if (!shown.length) return '<p class="muted">No flaky, broken or fixed tests in this window.</p>';
  const rows = shown
    .slice(0, MAX_TESTS)
    .map(
      (t) =>
        `<tr>${[
          cell(
            `${lozenge(t.classification, t.classification)}${t.quarantined ? ` ${lozenge('quarantined', 'quarantined')}` : ''}`,
          ),
          cell(`${name(t.name)}<div class="muted">${u(t.step, 60)}</div>`),
          cell(fails(t), 'n'),
          cell(esc(percent(t.confidence)), 'n'),
          cell(since(t)),
          cell(evidence(t)),
        ].join('')}</tr>`,
    );
  const more = shown.length > MAX_TESTS ? `<p class="muted">… and ${shown.length - MAX_TESTS} more.</p>` : '';
  return `<div class="table-wrap"><table><thead><tr><th>Status</th><th>Test</th><th>Fails</th><th>Confidence</th><th>Since</th><th>Evidence</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>${more}`;
}

function fingerprintsTable(fps: FingerprintReport[]): string {
  if (!fps.length) return '<p class="muted">No failures in this window.</p>';
  const rows = fps.map(
    (f) =>
      `<tr>${[
        cell(String(f.count), 'n'),
        cell(`${esc(f.category)}${f.cause ? `<div class="muted">${esc(f.cause)}</div>` : ''}`),
        cell(u(f.message ?? '(no message)', 240)),
        cell(
          f.examples
            .map((e) => `${link(e.url, `#${e.pipeline}`)} <span class="muted">${u(e.step, 40)}</span>`)
            .join('<br>'),
        ),
        cell(date(f.lastSeenAt)),
      ].join('')}</tr>`,
  );
  return `<div class="table-wrap"><table><thead><tr><th>Count</th><th>Category</th><th>Message</th><th>Examples</th><th>Last seen</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
}

function suggestion(s: Suggestion): string {
  const impact = savings(s.impact);
  const build = s.impact.buildMinutesPerWeek ? `${round1(s.impact.buildMinutesPerWeek)} build min/week` : '';
  const saves = [impact, build].filter(Boolean).join(', ');
  const jira = s.jiraIssueKey ? ` · ${link(s.jiraIssueUrl, esc(s.jiraIssueKey))}` : '';
  const ev = s.evidence.length
    ? `<details><summary>${s.evidence.length} evidence</summary><ul>${s.evidence.map((e) => `<li>${u(e, 300)}</li>`).join('')}</ul></details>`
    : '';
  return `<div class="suggestion"><h3>${lozenge(s.priority, s.priority)} ${name(s.title)}</h3>
<p>${u(s.detail, 1000)}</p>
<p>${saves ? `<span class="savings">Saves ${esc(saves)}</span>` : '<span class="muted">No measured savings</span>'}${s.status !== 'open' ? ` · ${lozenge(s.status, s.status)}` : ''}${jira}</p>${s.impact.basis ? `<p class="muted">Assumes: ${name(s.impact.basis.detail)}</p>` : ''}${ev}</div>`;
}

function summarySection(r: RepoReport, s: PeriodSummary): string {
  const flaky = s.newFlakyTests.length
    ? `<ul>${s.newFlakyTests
        .map(
          (t) =>
            `<li>${name(t.name)} <span class="muted">— ${u(t.step, 60)}, ${esc(testFiguresText(t))}${t.flakySince ? `, since #${t.flakySince.pipeline} ${date(t.flakySince.at)}` : ''}</span></li>`,
        )
        .join('')}</ul>`
    : '<p class="muted">No new flaky tests.</p>';
  const regressions = s.regressions.length
    ? `<ul>${s.regressions
        .map((st) => {
          const g = st.regression;
          const first = g ? firstSlowRunText(g) : undefined;
          return g
            ? `<li>${u(st.name, 80)} ${lozenge('regression', `+${(g.change * 100).toFixed(0)}%`)} <span class="muted">p50 ${esc(duration(g.baselineP50Seconds))} → ${esc(duration(g.recentP50Seconds))}${first !== undefined ? `, ${esc(first)}` : ''}</span></li>`
            : '';
        })
        .join('')}</ul>`
    : '<p class="muted">No step regressions.</p>';
  const failures = s.topFailures.length
    ? `<ol>${s.topFailures
        .map(
          (f) =>
            `<li><strong>${f.count}×</strong> ${esc(f.category)}${f.cause ? `/${esc(f.cause)}` : ''}: ${u(f.message ?? '(no message)', 160)} ${f.examples.map((e) => link(e.url, `#${e.pipeline}`)).join(' ')}</li>`,
        )
        .join('')}</ol>`
    : '<p class="muted">No failures.</p>';
  const total = savings(s.savings);
  const suggestions = s.topSuggestions.length
    ? `${total ? `<p class="savings">Together these save ${esc(total)}.</p>` : ''}<ol>${s.topSuggestions
        .map((sg) => {
          const impact = savings(sg.impact);
          return `<li>${lozenge(sg.priority, sg.priority)} ${name(sg.title)}${impact ? ` <span class="muted">— saves ${esc(impact)}</span>` : ''}</li>`;
        })
        .join('')}</ol>`
    : '<p class="muted">No open suggestions.</p>';
  return `<section class="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Summary of the last ${esc(s.period)} <span class="muted">${date(s.since)} → ${date(s.until)}</span></h2>
${healthOverview(r)}
<h3>New flaky tests</h3>${flaky}
<h3>Regressions</h3>${regressions}
<h3>Top failures</h3>${failures}
<h3>Top suggestions</h3>${suggestions}
</section>`;
}

function criticalPath(r: RepoReport): string {
  const c = r.criticalPath;
  if (!c) return '';
  const steps = c.steps
    .map(
      (s) =>
        `<li>${u(s.name, 80)} <span class="muted">${esc(duration(s.seconds))}${s.queueSeconds ? `, queued ${esc(duration(s.queueSeconds))}` : ''}</span></li>`,
    )
    .join('');
  return `<h2>Critical path</h2><p>Pipeline #${c.pipeline}: ${esc(duration(c.wallSeconds))} wall time. The last step bounds it.</p><ol>${steps}</ol>`;
}

export function renderHtml(r: RepoReport, period?: ReportPeriod): string {
  const title = r.repository.fullName ?? `${r.workspace}/${r.repository.slug}`;
  const summary = period ? summarise(r, period) : undefined;
  const ingestion = r.ingestion.lastRecordedAt
    ? `Last pipeline recorded ${date(r.ingestion.lastRecordedAt)}.`
    : 'No pipeline recorded yet.';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pipeline insights — ${esc(cut(title, 120))}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>Pipeline insights — ${u(title, 120)}</h1>
<p class="meta">Window ${date(r.window.since)} → ${date(r.window.until)}${r.window.branch ? `, branch ${u(r.window.branch, 80)}` : ''} · generated ${date(r.generatedAt)}</p>
</header>
${summary ? summarySection(r, summary) : `<h2>Health</h2>\n${healthOverview(r)}`}
<h2>Trends</h2>
${charts(r)}
<h2>Steps</h2>
${stepsTable(r.steps)}
${criticalPath(r)}
<h2>Tests</h2>
${testsTable(r.tests)}
<h2>Top failures</h2>
${fingerprintsTable(r.topFingerprints)}
<h2>Suggestions</h2>
${r.suggestions.length ? r.suggestions.map(suggestion).join('\n') : '<p class="muted">No suggestions: nothing to improve was found in this window.</p>'}
<footer>Report schema v${r.schemaVersion} · ${ingestion} ${r.ingestion.attempts} step attempts recorded.</footer>
</main>
</body>
</html>
`;
}
