/**
 * Records one completed pipeline run with the repository's pipeline aggregates. A pipeline counts once, by its newest
 * run: the run and the pipeline's tally (what it was counted as) change in one conditional transaction, so a
 * duplicate, a retry, an earlier run arriving late or a concurrent consumer can neither skip nor double-count it.
 */
import type { PipelineRunRecord } from '../domain/attempt';
import { applyRunToPipelineStats, emptyPipelineStats } from '../domain/pipeline-stats';
import * as keys from '../storage/keys';
import { readDocs } from '../storage/read-docs';
import type { Store } from '../storage/store';
import { commitWithRetry } from './commit-with-retry';
import { noteForExport } from './export/export-journal';
import type { RecordOptions, RecordOutcome } from './record-attempt';

export async function recordRun(
  store: Store,
  r: PipelineRunRecord,
  opts: RecordOptions,
): Promise<RecordOutcome> {
  const ttlSeconds = opts.retentionDays * 86_400;
  const tallyKey = keys.pipelineTally(r.repoUuid, r.pipelineUuid);
  const statsKey = keys.pipelineStats(r.repoUuid);
  const committed = await commitWithRetry(store, async () => {
    const { tally, stats } = await readDocs(store, { tally: tallyKey, stats: statsKey });
    const next = applyRunToPipelineStats(stats?.value ?? emptyPipelineStats(), r, tally?.value);
    if (!next) return undefined;
    return [
      { kind: 'put', key: tallyKey, value: next.tally, expectedVersion: tally?.version ?? 0, ttlSeconds },
      { kind: 'put', key: statsKey, value: next.stats, expectedVersion: stats?.version ?? 0 },
    ];
  });
  // The plain record is written after the commit, and again on a duplicate: a crash between the two leaves the
  // aggregates counted once and the record restored by the redelivery.
  const recordKey = keys.pipelineRun(r.repoUuid, r);
  if (opts.exportJournal) await noteForExport(store, r.repoUuid, recordKey, opts.now(), ttlSeconds);
  await store.set(recordKey, r, { ttlSeconds });
  return committed ? 'recorded' : 'duplicate';
}
