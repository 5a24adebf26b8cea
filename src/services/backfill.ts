/**
 * "Backfill the last N days" on Forge: a resolver has 25 seconds and a busy workspace needs many listing pages, so
 * the resolver only queues one chunk job per repository; each chunk lists up to CHUNK_PAGES pages of pipelines,
 * queues the ingestion of what is not recorded, and queues the next chunk when there are more pages. The status
 * document counts per repository, so a retried or duplicated chunk counts once. Each backfilled pipeline is counted
 * once in its repository's counter; the backfill reads "done" when every repository is listed and every pipeline
 * it queued is in.
 */
import type { BackfillStatus } from '../contract/resolvers';
import { daysAgo } from '../domain/time';
import * as keys from '../storage/keys';
import type { Store } from '../storage/store';
import { commitWithRetry } from './commit-with-retry';
import type { ServiceContext } from './context';
import type { BackfillChunk, IngestJob } from './jobs';
import { judgeJobError } from './job-errors';
import { reconcileRepository, type ReconcileOutcome } from './reconcile';
import { repositoriesToSweep } from './sweep';

/** Pages of 100 pipelines per chunk: a few seconds of listing, well inside a consumer's time. */
export const CHUNK_PAGES = 10;
/** A running backfill in which nothing moved for this long (its jobs were given up) may be started again. */
export const STALE_BACKFILL_HOURS = 6;

export interface BackfillQueues {
  chunks: (chunks: BackfillChunk[]) => Promise<void>;
  ingest: (jobs: IngestJob[]) => Promise<void>;
}

/**
 * After the admin resolver claimed the status document for a backfill started at `startedAt`: record the
 * repositories to backfill and their number, then queue the first chunk of each (the total is written first, so
 * no chunk can find the backfill finished early).
 */
export async function queueBackfill(
  ctx: ServiceContext,
  workspace: string,
  days: number,
  startedAt: string,
  push: BackfillQueues['chunks'],
): Promise<BackfillStatus> {
  const repos = await repositoriesToSweep(ctx, workspace);
  for (const repo of repos) await ctx.store.set(keys.repository(workspace, repo.repoUuid), repo);
  const statusKey = keys.backfill(workspace);
  let status: BackfillStatus | undefined;
  await commitWithRetry(ctx.store, async () => {
    const current = await ctx.store.getDoc(statusKey);
    if (!current || current.value.startedAt !== startedAt) return undefined;
    const next: keys.StoredBackfill = repos.length
      ? {
          ...current.value,
          reposTotal: repos.length,
          message: `listing the pipelines of ${repos.length} repositories`,
        }
      : {
          ...current.value,
          reposTotal: 0,
          state: 'done',
          finishedAt: ctx.now().toISOString(),
          message: 'no repository to backfill',
        };
    status = publicBackfillStatus(next, ctx.now());
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
  let outcome: ReconcileOutcome;
  try {
    outcome = await reconcileRepository(ctx, repo, {
      since: new Date(chunk.since),
      enqueue: queues.ingest,
      reason: 'backfill',
      maxPages: pagesPerChunk,
      ...(chunk.pageUrl ? { startPageUrl: chunk.pageUrl } : {}),
    });
  } catch (error) {
    // A repository gone or closed to the app since the backfill started: the others go on without it.
    if (judgeJobError(error).kind !== 'final') throw error;
    ctx.log.warn(`backfill of ${repo.fullName ?? repo.repoSlug} skipped: ${(error as Error).message}`);
    await countChunk(ctx, workspace, chunk, 0, true);
    return;
  }
  const more = outcome.truncated && outcome.nextPageUrl !== undefined;
  if (more) await queues.chunks([{ ...chunk, chunk: chunk.chunk + 1, pageUrl: outcome.nextPageUrl }]);
  await countChunk(ctx, workspace, chunk, outcome.enqueued, !more);
}

async function countChunk(
  ctx: ServiceContext,
  workspace: string,
  chunk: BackfillChunk,
  queued: number,
  listed: boolean,
): Promise<void> {
  const statusKey = keys.backfill(workspace);
  const count = listed ? await ingestedSoFar(ctx.store, chunk.repoUuid, chunk.startedAt) : 0;
  await commitWithRetry(ctx.store, async () => {
    const current = await ctx.store.getDoc(statusKey);
    const status = current?.value;
    if (!current || !status || status.startedAt !== chunk.startedAt) return undefined;
    const mine = status.progress?.[chunk.repoUuid] ?? {
      chunks: 0,
      queued: 0,
      listed: false,
      complete: false,
    };
    if (chunk.chunk < mine.chunks) return undefined; // this chunk was counted already
    const total = mine.queued + queued;
    const next = withRepoProgress(ctx, status, chunk.repoUuid, {
      chunks: chunk.chunk + 1,
      queued: total,
      listed,
      complete: listed && count >= total,
    });
    return [{ kind: 'put', key: statusKey, value: next, expectedVersion: current.version }];
  });
}

type RepoProgress = NonNullable<keys.StoredBackfill['progress']>[string];

/** The status with one repository's progress replaced, and the totals, message and state that follow. */
function withRepoProgress(
  ctx: ServiceContext,
  status: keys.StoredBackfill,
  repoUuid: string,
  mine: RepoProgress,
): keys.StoredBackfill {
  const progress = { ...(status.progress ?? {}), [repoUuid]: mine };
  const all = Object.values(progress);
  const reposDone = all.filter((p) => p.listed).length;
  const pipelinesQueued = all.reduce((n, p) => n + p.queued, 0);
  const finished = all.length >= status.reposTotal && all.every((p) => p.complete);
  return {
    ...status,
    progress,
    reposDone,
    pipelinesQueued,
    updatedAt: ctx.now().toISOString(),
    ...(finished
      ? {
          state: 'done' as const,
          finishedAt: ctx.now().toISOString(),
          message: `${pipelinesQueued} pipelines imported`,
        }
      : {
          message:
            reposDone < status.reposTotal
              ? `${reposDone} of ${status.reposTotal} repositories listed`
              : 'importing the queued pipelines',
        }),
  };
}

async function ingestedSoFar(store: Store, repoUuid: string, startedAt: string): Promise<number> {
  const count = await store.getDoc(keys.backfillCount(repoUuid));
  return count && count.value.startedAt === startedAt ? count.value.ingested : 0;
}

/**
 * Counts a pipeline whose backfill job finished (recorded by it, or by an event first) in its repository's counter,
 * once whatever the deliveries;
 * the repository whose listing ended and whose queued pipelines are all in is marked complete, and the last one to
 * complete ends the backfill.
 */
export async function countBackfilledPipeline(
  ctx: ServiceContext,
  workspace: string,
  repoUuid: string,
  pipelineUuid: string,
): Promise<void> {
  const statusKey = keys.backfill(workspace);
  const status = await ctx.store.getDoc(statusKey);
  const startedAt = status?.value.state === 'running' ? status.value.startedAt : undefined;
  if (!startedAt) return;
  const first = await ctx.store.setIfAbsent(keys.backfillMark(repoUuid, pipelineUuid, startedAt), true, {
    ttlSeconds: 7 * 86_400,
  });
  if (!first) return;
  const countKey = keys.backfillCount(repoUuid);
  let ingested = 0;
  await commitWithRetry(ctx.store, async () => {
    const current = await ctx.store.getDoc(countKey);
    ingested = current?.value.startedAt === startedAt ? current.value.ingested + 1 : 1;
    return [
      {
        kind: 'put',
        key: countKey,
        value: { startedAt, ingested, at: ctx.now().toISOString() },
        expectedVersion: current?.version ?? 0,
      },
    ];
  });
  await commitWithRetry(ctx.store, async () => {
    const current = await ctx.store.getDoc(statusKey);
    const mine = current?.value.progress?.[repoUuid];
    if (
      !current ||
      current.value.startedAt !== startedAt ||
      !mine?.listed ||
      mine.complete ||
      ingested < mine.queued
    )
      return undefined;
    const next = withRepoProgress(ctx, current.value, repoUuid, { ...mine, complete: true });
    return [{ kind: 'put', key: statusKey, value: next, expectedVersion: current.version }];
  });
}

/** The repository page's view of a running backfill: pipelines ingested, of those queued once its listing ended. */
export async function repoBackfillProgress(
  store: ServiceContext['store'],
  workspace: string,
  repoUuid: string,
): Promise<{ state: 'running'; done: number; total?: number } | undefined> {
  const status = await store.getDoc(keys.backfill(workspace));
  if (status?.value.state !== 'running') return undefined;
  const done = await ingestedSoFar(store, repoUuid, status.value.startedAt ?? '');
  const mine = status.value.progress?.[repoUuid];
  return { state: 'running', done, ...(mine?.listed ? { total: Math.max(mine.queued, done) } : {}) };
}

/**
 * What the admin page shows: the status without the per-repository bookkeeping, with the pipelines ingested so far
 * (`counts`: the repositories' counters), and a running backfill that stopped moving called what it is.
 */
export function publicBackfillStatus(
  stored: keys.StoredBackfill,
  now: Date,
  counts: keys.BackfillCount[] = [],
): BackfillStatus {
  const { progress: _progress, updatedAt: _updatedAt, ...status } = stored;
  const mine = counts.filter((c) => c.startedAt === stored.startedAt);
  const ingested = mine.reduce((n, c) => n + c.ingested, 0);
  const out: BackfillStatus = { ...status, ...(stored.startedAt ? { pipelinesIngested: ingested } : {}) };
  if (out.state === 'running' && isStale(stored, now, counts)) {
    out.stalled = true;
    out.message = `Stalled: ${ingested} of ${out.pipelinesQueued} pipelines imported; nothing moved for ${STALE_BACKFILL_HOURS} hours. Start it again to retry the rest.`;
  }
  return out;
}

/**
 * A running backfill in which nothing moved (no chunk listed, no pipeline counted) for STALE_BACKFILL_HOURS: its
 * jobs were given up after the queue's retries. It does not block a new backfill forever. A long backfill that
 * keeps moving (the API budget paces it for hours) is not stale.
 */
export function isStale(stored: keys.StoredBackfill, now: Date, counts: keys.BackfillCount[] = []): boolean {
  if (!stored.startedAt) return true;
  const moments = [
    stored.startedAt,
    stored.updatedAt,
    ...counts.filter((c) => c.startedAt === stored.startedAt).map((c) => c.at),
  ];
  const last = Math.max(...moments.filter((m): m is string => m !== undefined).map((m) => Date.parse(m)));
  return now.getTime() - last > STALE_BACKFILL_HOURS * 3_600_000;
}
