/**
 * Every storage key is built here, and nowhere else; each builder is tied to the type of its value.
 *
 * Forge key rules: ≤ 500 chars of `[a-zA-Z0-9:._\s-#]`. Bitbucket UUIDs are stored without braces; names that
 * can hold any character (step names, test names, branch names) are hashed (`nameId`).
 * Layout: `<area>:<repoUuid>:...`, so one repository's entries of one area share a prefix.
 */
import { createHash } from 'node:crypto';
import type { DocKey, Key, KeyPrefix } from './store';

/** A short, key-safe id for any string (step names, test names, branches): 16 hex chars of SHA-256. */
export function nameId(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 16);
}

export const key = <T>(s: string): Key<T> => s as Key<T>;
export const prefix = <T>(s: string): KeyPrefix<T> => s as KeyPrefix<T>;
export const doc = <T>(s: string): DocKey<T> => s as DocKey<T>;
