/**
 * Turning a raw log tail into lines the failure rules can read, and a matched line into what a person reads: colour
 * codes, CI timestamps and runner prefixes removed, `go test -json` records replaced by their text, warnings
 * recognised. Shared by the classifier and the message normaliser.
 */
import { MAX_LINE_CHARS } from './patterns';

/**
 * ANSI escape sequences: CSI (colours, cursor moves) and OSC (hyperlinks, titles). Logs from tools run with colour
 * on keep them, and they sit inside the words the rules look for (`[1;31mERROR[m`).
 */
const ANSI_ESCAPE =
  // eslint-disable-next-line no-control-regex -- the escape character is exactly what is being removed
  /\u001b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\u0007\u001b]{0,500}(?:\u0007|\u001b\\)|[()][A-Za-z0-9]|[=>])/g;

/** A date and time as CI systems print them: `2024-01-01T00:00:00.0000000Z`, `2024-01-01 10:00:00,123+02:00`. */
const DATE_TIME = String.raw`\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?`;

/**
 * What CI systems put before a tool's own output, in the order they nest: `gh run view --log` columns (job, step)
 * before a timestamp, a byte-order mark, Travis CI's timing marker (which the next line runs into), Buildkite's `_bk;t=<ms>` marker, a timestamp (ISO-8601 as GitHub Actions and
 * Azure print it, or bracketed as Jenkins' timestamper, Buildkite and Taskcluster do), a clock `HH:MM:SS` with
 * mozharness' level column after it (`21:47:57     INFO - `, but not its `WARNING` level, which marks a warning), the
 * `##[error]` / `::error::` workflow commands. Each part is optional and anchored: a line without them is left as it is.
 */
const CI_LINE_PREFIX = new RegExp(
  [
    String.raw`^(?:(?:[^\t]{0,200}\t){1,2}(?=\d{4}-\d\d-\d\dT))?\uFEFF?`,
    String.raw`(?:travis_time:end:[0-9a-f]{1,20}:start=\d{1,25},finish=\d{1,25},duration=\d{1,25}|travis_time:start:[0-9a-f]{1,20})?`,
    String.raw`(?:\x1b?_bk;t=\d{10,16}\x07?)?`,
    String.raw`(?:${DATE_TIME} ?|\[(?:[a-z]{1,20} )?${DATE_TIME}\] ?)?`,
    String.raw`(?:\[?\d\d:\d\d:\d\d(?:\.\d+)?\]? {1,8}(?:(?:INFO|ERROR|CRITICAL|FATAL|DEBUG) - {1,2})?)?`,
    String.raw`(?:##\[error\]|::error(?: [^:]{0,300})?::)?`,
  ].join(''),
);

/** Lines a tool marks as warnings: what was retried or tolerated is not why the step failed. */
const WARNING_LINE =
  /^\s*(?:##\[warning\]|::warning\b|npm WARN\b|\[WARN(?:ING)?\]|WARN(?:ING)?(?::|\s+-\s)|warning:)/i;

/**
 * Shell source echoed into the log (`+ cmd` traces, a script printed before it runs): it names errors it may raise,
 * not errors that happened (`if [[ -z ${X} ]]; then fail "X is not set"; fi`, `echo >&2 "ERROR: go.sum is stale"`).
 */
const SHELL_SOURCE_LINE = /^\+{1,4} |^\s*echo\s|\bif \[\[? |; then\b|\|\| (?:exit|fail|echo)\b/;

/**
 * A best-effort step reporting its own failure and carrying on: a script that uploads artifacts or test reports after
 * the work says so (`Failed to upload artifacts: Unable to locate credentials`) and the job goes on to its verdict. The
 * upload did not fail the step; the work before it did.
 */
const TOLERATED_FAILURE_LINE = /^Failed to (?:parse and )?upload\b/;

/**
 * A `go test -json` (test2json) record, and `go build -json` output: `{"Time":…,"Action":"output",…,"Output":"…"}`.
 * The text a person reads is in `Output`; records without it (`run`, `pass`, `fail`, `build-fail`) only repeat what
 * the output records already said, so they read as empty lines.
 */
const JSON_RECORD = /^\{"(?:Time|ImportPath|Action)":/;

/**
 * Wrappers that say how a tool logs, not what went wrong: Maven's `[ERROR]` / `[INFO]` columns and GitHub's rendering
 * of them (`Error:  `), mozharness' `WARNING - `, pytest's `E   ` assertion gutter. Left out of the message and the fingerprint, kept for the
 * rules (which use them to tell a Maven compiler line from a plain one).
 */
const MESSAGE_WRAPPER =
  /^(?:\[(?:ERROR|INFO|WARN(?:ING)?|FATAL)\]\s+|WARNING - +|Error: {2}(?=\S)|E {3}(?=\S))/;

/** Split on every line ending, including the bare `\r` progress bars redraw with. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}

/** The text of a JSON log record, `''` for a record without any; `undefined` when the line is no such record. */
function jsonRecordText(line: string): string | undefined {
  if (!JSON_RECORD.test(line)) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    // A record cut by the 64 KB tail or by the line cap is read as plain text.
    return undefined;
  }
  if (typeof record !== 'object' || record === null || !('Output' in record)) return '';
  return typeof record.Output === 'string' ? record.Output : '';
}

/** One raw line as the rules see it: capped, colourless, without CI prefixes or JSON framing, trimmed at the end. */
export function cleanLine(raw: string): string {
  const capped = raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw;
  const line = stripAnsi(capped).replace(CI_LINE_PREFIX, '');
  const text = jsonRecordText(line);
  return (text === undefined ? line : stripAnsi(text).replace(/\n$/, '')).trimEnd();
}

/** A heading rule drawn around a name, as pytest draws one above each failing test: `_____ test_x _____`. */
const HEADING_RULE = /^([_=-])\1{2,} (\S.*?) \1{3,}$/;

/** A cleaned line as a person reads it: also without the tool's own level column or heading rules, and trimmed. */
export function readableLine(cleaned: string): string {
  const text = cleaned.replace(MESSAGE_WRAPPER, '').trim();
  return HEADING_RULE.exec(text)?.[2] ?? text;
}

export function isShellSourceLine(cleaned: string): boolean {
  return SHELL_SOURCE_LINE.test(cleaned);
}

export function isWarningLine(cleaned: string): boolean {
  return WARNING_LINE.test(cleaned);
}

export function isToleratedFailureLine(cleaned: string): boolean {
  return TOLERATED_FAILURE_LINE.test(cleaned);
}
