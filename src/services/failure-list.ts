/**
 * Every failed step attempt of a repository, newest first, a page at a time: one prefix query per page (plus, under
 * a category filter, one batch read of the records the page names), whatever the length of the history. The records
 * are written by recordAttempt and expire with the attempts (the retention window).
 */
import type { FailureRecord } from '../domain/failure-stats';
import type { FailureCategory } from '../domain/types';
import * as keys from '../storage/keys';
import type { Store } from '../storage/store';

/** Forge KVS answers at most 100 entries per query page. */
export const MAX_FAILURE_PAGE = 100;
/** Forge KVS reads at most 25 keys per batch. */
const BATCH = 25;

export interface FailureQuery {
  category?: FailureCategory;
  /** Entries per page, 1..MAX_FAILURE_PAGE. */
  limit: number;
  /** Where the previous page ended. */
  cursor?: string;
  /** Failures that completed before this time end the listing (the window's start). */
  since?: string;
}

export interface FailurePage {
  failures: FailureRecord[];
  /** Present when more failures follow: pass it back for the next page. */
  cursor?: string;
}

export async function listFailures(store: Store, repo: string, q: FailureQuery): Promise<FailurePage> {
  const limit = Math.max(1, Math.min(MAX_FAILURE_PAGE, Math.floor(q.limit)));
  const page = q.category
    ? await categoryPage(store, repo, q.category, limit, q.cursor)
    : await store
        .query(keys.failuresOf(repo), { limit, ...(q.cursor ? { cursor: q.cursor } : {}) })
        .then((p) => ({
          records: p.items.map((item) => item.value),
          cursor: p.cursor,
        }));
  // Newest first: the first failure older than the window ends the listing.
  const inWindow = q.since === undefined ? page.records : page.records.filter((f) => f.at >= (q.since ?? ''));
  const ended = inWindow.length < page.records.length;
  return { failures: inWindow, ...(page.cursor && !ended ? { cursor: page.cursor } : {}) };
}

async function categoryPage(
  store: Store,
  repo: string,
  category: FailureCategory,
  limit: number,
  cursor: string | undefined,
): Promise<{ records: FailureRecord[]; cursor?: string }> {
  const entries = await store.query(keys.failuresInCategory(repo, category), {
    limit,
    ...(cursor ? { cursor } : {}),
  });
  const recordKeys = entries.items.map((item) => keys.failureOfCategoryEntry(repo, category, item.key));
  const records: FailureRecord[] = [];
  for (let i = 0; i < recordKeys.length; i += BATCH) {
    const batch = recordKeys.slice(i, i + BATCH);
    const found = await store.getMany(batch);
    // A marker whose record has expired a moment earlier (both carry the same time to live) is skipped.
    for (const k of batch) {
      const record = found.get(k);
      if (record) records.push(record);
    }
  }
  return { records, ...(entries.cursor ? { cursor: entries.cursor } : {}) };
}

/** Every failure of the window, newest first: what the CLI report lists. Reads grow with the failures listed. */
export async function allFailures(store: Store, repo: string, since: string): Promise<FailureRecord[]> {
  const out: FailureRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await listFailures(store, repo, {
      limit: MAX_FAILURE_PAGE,
      since,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.failures);
    cursor = page.cursor;
  } while (cursor);
  return out;
}
