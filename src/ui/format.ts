/**
 * How numbers, times and untrusted names read on every surface. Pure functions: the same value always reads the same
 * way on the repository page, the pull-request panel and the admin page.
 */

/** Shown where a value is unknown (no finished runs, no queue data...). */
export const NO_VALUE = '—';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `42s`, `3m 12s`, `1h 05m`, `2d 3h`: two units at most, enough to compare steps at a glance. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return NO_VALUE;
  const total = Math.round(seconds);
  if (total < MINUTE) return `${total}s`;
  if (total < HOUR) {
    const rest = total % MINUTE;
    return rest === 0 ? `${Math.floor(total / MINUTE)}m` : `${Math.floor(total / MINUTE)}m ${rest}s`;
  }
  if (total < DAY) {
    const minutes = Math.floor((total % HOUR) / MINUTE);
    return `${Math.floor(total / HOUR)}h ${String(minutes).padStart(2, '0')}m`;
  }
  const hours = Math.floor((total % DAY) / HOUR);
  return hours === 0 ? `${Math.floor(total / DAY)}d` : `${Math.floor(total / DAY)}d ${hours}h`;
}

export function formatHours(hours: number | undefined): string {
  return hours === undefined ? NO_VALUE : formatDuration(hours * HOUR);
}

/** A 0..1 ratio as `93.4%`; whole numbers lose the `.0`. */
export function formatPercent(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return NO_VALUE;
  const tenths = Math.round(ratio * 1000) / 10;
  return `${tenths}%`;
}

/** A relative change as `+25%` / `−10%` (a real minus sign, so it does not read as a hyphen). */
export function formatChange(change: number): string {
  const percent = Math.round(change * 100);
  return percent >= 0 ? `+${percent}%` : `\u2212${Math.abs(percent)}%`;
}

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return NUMBER.format(value);
}

export function formatMinutes(minutes: number | undefined): string {
  return minutes === undefined ? NO_VALUE : `${NUMBER.format(minutes)} min`;
}

/** `just now`, `5 minutes ago`, `yesterday`, `4 days ago`, then the date itself past a month. */
export function formatRelative(iso: string | undefined, now: Date = new Date()): string {
  if (!iso) return NO_VALUE;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return NO_VALUE;
  const seconds = Math.max(0, (now.getTime() - at) / 1000);
  if (seconds < MINUTE) return 'just now';
  if (seconds < HOUR) return plural(Math.floor(seconds / MINUTE), 'minute');
  if (seconds < DAY) return plural(Math.floor(seconds / HOUR), 'hour');
  const days = Math.floor(seconds / DAY);
  if (days === 1) return 'yesterday';
  if (days < 31) return `${days} days ago`;
  return new Date(at).toISOString().slice(0, 10);
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
}

export function shortCommit(hash: string): string {
  return hash.slice(0, 7);
}

/**
 * Bitbucket keeps at most 2,000 characters per test-report field: a test's name is shown whole up to there (a name
 * is its identity; two names that differ only at the end are two tests). Nothing longer comes from Bitbucket.
 */
export const NAME_LIMIT = 2000;

/** Cuts on code points, not UTF-16 units, so an emoji or a surrogate pair is never split in half. */
export function truncate(text: string, limit: number): { text: string; truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false };
  const points = Array.from(text);
  if (points.length <= limit) return { text, truncated: false };
  return { text: `${points.slice(0, limit).join('')}\u2026`, truncated: true };
}

const WHITESPACE_MARKS: Record<string, string> = {
  ' ': '\u00b7',
  '\t': '\u21e5',
  '\n': '\u21b5',
  '\r': '\u240d',
};

/**
 * A page collapses runs of whitespace, tabs and newlines, and drops leading and trailing spaces, so two names that
 * differ only there would look alike. For such a name, the name with that whitespace made visible (`·` a space,
 * `⇥` a tab, `↵` a newline); undefined when the name shows as it is.
 */
export function hiddenWhitespace(name: string): string | undefined {
  if (!/[ \t\n\r]{2,}|[\t\n\r]|^ | $/.test(name)) return undefined;
  return name.replace(/[ \t\n\r]{2,}|[\t\n\r]|^ +| +$/g, (run) =>
    [...run].map((c) => WHITESPACE_MARKS[c] ?? c).join(''),
  );
}

const FIRST_STRONG_ISOLATE = '\u2068';
const POP_DIRECTIONAL_ISOLATE = '\u2069';

/**
 * Wraps untrusted text in a Unicode bidi isolate (FSI … PDI). UI Kit's `Text` takes no `dir` attribute, and a
 * right-to-left name, or one carrying its own override characters (U+202E), would otherwise reorder the words
 * around it; an isolate takes its direction from its own content and ends every embedding opened inside it.
 * See https://www.unicode.org/reports/tr9/#Explicit_Directional_Isolates
 */
export function isolate(text: string): string {
  return `${FIRST_STRONG_ISOLATE}${text}${POP_DIRECTIONAL_ISOLATE}`;
}
