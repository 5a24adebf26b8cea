/**
 * A test is identified by its fully qualified name as Bitbucket reports it. The name itself is kept and shown
 * verbatim (every character, whitespace included: two tests whose names differ only in spacing are two tests).
 * The id, a hash for storage keys, normalises only noise that changes from run to run in parameterised names
 * (object addresses, UUIDs, timestamps, a trailing duration), so that noise does not split one test into many.
 */
import { createHash } from 'node:crypto';

/** Bitbucket keeps at most 2,000 characters per test-report field. */
export const MAX_NAME = 2000;

export function normaliseTestName(name: string): string {
  return name
    .normalize('NFC')
    .replace(/\b0x[0-9a-fA-F]{6,}\b/g, '0x?')
    .replace(/\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g, '<uuid>')
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?\b/g, '<time>')
    .replace(/\s*\(\d+(?:\.\d+)?\s*m?s\)$/, '')
    .slice(0, MAX_NAME);
}

/** 16 hex chars of SHA-256 of the normalised name: key-safe and stable. */
export function testId(name: string): string {
  return createHash('sha256').update(normaliseTestName(name), 'utf8').digest('hex').slice(0, 16);
}

/**
 * The id a test is tracked under: its name within its step. The detector's counters follow one step's attempts, so
 * the same test run by two steps (a matrix, a shard) is tracked as two tests.
 */
export function stepTestId(stepName: string, name: string): string {
  return createHash('sha256')
    .update(`${stepName}\u0000${normaliseTestName(name)}`, 'utf8')
    .digest('hex')
    .slice(0, 16);
}

/**
 * Where a target field holds fewer characters than a name (a Jira summary, a Code Insights annotation summary), the
 * name is cut there and the cut is marked, so nobody takes the shown text for the whole name: `abc… (name cut at 3
 * of 2000 chars)`. Lengths count UTF-16 units, as the APIs do; a surrogate pair is never split. Fits `max` exactly.
 */
export function fitText(text: string, max: number, noun = 'name'): string {
  if (text.length <= max) return text;
  const mark = (kept: number): string => `\u2026 (${noun} cut at ${kept} of ${text.length} chars)`;
  let room = Math.max(0, max - mark(max).length);
  if (/[\ud800-\udbff]/.test(text.charAt(room - 1))) room -= 1;
  return `${text.slice(0, room)}${mark(room)}`;
}

const CONTROL_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Control characters (C0, DEL, C1) written as visible escapes (`\t`, `\u001b`), except those in `keep`: a name that
 * holds them stays distinguishable from one that does not, and cannot move a terminal's cursor or break a page.
 */
export function escapeControls(text: string, keep = ''): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this makes visible
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    keep.includes(c) ? c : (CONTROL_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  );
}
