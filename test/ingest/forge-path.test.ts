/**
 * The Forge path: build-status events → decisions → queue → consumer (ingestPipeline over Forge KVS), with events
 * lost and duplicated, then the hourly reconcile sweep catching what was lost. The API is the simulated workspace
 * over loopback HTTP; KVS and the queue are the fakes of `test/support/forge-fakes.ts`.
 */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { BitbucketClient } from '../../src/bitbucket/client';
import { RateLimitedError } from '../../src/bitbucket/errors';
import { HttpTransport } from '../../src/bitbucket/http-transport';
import { forgeConsumerRetryPolicy } from '../../src/bitbucket/retry-policy';
import { daysAgo } from '../../src/domain/time';
import type { RepoRef } from '../../src/domain/types';
import { unwrapUuid } from '../../src/domain/uuid';
import type { ServiceContext } from '../../src/services/context';
import { decideBuildStatus } from '../../src/services/events';
import { ingestPipeline, type IngestJob } from '../../src/services/ingest-pipeline';
import { judgeJobError } from '../../src/services/job-errors';
import { sweepWorkspace } from '../../src/services/sweep';
import { ForgeKvsStore } from '../../src/storage/forge-kvs-store';
import { buildStatusEventsFor, generateWorkspace, startSimServer, type SimServer, type SimWorkspace } from '../../src/sim';
import { FakeClock, FakeKvs, FakeQueue } from '../support/forge-fakes';
import { expectedAttempts, recordedAttempts, sortedList } from './ingest-helpers';

const NOW = new Date('2026-03-02T12:00:00Z');
const silent = { info: () => undefined, warn: () => undefined };

/** What the consumer does with a job that failed: come back later (InvocationError with retryAfter), drop it, or rethrow. */
async function consume(ctx: ServiceContext, job: IngestJob): Promise<InvocationError | undefined> {
  try {
    await ingestPipeline(ctx, job, { retentionDays: 90 });
    return undefined;
  } catch (error) {
    const verdict = judgeJobError(error);
    if (verdict.kind === 'final') return undefined;
    if (verdict.kind === 'unexpected') throw error;
    return new InvocationError({ retryAfter: verdict.retryAfterSeconds ?? 60, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
  }
}

function clientFor(sim: SimServer, rateLimitAware = false): BitbucketClient {
  return new BitbucketClient({
    transport: new HttpTransport({ baseUrl: sim.apiUrl, auth: { kind: 'none' } }),
    ...(rateLimitAware ? { policy: forgeConsumerRetryPolicy } : {}),
  });
}

describe('the Forge ingestion path', () => {
  let ws: SimWorkspace;
  let sim: SimServer;

  beforeAll(async () => {
    ws = generateWorkspace({ seed: 23, now: NOW, days: 5 });
    sim = await startSimServer({ workspace: ws });
  });
  afterAll(() => sim.close());

  it('events lost and duplicated, then the reconcile sweep: every visible attempt recorded exactly once', async () => {
    const clock = new FakeClock(NOW.getTime());
    const ctx: ServiceContext = {
      store: new ForgeKvsStore({ kvs: new FakeKvs({ now: () => clock.now() }) }),
      client: clientFor(sim),
      now: () => new Date(ws.now),
      log: silent,
    };
    const repos = await ctx.client.listRepositories(ws.slug);
    const byUuid = new Map<string, RepoRef>(repos.map((r) => [r.repoUuid, r]));
    const queue = new FakeQueue<{ job: IngestJob }>('ingest', clock);

    let terminal = 0;
    for (const repo of ws.repos) {
      for (const payload of buildStatusEventsFor(ws, repo.slug)) {
        const decision = decideBuildStatus(payload);
        if (decision.kind === 'skip') continue;
        terminal += 1;
        const target = byUuid.get(decision.job.repoUuid);
        if (!target) throw new Error(`event for an unknown repository ${decision.job.repoUuid}`);
        await queue.push({ body: { job: { repo: target, buildNumber: decision.job.buildNumber, reason: 'build-status' } } });
      }
    }
    expect(terminal).toBeGreaterThan(30);

    let n = 0;
    const fate = new Map<string, number>();
    const roll = (id: string): number => {
      if (!fate.has(id)) fate.set(id, n++ % 5);
      return fate.get(id) ?? 0;
    };
    const first = await queue.drain((event) => consume(ctx, event.body.job), {
      drop: (event) => roll(event.eventId) === 0,
      duplicate: (event) => roll(event.eventId) === 1,
    });
    expect(first.dropped.length).toBeGreaterThan(5);
    expect(first.duplicated).toBeGreaterThan(5);
    expect(first.failed).toEqual([]);

    // Events alone miss the dropped pipelines.
    const missing = await Promise.all(
      ws.repos.map(async (r) => {
        const recorded = await recordedAttempts(ctx.store, unwrapUuid(r.uuid));
        return [...expectedAttempts(ws, r.slug)].filter((k) => !recorded.has(k)).length;
      }),
    );
    expect(missing.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    await sweepWorkspace(ctx, {
      workspace: ws.slug,
      since: daysAgo(NOW, 6),
      reason: 'reconcile',
      enqueue: async (jobs) => {
        await queue.push(jobs.map((job) => ({ body: { job } })));
      },
    });
    const second = await queue.drain((event) => consume(ctx, event.body.job));
    expect(second.failed).toEqual([]);
    for (const r of ws.repos) {
      expect(sortedList(await recordedAttempts(ctx.store, unwrapUuid(r.uuid)))).toEqual(sortedList(expectedAttempts(ws, r.slug)));
    }
  });

  it('a consumer that meets a 429 returns at once with a retryAfter instead of sleeping', async () => {
    const limited = await startSimServer({ workspace: ws, faults: { rate: 1, kinds: ['429'], seed: 1 } });
    try {
      const client = clientFor(limited, true);
      const repo: RepoRef = { workspace: ws.slug, repoSlug: ws.repos[0]?.slug ?? '', repoUuid: unwrapUuid(ws.repos[0]?.uuid ?? '') };
      const ctx: ServiceContext = { store: new ForgeKvsStore({ kvs: new FakeKvs() }), client, now: () => NOW, log: silent };
      const job: IngestJob = { repo, pipelineUuid: ws.repos[0]?.pipelines[0]?.uuid, reason: 'build-status' };
      const error = await ingestPipeline(ctx, job, { retentionDays: 90 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(limited.stats.requests).toBe(1);
      const verdict = judgeJobError(error);
      expect(verdict.kind).toBe('rate-limited');
      expect(verdict.retryAfterSeconds).toBeGreaterThanOrEqual(1);

      const clock = new FakeClock(NOW.getTime());
      const queue = new FakeQueue<{ job: IngestJob }>('ingest', clock);
      await queue.push({ body: { job } });
      const report = await queue.drain((event) => consume(ctx, event.body.job), { maxAttempts: 2 });
      expect(report.retried).toBe(1);
      expect(report.failed).toHaveLength(1);
      expect(clock.now() - NOW.getTime()).toBe((verdict.retryAfterSeconds ?? 0) * 1000);
    } finally {
      await limited.close();
    }
  });
});
