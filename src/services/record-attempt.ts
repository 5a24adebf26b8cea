/**
 * Records one completed step attempt exactly once: the attempt's marker, the step and failure aggregates, the step's
 * run history (slowdowns) and the detector's documents go in ONE conditional transaction, so a duplicate delivery, a retry after a crash or a
 * concurrent consumer can neither skip nor double-count it. On a conflict everything is re-read and recomputed.
 */
import { boundAttempt, type AttemptRecord } from '../domain/attempt';
import { applyAttemptToStepDocs, emptyStepStats } from '../domain/step-stats';
import { applyFailure, emptyFailureStats, failureRecordOf, isListedFailure } from '../domain/failure-stats';
import { applyAttemptToPrIndex, prAttemptOf } from '../domain/pr-index';
import * as keys from '../storage/keys';
import { FORGE_KVS_LIMITS, MAX_DOC_DATA_BYTES } from '../storage/limits';
import type { DocKey, DocOp, Store, Versioned } from '../storage/store';
import { commitWithRetry } from './commit-with-retry';
import { readDocs } from '../storage/read-docs';
import { planTestUpdates } from './test-tracking';
import type { DetectorConfig } from '../domain/flakiness/types';
import { noteForExport } from './export/export-journal';

export type RecordOutcome = 'recorded' | 'duplicate';

const MAX_CATALOG_STEPS = 60;
/** Forge: at most 25 operations per transaction. */
const MAX_OPS = 25;

export interface RecordOptions {
  retentionDays: number;
  now: () => Date;
  /** Thresholds and branch scope from the workspace settings (the defaults when absent). */
  detector?: DetectorConfig;
  /** The history export is on: note the record in its journal (src/services/export/export-journal.ts). */
  exportJournal?: boolean;
}

function put<T>(key: DocKey<T>, value: T, expectedVersion: number, ttlSeconds?: number): DocOp {
  return { kind: 'put', key, value, expectedVersion, ...(ttlSeconds ? { ttlSeconds } : {}) };
}

/**
 * Records `attempt` once. The record is first bounded to what one KVS value holds (`boundAttempt`), so the aggregates
 * and the stored record name the same tests.
 */
export async function recordAttempt(
  store: Store,
  attempt: AttemptRecord,
  opts: RecordOptions,
): Promise<RecordOutcome> {
  const a = boundAttempt(attempt, FORGE_KVS_LIMITS.maxValueBytes);
  const ttlSeconds = opts.retentionDays * 86_400;
  const repo = a.repoUuid;
  const markKey = keys.attemptMark(repo, a.pipelineUuid, a.stepUuid, a.runNumber);
  const statsKey = keys.stepStats(repo, a.stepName);
  const runsKeys = {
    defaultBranch: keys.stepRuns(repo, a.stepName, 'defaultBranch'),
    otherBranches: keys.stepRuns(repo, a.stepName, 'otherBranches'),
  };
  const failuresKey = keys.failureStats(repo);
  const catalogKey = keys.stepCatalog(repo);
  const prKey = a.pullRequestId !== undefined ? keys.pullRequestIndex(repo, a.pullRequestId) : undefined;

  const committed = await commitWithRetry(store, async () => {
    const docs = await readDocs(store, {
      mark: markKey,
      stats: statsKey,
      defaultBranchRuns: runsKeys.defaultBranch,
      otherBranchRuns: runsKeys.otherBranches,
      failures: failuresKey,
      catalog: catalogKey,
      ...(prKey ? { pr: prKey } : {}),
    });
    const { mark, stats, failures, catalog, pr } = docs;
    if (mark) return undefined;
    const runs = { defaultBranch: docs.defaultBranchRuns, otherBranches: docs.otherBranchRuns };
    const step = applyAttemptToStepDocs(
      stats?.value ?? emptyStepStats(a.stepName),
      { defaultBranch: runs.defaultBranch?.value, otherBranches: runs.otherBranches?.value },
      a,
    );
    const ops: DocOp[] = [
      put(markKey, { at: opts.now().toISOString() }, 0, ttlSeconds),
      put(statsKey, step.stats, stats?.version ?? 0),
    ];
    if (step.runs) {
      const { scope, list } = step.runs;
      ops.push(put(runsKeys[scope], list, runs[scope]?.version ?? 0));
    }
    if (isListedFailure(a)) {
      ops.push(
        put(failuresKey, applyFailure(failures?.value ?? emptyFailureStats(), a), failures?.version ?? 0),
      );
    }
    const catalogOp = updateCatalog(catalog, a);
    if (catalogOp) ops.push(catalogOp);
    const prIndex = prKey ? applyAttemptToPrIndex(pr?.value, a, MAX_DOC_DATA_BYTES) : undefined;
    if (prKey && prIndex) ops.push(put(prKey, prIndex, pr?.version ?? 0, ttlSeconds));
    ops.push(...(await planTestUpdates(store, a, MAX_OPS - ops.length, opts.detector)));
    return ops;
  });
  // Written after the commit, and again on a duplicate: a crash between the two leaves the aggregates counted
  // once and the records restored by the redelivery. A failed attempt is also listed, newest first, under the
  // repository and under its category, for as long as the attempt itself is kept.
  const recordKey = keys.attempt(repo, a);
  if (opts.exportJournal) await noteForExport(store, repo, recordKey, opts.now(), ttlSeconds);
  await store.set(recordKey, a, { ttlSeconds });
  if (isListedFailure(a)) {
    await store.set(keys.failure(repo, a), failureRecordOf(a), { ttlSeconds });
    await store.set(keys.failureInCategory(repo, a.failure.category, a), 1, { ttlSeconds });
  }
  // A branch pipeline of a change (no pull request, not the default branch): the merge check finds it by commit.
  if (a.pullRequestId === undefined && !a.isDefaultBranch && a.commit) {
    await store.set(keys.commitAttempt(repo, a.commit, a), prAttemptOf(a), { ttlSeconds });
  }
  return committed ? 'recorded' : 'duplicate';
}

/** The step catalog changes only when a new step name appears, or a known one has not been seen for a day. */
function updateCatalog(
  current: Versioned<keys.StepCatalog> | undefined,
  a: AttemptRecord,
): DocOp | undefined {
  const id = keys.nameId(a.stepName);
  const steps = current?.value.steps ?? [];
  const known = steps.find((s) => s.id === id);
  if (known && Date.parse(a.completedOn) - Date.parse(known.lastSeenAt) < 86_400_000) return undefined;
  if (known && a.completedOn <= known.lastSeenAt) return undefined;
  const next = [{ id, name: a.stepName, lastSeenAt: a.completedOn }, ...steps.filter((s) => s.id !== id)]
    .sort((x, y) => y.lastSeenAt.localeCompare(x.lastSeenAt))
    .slice(0, MAX_CATALOG_STEPS);
  return put(keys.stepCatalog(a.repoUuid), { steps: next }, current?.version ?? 0);
}
