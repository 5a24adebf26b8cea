/**
 * "Backfill the last N days" on the Forge path: the admin resolver claims the backfill and queues one chunk per
 * repository; chunks list a page at a time, queue the ingestion and their own continuation; the status reaches
 * "done" once, with every chunk delivered twice. The API is the simulated workspace; KVS and the queue are fakes.
 */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { BitbucketClient } from '../../src/bitbucket/client';
import { HttpTransport } from '../../src/bitbucket/http-transport';
import type { RepoReport } from '../../src/contract/insights';
import type { AdminPage, BackfillStatus } from '../../src/contract/resolvers';
import { daysAgo } from '../../src/domain/time';
import { unwrapUuid } from '../../src/domain/uuid';
import { queueBackfill, runBackfillChunk, type BackfillChunk } from '../../src/services/backfill';
import type { ServiceContext } from '../../src/services/context';
import { ingestPipeline, type IngestJob } from '../../src/services/ingest-pipeline';
import { judgeJobError } from '../../src/services/job-errors';
import { createJiraGateway, createResolverHost, localAccess } from '../../src/services/resolvers';
import { sweepWorkspace } from '../../src/services/sweep';
import { ForgeKvsStore } from '../../src/storage/forge-kvs-store';
import * as keys from '../../src/storage/keys';
import { generateWorkspace, startSimServer, type SimServer, type SimWorkspace } from '../../src/sim';
import { FakeClock, FakeKvs, FakeQueue } from '../support/forge-fakes';
import { expectedAttempts, recordedAttempts, sortedList } from './ingest-helpers';

const NOW = new Date('2026-03-02T12:00:00Z');
const silent = { info: () => undefined, warn: () => undefined };
type Body = { job: IngestJob } | { chunk: BackfillChunk };

/** The Forge side of a backfill over fakes: KVS, the queue, the consumer and the resolver host. */
function forgeSetup(server: SimServer) {
  const ws = server.workspace;
  const clock = new FakeClock(NOW.getTime());
  const store = new ForgeKvsStore({ kvs: new FakeKvs({ now: () => clock.now() }) });
  const client = new BitbucketClient({ transport: new HttpTransport({ baseUrl: server.apiUrl, auth: { kind: 'none' } }) });
  const ctx: ServiceContext = { store, client, now: () => new Date(ws.now), log: silent };
  const queue = new FakeQueue<Body>('ingest', clock);
  // As `pushJobs` does on Forge: at most 50 events a push.
  const pushAll = async (bodies: Body[]) => {
    for (let i = 0; i < bodies.length; i += 50) await queue.push(bodies.slice(i, i + 50).map((body) => ({ body })));
  };
  const counted = { backfilling: false, queuedByBackfill: 0 };
  const queues = {
    chunks: (chunks: BackfillChunk[]) => pushAll(chunks.map((chunk) => ({ chunk }))),
    ingest: async (jobs: IngestJob[]) => {
      if (counted.backfilling) counted.queuedByBackfill += jobs.length;
      await pushAll(jobs.map((job) => ({ job })));
    },
  };
  const consume = async (body: Body): Promise<InvocationError | undefined> => {
    try {
      if ('chunk' in body) await runBackfillChunk(ctx, ws.slug, body.chunk, queues, 1);
      else await ingestPipeline(ctx, body.job, { retentionDays: 90, workspace: ws.slug });
      return undefined;
    } catch (error) {
      const verdict = judgeJobError(error);
      if (verdict.kind === 'unexpected') throw error;
      return new InvocationError({ retryAfter: verdict.retryAfterSeconds ?? 60, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
    }
  };
  const host = createResolverHost({
    store,
    client,
    access: localAccess,
    jira: createJiraGateway({ tokens: { get: async () => undefined, set: async () => undefined }, fetch: async () => new Response('{}') }),
    now: () => new Date(clock.now()),
    workspace: ws.slug,
    queueBackfill: (days, startedAt) => queueBackfill(ctx, ws.slug, days, startedAt, queues.chunks),
  });
  const caller = { accountId: 'admin-1', workspaceUuid: ws.slug };
  return { ctx, store, queue, queues, consume, host, caller, counted };
}

describe('a backfill queued from the admin page', () => {
  let ws: SimWorkspace;
  let sim: SimServer;

  beforeAll(async () => {
    ws = generateWorkspace({ seed: 31, now: NOW, days: 20 });
    sim = await startSimServer({ workspace: ws });
  });
  afterAll(() => sim.close());

  it('lists every repository in chunks, ingests the whole window once, and reports its progress', async () => {
    const { ctx, store, queue, queues, consume, host, caller, counted } = forgeSetup(sim);
    // Hourly sweeps have recorded the last two days: their watermark must not stop the backfill.
    await sweepWorkspace(ctx, { workspace: ws.slug, since: daysAgo(NOW, 2), reason: 'reconcile', enqueue: queues.ingest });
    expect((await queue.drain((e) => consume(e.body))).failed).toEqual([]);
    counted.backfilling = true;

    const started = (await host.handle('startBackfill', { days: 21 }, caller)) as BackfillStatus;
    expect(started).toMatchObject({ state: 'running', days: 21, reposTotal: ws.repos.length, reposDone: 0 });
    expect((await host.handle('startBackfill', { days: 21 }, caller)) as BackfillStatus).toMatchObject({ state: 'running', startedAt: started.startedAt });

    // Every chunk and every backfill job is delivered twice; the repository page follows the import meanwhile.
    const repoPage = { running: 0, withTotal: 0 };
    const consumeAndLook = async (body: Body) => {
      const result = await consume(body);
      const report = (await host.handle('getRepoInsights', {}, { ...caller, repoUuid: unwrapUuid(ws.repos[0]?.uuid ?? '') })) as RepoReport;
      if (report.ingestion.backfill?.state === 'running') {
        repoPage.running += 1;
        if (report.ingestion.backfill.total !== undefined) repoPage.withTotal += 1;
        expect(report.ingestion.backfill.done).toBeLessThanOrEqual(report.ingestion.backfill.total ?? Infinity);
      }
      return result;
    };
    const drained = await queue.drain((e) => consumeAndLook(e.body), { duplicate: (e) => 'chunk' in e.body || e.body.job.reason === 'backfill' });
    expect(drained.failed).toEqual([]);
    const chunks = queue.bodies().filter((b): b is { chunk: BackfillChunk } => 'chunk' in b);
    expect(chunks.length).toBeGreaterThan(ws.repos.length); // a repository of more than 100 pipelines took two chunks
    for (const r of ws.repos) {
      expect(sortedList(await recordedAttempts(store, unwrapUuid(r.uuid)))).toEqual(sortedList(expectedAttempts(ws, r.slug)));
    }

    const page = (await host.handle('getAdminPage', {}, caller)) as AdminPage;
    expect(counted.queuedByBackfill).toBeGreaterThan(50);
    expect(page.backfill).toMatchObject({ state: 'done', reposDone: ws.repos.length, reposTotal: ws.repos.length, startedAt: started.startedAt });
    // Delivered twice, counted once: queued and imported both equal the jobs the chunks pushed.
    expect(page.backfill.pipelinesQueued).toBe(counted.queuedByBackfill);
    expect(page.backfill.pipelinesIngested).toBe(counted.queuedByBackfill);
    expect(repoPage.running).toBeGreaterThan(10);
    expect(repoPage.withTotal).toBeGreaterThan(0);
    const after = (await host.handle('getRepoInsights', {}, { ...caller, repoUuid: unwrapUuid(ws.repos[0]?.uuid ?? '') })) as RepoReport;
    expect(after.ingestion.backfill).toBeUndefined();
    expect(page.backfill).not.toHaveProperty('progress');
    expect((await store.getDoc(keys.backfill(ws.slug)))?.value.progress).toBeDefined();
    // Ingests the whole simulated window through the Forge fakes: minutes on a loaded 2-core machine.
  }, 180_000);

  it('skips a repository the app may no longer list, and still finishes', async () => {
    const closed = await startSimServer({ workspace: ws, faults: { rate: 1, kinds: ['403'], seed: 1, only: ['pipelines.list'] } });
    try {
      const { queue, consume, host, caller } = forgeSetup(closed);
      const started = (await host.handle('startBackfill', { days: 21 }, caller)) as BackfillStatus;
      expect(started.reposTotal).toBe(ws.repos.length);
      expect((await queue.drain((e) => consume(e.body))).failed).toEqual([]);
      const page = (await host.handle('getAdminPage', {}, caller)) as AdminPage;
      expect(page.backfill).toMatchObject({ state: 'done', reposDone: ws.repos.length, pipelinesQueued: 0 });
    } finally {
      await closed.close();
    }
  });
});
