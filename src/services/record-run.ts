/** Records one completed pipeline run (uuid + run number) exactly once, with the repository's pipeline aggregates. */
import type { PipelineRunRecord } from '../domain/attempt';
import { applyRunToPipelineStats, emptyPipelineStats } from '../domain/pipeline-stats';
import * as keys from '../storage/keys';
import { readDocs } from '../storage/read-docs';
import type { Store } from '../storage/store';
import { commitWithRetry } from './commit-with-retry';
import type { RecordOptions, RecordOutcome } from './record-attempt';

export async function recordRun(
  store: Store,
  r: PipelineRunRecord,
  opts: RecordOptions,
): Promise<RecordOutcome> {
  const ttlSeconds = opts.retentionDays * 86_400;
  const markKey = keys.runMark(r.repoUuid, r.pipelineUuid, r.runNumber);
  const statsKey = keys.pipelineStats(r.repoUuid);
  const committed = await commitWithRetry(store, async () => {
    const { mark, stats } = await readDocs(store, { mark: markKey, stats: statsKey });
    if (mark) return undefined;
    return [
      { kind: 'put', key: markKey, value: { at: opts.now().toISOString() }, expectedVersion: 0, ttlSeconds },
      {
        kind: 'put',
        key: statsKey,
        value: applyRunToPipelineStats(stats?.value ?? emptyPipelineStats(), r),
        expectedVersion: stats?.version ?? 0,
      },
    ];
  });
  // The plain record is written after the commit, and again on a duplicate: a crash between the two leaves the
  // aggregates counted once and the record restored by the redelivery.
  await store.set(keys.pipelineRun(r.repoUuid, r), r, { ttlSeconds });
  return committed ? 'recorded' : 'duplicate';
}
