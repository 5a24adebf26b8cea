/**
 * Turning a raw log tail into lines the failure rules can read: colour codes and CI timestamp prefixes removed,
 * warnings recognised. Shared by the classifier and the message normaliser.
 */
import { MAX_LINE_CHARS } from './patterns';

/**
 * ANSI escape sequences: CSI (colours, cursor moves) and OSC (hyperlinks, titles). Logs from tools run with colour
 * on keep them, and they sit inside the words the rules look for (`[1;31mERROR[m`).
 */
const ANSI_ESCAPE =
  // eslint-disable-next-line no-control-regex -- the escape character is exactly what is being removed
  /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\u0007\u001b]{0,500}(?:\u0007|\u001b\\)|[()][A-Za-z0-9]|[=>])/g;

/**
 * What CI systems put before a tool's own output: `gh run view --log` columns (job, step) before a timestamp, a
 * byte-order mark, an ISO-8601 timestamp (GitHub Actions, Azure), and the `##[error]` workflow command.
 */
const CI_LINE_PREFIX =
  /^(?:(?:[^\t]{0,200}\t){1,2}(?=\d{4}-\d\d-\d\dT))?\uFEFF?(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)? ?)?(?:##\[error\])?/;

/** Lines a tool marks as warnings: what was retried or tolerated is not why the step failed. */
const WARNING_LINE =
  /^\s*(?:##\[warning\]|::warning\b|npm WARN\b|\[WARN(?:ING)?\]|WARN(?:ING)?(?::|\s+-\s)|warning:)/i;

/**
 * Shell source echoed into the log (`+ cmd` traces, a script printed before it runs): it names errors it may raise,
 * not errors that happened (`if [[ -z ${X} ]]; then fail "X is not set"; fi`).
 */
const SHELL_SOURCE_LINE = /^\+{1,4} |\bif \[\[? |; then\b|\|\| (?:exit|fail|echo)\b/;

/** Split on every line ending, including the bare `\r` progress bars redraw with. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

/** One raw line as the rules see it: capped, colourless, without CI prefixes, trimmed at the end. */
export function cleanLine(raw: string): string {
  const capped = raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw;
  return stripAnsi(capped).replace(CI_LINE_PREFIX, '').trimEnd();
}

export function isShellSourceLine(cleaned: string): boolean {
  return SHELL_SOURCE_LINE.test(cleaned);
}

export function isWarningLine(cleaned: string): boolean {
  return WARNING_LINE.test(cleaned);
}
