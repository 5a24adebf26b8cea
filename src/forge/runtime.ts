/**
 * The Forge runtime: the same services as the CLI, over Forge KVS and `requestBitbucket`, with the workspace's
 * shared API budget. Built per invocation (Forge functions are short-lived).
 */
import { Queue } from '@forge/events';
import { BitbucketClient } from '../bitbucket/client';
import { StoreBudget } from '../bitbucket/budget';
import { ForgeTransport } from '../bitbucket/forge-transport';
import { forgeConsumerRetryPolicy } from '../bitbucket/retry-policy';
import { unwrapUuid, wrapUuid } from '../domain/uuid';
import type { RepoRef } from '../domain/types';
import type { BackfillChunk, BackfillQueues } from '../services/backfill';
import type { IngestJob } from '../services/ingest-pipeline';
import type { Logger, ServiceContext } from '../services/context';
import * as keys from '../storage/keys';
import { ForgeKvsStore } from '../storage/forge-kvs-store';

export const INGEST_QUEUE = 'ingest';

/** Logs carry ids and counts only, never payloads (they hold names) or tokens. */
export const forgeLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
};

export function forgeContext(workspaceUuid: string): ServiceContext {
  const store = new ForgeKvsStore();
  const budget = new StoreBudget({ store, workspaceId: unwrapUuid(workspaceUuid) });
  // In a consumer a 429 goes back to Forge with retryAfter instead of sleeping in the handler.
  const client = new BitbucketClient({ transport: new ForgeTransport(), budget, policy: forgeConsumerRetryPolicy });
  return { store, client, now: () => new Date(), log: forgeLogger };
}

/** `ari:cloud:bitbucket::workspace/<uuid>` → the workspace uuid. */
export function workspaceFromInstallContext(installContext: string | undefined): string {
  const m = /workspace\/\{?([0-9a-fA-F-]{36})\}?/.exec(installContext ?? '');
  if (!m?.[1]) throw new Error('installContext does not name a Bitbucket workspace');
  return unwrapUuid(m[1]);
}

/** What a queued job carries: ids only, so a job stays small and holds no names. */
export interface IngestJobBody extends Record<string, unknown> {
  workspaceUuid: string;
  repoUuid: string;
  pipelineUuid?: string;
  buildNumber?: number;
  reason: IngestJob['reason'];
}

/** A chunk of a backfill (src/services/backfill.ts), on the same queue as the ingest jobs. */
export interface BackfillJobBody extends Record<string, unknown> {
  kind: 'backfill';
  workspaceUuid: string;
  repoUuid: string;
  chunk: BackfillChunk;
}

export async function pushJobs(bodies: (IngestJobBody | BackfillJobBody)[]): Promise<void> {
  const queue = new Queue({ key: INGEST_QUEUE });
  for (let i = 0; i < bodies.length; i += 50) {
    // One repository's jobs run at most two at a time: fewer conflicts on its aggregates, same total throughput.
    await queue.push(bodies.slice(i, i + 50).map((body) => ({ body, concurrency: { key: `repo-${body.repoUuid}`, limit: 2 } })));
  }
}

/** The ingest jobs of a sweep or a backfill chunk, as queue bodies (ids only). */
export function ingestBodies(workspaceUuid: string, jobs: IngestJob[]): IngestJobBody[] {
  return jobs.map((j) => ({
    workspaceUuid,
    repoUuid: j.repo.repoUuid,
    ...(j.pipelineUuid ? { pipelineUuid: j.pipelineUuid } : {}),
    ...(j.buildNumber !== undefined ? { buildNumber: j.buildNumber } : {}),
    reason: j.reason,
  }));
}

/** Where a backfill's chunks and ingest jobs go on Forge. */
export function backfillQueues(workspaceUuid: string): BackfillQueues {
  return {
    chunks: (chunks) => pushJobs(chunks.map((chunk) => ({ kind: 'backfill', workspaceUuid, repoUuid: chunk.repoUuid, chunk }))),
    ingest: (jobs) => pushJobs(ingestBodies(workspaceUuid, jobs)),
  };
}

/** The repository as recorded by the reconcile sweep, or fetched once (1 call) and recorded. */
export async function resolveRepo(ctx: ServiceContext, workspaceUuid: string, repoUuid: string): Promise<RepoRef> {
  const key = keys.repository(workspaceUuid, repoUuid);
  const known = await ctx.store.get(key);
  if (known) return known;
  const repo = await ctx.client.getRepository(wrapUuid(workspaceUuid), wrapUuid(repoUuid));
  const ref = { ...repo, workspace: wrapUuid(workspaceUuid) };
  await ctx.store.set(key, ref);
  return ref;
}
