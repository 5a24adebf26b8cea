/** Formatting shared by the text and HTML renderers: percentages, durations, savings, cutting long strings. */
import type { Impact } from '../contract/insights';
import { escapeControls } from '../domain/test-identity';

export const pct = (n: number | undefined): string => (n === undefined ? '–' : `${(n * 100).toFixed(1)}%`);

export function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m ${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Control characters become spaces; longer than `n` characters is cut with an ellipsis. */
export function cut(s: string, n: number): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const flat = s.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
}

/**
 * A test's name (or a title that holds one) for a terminal: verbatim, every space kept, control characters written as
 * escapes (`\t`, `\u001b`) so they can neither hide a difference nor drive the terminal.
 */
export const nameText = (name: string): string => escapeControls(name);

/** A number rounded to one decimal, without a trailing `.0`. */
export const round1 = (n: number): string => String(Math.round(n * 10) / 10);

/** "42 min/week, 3 failed pipelines/week"; empty when the suggestion saves nothing measurable. */
export function savings(impact: Impact): string {
  return [
    impact.minutesPerWeek ? `${round1(impact.minutesPerWeek)} min/week` : '',
    impact.failedPipelinesPerWeek ? `${round1(impact.failedPipelinesPerWeek)} failed pipelines/week` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
