/** The report as one self-contained HTML page (no scripts, no external assets: it renders offline). */
import type { RepoReport } from '../contract/insights';
import type { ReportPeriod } from './render';
import { renderText } from './text';

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function renderHtml(r: RepoReport, period?: ReportPeriod): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pipeline insights — ${escape(r.repository.slug)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}pre{white-space:pre-wrap;unicode-bidi:plaintext}</style></head>
<body><pre>${escape(renderText(r, period))}</pre></body></html>
`;
}
