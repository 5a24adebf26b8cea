/** What the ingest tests compare: the attempts truth says an ingest at `now` must record, and what the store holds. */
import { unwrapUuid } from '../../src/domain/uuid';
import type { Store } from '../../src/storage/store';
import * as keys from '../../src/storage/keys';
import type { SimWorkspace } from '../../src/sim';

export const attemptKey = (pipelineUuid: string, stepUuid: string, runNumber: number): string =>
  `${unwrapUuid(pipelineUuid)}:${unwrapUuid(stepUuid)}:${runNumber}`;

/**
 * The attempts an ingest at the workspace's `now` can see and must record: completed, not NOT_RUN, not hidden by a
 * rerun, whether their pipeline completed, is paused on a manual step or is still running.
 */
export function expectedAttempts(ws: SimWorkspace, slug: string): Set<string> {
  const repo = ws.repos.find((r) => r.slug === slug);
  const truth = ws.truth.repos[slug];
  if (!repo || !truth) throw new Error(`no repository ${slug} in the simulated workspace`);
  const out = new Set<string>();
  for (const p of truth.pipelines) {
    // Finished steps of a running or paused pipeline count as well: they are recorded before the pipeline ends.
    for (const a of p.completedAttempts) {
      if (a.overwritten || a.result === 'NOT_RUN') continue;
      out.add(attemptKey(p.uuid, a.stepUuid, a.runNumber));
    }
  }
  return out;
}

/** The attempt records under the repository's prefix, as keys; throws if one attempt is stored twice. */
export async function recordedAttempts(store: Store, repoUuid: string): Promise<Set<string>> {
  const out = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await store.query(keys.attemptsOf(repoUuid), { limit: 100, cursor });
    for (const { value } of page.items) {
      const k = attemptKey(value.pipelineUuid, value.stepUuid, value.runNumber);
      if (out.has(k)) throw new Error(`attempt ${k} stored twice`);
      out.add(k);
    }
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** The aggregates that must not depend on how ingestion went: pipeline totals and per-step run counts. */
export async function aggregates(store: Store, ws: SimWorkspace): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const repo of ws.repos) {
    const repoUuid = unwrapUuid(repo.uuid);
    const stats = await store.getDoc(keys.pipelineStats(repoUuid));
    const stepNames = [...new Set(repo.pipelines.flatMap((p) => p.steps.map((s) => s.name)))].sort();
    const steps: Record<string, { runs: number; successes: number; reruns: number }> = {};
    for (const name of stepNames) {
      const s = await store.getDoc(keys.stepStats(repoUuid, name));
      if (s) steps[name] = { runs: s.value.runs, successes: s.value.successes, reruns: s.value.reruns };
    }
    out[repo.slug] = { totals: stats?.value.totals, steps };
  }
  return out;
}

export const sortedList = (s: Set<string>): string[] => [...s].sort();
