/**
 * What ingestion could not do, kept per repository so the admin page shows it: a sweep that could not list a
 * repository (401/403/404), and a pipeline whose ingestion was given up for good (a limit no retry can pass). A
 * sweep problem lasts until a sweep lists the repository again; an ingest problem until a later one replaces it, or
 * two weeks.
 */
import { redactText } from '../domain/redact';
import * as keys from '../storage/keys';
import type { Store } from '../storage/store';

const PROBLEM_TTL_SECONDS = 14 * 86_400;
const WHY_CHARS = 300;

/** The repository uuid inside a problem's key: `problem:<workspace>:<repo>:<stage>`. */
const repoOfKey = (key: string): string => key.split(':')[2] ?? '';

export async function recordIngestionProblem(
  store: Store,
  workspace: string,
  repoUuid: string,
  problem: keys.IngestionProblem,
): Promise<void> {
  const why = oneLine(problem.why);
  await store.set(
    keys.ingestionProblem(workspace, repoUuid, problem.stage),
    { ...problem, why },
    { ttlSeconds: PROBLEM_TTL_SECONDS },
  );
}

export async function clearIngestionProblem(
  store: Store,
  workspace: string,
  repoUuid: string,
  stage: keys.IngestionProblem['stage'],
): Promise<void> {
  await store.delete(keys.ingestionProblem(workspace, repoUuid, stage));
}

/** Every repository's problems, in one listing (a page per 100 problems). */
export async function ingestionProblems(
  store: Store,
  workspace: string,
): Promise<Map<string, keys.IngestionProblem[]>> {
  const out = new Map<string, keys.IngestionProblem[]>();
  let cursor: string | undefined;
  do {
    const page = await store.query(keys.ingestionProblemsOf(workspace), { limit: 100, cursor });
    for (const { key, value } of page.items)
      out.set(repoOfKey(key), [...(out.get(repoOfKey(key)) ?? []), value]);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** One line of at most WHY_CHARS, with URLs' credentials and queries (signatures) and echoed tokens cut away. */
function oneLine(text: string): string {
  return redactText(text).replace(/\s+/g, ' ').trim().slice(0, WHY_CHARS);
}
