/**
 * What a person types on the command line, checked strictly before anything runs: a mistake is a usage error
 * (exit 2) that names the flag, never a guess (`2026-02-30` is not March, `1` is not 2001).
 */
import { z } from 'zod';
import { isUuid } from '../domain/uuid';

export class UsageError extends Error {}

const isoDate = z.iso.date();
/** A full timestamp with seconds and a zone (`Z` or `+02:00`), as `Date.prototype.toISOString` writes it. */
const isoTimestamp = z.iso.datetime({ offset: true });

const shown = (value: string): string => JSON.stringify(value.slice(0, 40));

/** `YYYY-MM-DD` (midnight UTC) or a full ISO timestamp, real on the calendar and not after `now`. */
export function parseIsoDate(value: string, flag: string, now: Date): Date {
  if (!isoDate.safeParse(value).success && !isoTimestamp.safeParse(value).success)
    throw new UsageError(
      `${flag} must be an ISO date such as 2026-01-31 or 2026-01-31T09:30:00Z, not ${shown(value)}`,
    );
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (date.getTime() > now.getTime())
    throw new UsageError(`${flag} ${value} is in the future (now is ${now.toISOString()})`);
  return date;
}

/** `YYYY-MM`, not after the month of `now`. */
export function parseMonth(value: string, flag: string, now: Date): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(value))
    throw new UsageError(`${flag} must be a month such as 2026-01, not ${shown(value)}`);
  if (value > now.toISOString().slice(0, 7)) throw new UsageError(`${flag} ${value} is in the future`);
  return value;
}

/**
 * A workspace or repository as Bitbucket names it: a slug of letters, digits, `-`, `_` and `.` (the API takes
 * "the slug or the UUID surrounded by curly-braces", see the OpenAPI description of `{workspace}` and
 * `{repo_slug}`), or that `{uuid}`. `.` and `..` would address another path.
 */
export function isSlugOrUuid(value: string): boolean {
  const slug = /^[A-Za-z0-9_.-]+$/.test(value) && value !== '.' && value !== '..';
  return slug || (value.startsWith('{') && isUuid(value));
}

export function checkSlug(value: string, flag: string): string {
  if (isSlugOrUuid(value)) return value;
  throw new UsageError(
    `${flag} must be a slug (letters, digits, "-", "_", ".") or a {uuid}, not ${shown(value)}`,
  );
}

/** `--timeout` in seconds (per request) as milliseconds; undefined when not given. */
export function parseTimeoutSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(seconds > 0) || seconds > 3600)
    throw new UsageError(`--timeout must be a number of seconds from 0 to 3600, not ${shown(value)}`);
  return Math.round(seconds * 1000);
}
