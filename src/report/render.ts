/** Renders a RepoReport as text (for a terminal), JSON (the versioned schema) or a self-contained HTML page. */
import type { RepoReport } from '../contract/insights';
import { renderHtml } from './html';
import type { ReportPeriod } from './summary';
import { renderText } from './text';

export type ReportFormat = 'text' | 'json' | 'html';
export type { ReportPeriod } from './summary';

export function renderReport(report: RepoReport, format: ReportFormat, period?: ReportPeriod): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'html':
      return renderHtml(report, period);
    case 'text':
      return renderText(report, period);
  }
}
