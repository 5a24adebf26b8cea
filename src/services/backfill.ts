/**
 * "Backfill the last N days" on Forge: a resolver has 25 seconds and a busy workspace needs many listing pages, so
 * the resolver only queues one chunk job per repository; each chunk lists up to CHUNK_PAGES pages of pipelines,
 * queues the ingestion of what is not recorded, and queues the next chunk when there are more pages. The status
 * document counts per repository, so a retried or duplicated chunk counts once, and it reads "done" when the
 * last repository's last chunk has run.
 */
import type { BackfillStatus } from '../contract/resolvers';
import { daysAgo } from '../domain/time';
import * as keys from '../storage/keys';
import { commitWithRetry } from './commit-with-retry';
import type { ServiceContext } from './context';
import type { IngestJob } from './ingest-pipeline';
import { reconcileRepository } from './reconcile';
import { repositoriesToSweep } from './sweep';

/** Pages of 100 pipelines per chunk: a few seconds of listing, well inside a consumer's time. */
export const CHUNK_PAGES = 10;
/** A backfill whose chunks stopped coming (lost after Forge's retries) may be started again after this long. */
export const STALE_BACKFILL_HOURS = 6;

export interface BackfillChunk {
  repoUuid: string;
  /** ISO date: list pipelines from here to now. */
  since: string;
  /** 0 for the first chunk of a repository. */
  chunk: number;
  pageUrl?: string;
  /** The backfill this chunk belongs to (its start time): a chunk of an older backfill changes nothing. */
  startedAt: string;
}

export interface BackfillQueues {
  chunks: (chunks: BackfillChunk[]) => Promise<void>;
  ingest: (jobs: IngestJob[]) => Promise<void>;
}

/**
 * After the admin resolver claimed the status document for a backfill started at `startedAt`: record the
 * repositories to backfill and their number, then queue the first chunk of each (the total is written first, so
 * no chunk can find the backfill finished early).
 */
export async function queueBackfill(ctx: ServiceContext, workspace: string, days: number, startedAt: string, push: BackfillQueues['chunks']): Promise<BackfillStatus> {
  const repos = await repositoriesToSweep(ctx, workspace);
  for (const repo of repos) await ctx.store.set(keys.repository(workspace, repo.repoUuid), repo);
  const statusKey = keys.backfill(workspace);
  let status: BackfillStatus | undefined;
  await commitWithRetry(ctx.store, async () => {
    const current = await ctx.store.getDoc(statusKey);
    if (!current || current.value.startedAt !== startedAt) return undefined;
    const next: keys.StoredBackfill = repos.length
      ? { ...current.value, reposTotal: repos.length, message: `listing the pipelines of ${repos.length} repositories` }
      : { ...current.value, reposTotal: 0, state: 'done', finishedAt: ctx.now().toISOString(), message: 'no repository to backfill' };
    status = publicBackfillStatus(next);
    return [{ kind: 'put', key: statusKey, value: next, expectedVersion: current.version }];
  });
  if (!status) throw new Error('the backfill status changed while its repositories were listed');
  const since = daysAgo(ctx.now(), days).toISOString();
  if (repos.length) await push(repos.map((r) => ({ repoUuid: r.repoUuid, since, chunk: 0, startedAt })));
  return status;
}

/** One chunk: list, queue the ingestion, queue the next chunk, count. */
export async function runBackfillChunk(
  ctx: ServiceContext,
  workspace: string,
  chunk: BackfillChunk,
  queues: BackfillQueues,
  pagesPerChunk = CHUNK_PAGES,
): Promise<void> {
  const statusKey = keys.backfill(workspace);
  const current = await ctx.store.getDoc(statusKey);
  if (current?.value.startedAt !== chunk.startedAt) {
    ctx.log.info(`backfill chunk of an earlier backfill dropped (repository ${chunk.repoUuid})`);
    return;
  }
  if ((current.value.progress?.[chunk.repoUuid]?.chunks ?? 0) > chunk.chunk) return; // delivered twice: done already
  const repo = await ctx.store.get(keys.repository(workspace, chunk.repoUuid));
  if (!repo) {
    ctx.log.warn(`backfill chunk for an unknown repository ${chunk.repoUuid} dropped`);
    await countChunk(ctx, workspace, chunk, 0, true);
    return;
  }
  const outcome = await reconcileRepository(ctx, repo, {
    since: new Date(chunk.since),
    enqueue: queues.ingest,
    reason: 'backfill',
    maxPages: pagesPerChunk,
    ...(chunk.pageUrl ? { startPageUrl: chunk.pageUrl } : {}),
  });
  const more = outcome.truncated && outcome.nextPageUrl !== undefined;
  if (more) await queues.chunks([{ ...chunk, chunk: chunk.chunk + 1, pageUrl: outcome.nextPageUrl }]);
  await countChunk(ctx, workspace, chunk, outcome.enqueued, !more);
}

async function countChunk(ctx: ServiceContext, workspace: string, chunk: BackfillChunk, queued: number, repoDone: boolean): Promise<void> {
  const statusKey = keys.backfill(workspace);
  await commitWithRetry(ctx.store, async () => {
    const current = await ctx.store.getDoc(statusKey);
    const status = current?.value;
    if (!status || status.startedAt !== chunk.startedAt) return undefined;
    const progress = { ...(status.progress ?? {}) };
    const mine = progress[chunk.repoUuid] ?? { chunks: 0, queued: 0, done: false };
    if (chunk.chunk < mine.chunks) return undefined; // this chunk was counted already
    progress[chunk.repoUuid] = { chunks: chunk.chunk + 1, queued: mine.queued + queued, done: repoDone };
    const reposDone = Object.values(progress).filter((p) => p.done).length;
    const pipelinesQueued = Object.values(progress).reduce((n, p) => n + p.queued, 0);
    const finished = reposDone >= status.reposTotal;
    const next: keys.StoredBackfill = {
      ...status,
      progress,
      reposDone,
      pipelinesQueued,
      ...(finished
        ? { state: 'done' as const, finishedAt: ctx.now().toISOString(), message: `${pipelinesQueued} pipelines queued for ingestion` }
        : { message: `${reposDone} of ${status.reposTotal} repositories listed, ${pipelinesQueued} pipelines queued` }),
    };
    return [{ kind: 'put', key: statusKey, value: next, expectedVersion: current?.version ?? 0 }];
  });
}

/** What the admin page shows: the status without the per-repository bookkeeping. */
export function publicBackfillStatus(stored: keys.StoredBackfill): BackfillStatus {
  const { progress: _progress, ...status } = stored;
  return status;
}
