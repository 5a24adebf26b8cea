/**
 * The Forge runtime: the same services as the CLI, over Forge KVS and `requestBitbucket`, with the workspace's
 * shared API budget. Built per invocation (Forge functions are short-lived) from the platform port, and finished
 * with `done()`, which hands back the API calls the invocation reserved and did not spend.
 */
import { BitbucketClient } from '../bitbucket/client';
import { StoreBudget } from '../bitbucket/budget';
import { ForgeTransport } from '../bitbucket/forge-transport';
import { forgeConsumerRetryPolicy } from '../bitbucket/retry-policy';
import { unwrapUuid, wrapUuid } from '../domain/uuid';
import type { RepoRef } from '../domain/types';
import type { BackfillQueues } from '../services/backfill';
import type { ServiceContext } from '../services/context';
import * as keys from '../storage/keys';
import { ForgeKvsStore } from '../storage/forge-kvs-store';
import type { ForgePlatform } from './platform';
import { ingestBody, type BackfillJobBody, type IngestJob, type IngestJobBody } from '../services/jobs';

export const INGEST_QUEUE = 'ingest';
/** Forge: at most 50 events and 200 KB a push; a push stays under this many bytes of bodies. */
const MAX_EVENTS_PER_PUSH = 50;
const MAX_PUSH_BYTES = 190_000;

export interface Invocation {
  ctx: ServiceContext;
  /** Ends the invocation: hands back the calls reserved and not spent. */
  done(): Promise<void>;
}

export function invocation(platform: ForgePlatform, workspaceUuid: string): Invocation {
  const store = new ForgeKvsStore({ kvs: platform.kvs });
  const budget = new StoreBudget({
    store,
    workspaceId: unwrapUuid(workspaceUuid),
    now: () => platform.now().getTime(),
  });
  // In a consumer a 429 goes back to Forge with retryAfter instead of sleeping in the handler.
  const transport = new ForgeTransport(platform.bitbucket);
  const client = new BitbucketClient({ transport, budget, policy: forgeConsumerRetryPolicy });
  return { ctx: { store, client, now: platform.now, log: platform.log }, done: () => budget.release() };
}

/** Runs `work` in one invocation and always ends it. */
export async function inInvocation<T>(
  platform: ForgePlatform,
  workspaceUuid: string,
  work: (ctx: ServiceContext) => Promise<T>,
): Promise<T> {
  const { ctx, done } = invocation(platform, workspaceUuid);
  try {
    return await work(ctx);
  } finally {
    await done();
  }
}

/** `ari:cloud:bitbucket::workspace/<uuid>` → the workspace uuid. */
export function workspaceFromInstallContext(installContext: string | undefined): string {
  const m = /workspace\/\{?([0-9a-fA-F-]{36})\}?/.exec(installContext ?? '');
  if (!m?.[1]) throw new Error('installContext does not name a Bitbucket workspace');
  return unwrapUuid(m[1]);
}

/**
 * Pushes bodies in pushes of at most 50 events and MAX_PUSH_BYTES. One repository's jobs run at most two at a time:
 * fewer conflicts on its aggregates, same total throughput.
 */
export async function pushJobs(
  platform: ForgePlatform,
  bodies: (IngestJobBody | BackfillJobBody)[],
): Promise<void> {
  const queue = platform.queue(INGEST_QUEUE);
  let batch: (IngestJobBody | BackfillJobBody)[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await queue.push(
      batch.map((body) => ({ body, concurrency: { key: `repo-${body.repoUuid}`, limit: 2 } })),
    );
    batch = [];
    bytes = 0;
  };
  for (const body of bodies) {
    const size = Buffer.byteLength(JSON.stringify(body), 'utf8') + 100;
    if (batch.length >= MAX_EVENTS_PER_PUSH || bytes + size > MAX_PUSH_BYTES) await flush();
    batch.push(body);
    bytes += size;
  }
  await flush();
}

/** The ingest jobs of a sweep or a backfill chunk, as queue bodies. */
export function ingestBodies(workspaceUuid: string, jobs: IngestJob[]): IngestJobBody[] {
  return jobs.map((j) => ingestBody(workspaceUuid, j));
}

/** Where a backfill's chunks and ingest jobs go on Forge. */
export function backfillQueues(platform: ForgePlatform, workspaceUuid: string): BackfillQueues {
  return {
    chunks: (chunks) =>
      pushJobs(
        platform,
        chunks.map((chunk) => ({ kind: 'backfill', workspaceUuid, repoUuid: chunk.repoUuid, chunk })),
      ),
    ingest: (jobs) => pushJobs(platform, ingestBodies(workspaceUuid, jobs)),
  };
}

/** The repository as recorded by the reconcile sweep, or fetched once (1 call) and recorded. */
export async function resolveRepo(
  ctx: ServiceContext,
  workspaceUuid: string,
  repoUuid: string,
): Promise<RepoRef> {
  const key = keys.repository(workspaceUuid, repoUuid);
  const known = await ctx.store.get(key);
  if (known) return known;
  const repo = await ctx.client.getRepository(wrapUuid(workspaceUuid), wrapUuid(repoUuid));
  const ref = { ...repo, workspace: wrapUuid(workspaceUuid) };
  await ctx.store.set(key, ref);
  return ref;
}
