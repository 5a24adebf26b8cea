/**
 * Bitbucket UUIDs come wrapped in braces (`{27e6...}`). Storage keys cannot hold braces, and API paths need them
 * URL-encoded. Everything inside the app uses the bare, lower-case form.
 */
import type { Uuid } from './types';

const UUID_RE = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value.trim());
}

/** `{ABC...}` or `abc...` → `abc...`. Throws on anything that is not a UUID. */
export function unwrapUuid(value: string): Uuid {
  const match = UUID_RE.exec(value.trim());
  if (!match?.[1]) throw new Error(`not a Bitbucket UUID: ${JSON.stringify(value.slice(0, 80))}`);
  return match[1].toLowerCase();
}

/** `abc...` → `{abc...}`, the form the API returns and accepts. */
export function wrapUuid(value: string): string {
  return `{${unwrapUuid(value)}}`;
}

/** Path segment for a UUID: `%7Babc...%7D`. */
export function uuidPathSegment(value: string): string {
  return encodeURIComponent(wrapUuid(value));
}
