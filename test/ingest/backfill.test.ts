/**
 * "Backfill the last N days" on the Forge path: the admin resolver claims the backfill and queues one chunk per
 * repository; chunks list a page at a time, queue the ingestion and their own continuation; the status reaches
 * "done" once, with every chunk delivered twice. The API is the simulated workspace; KVS and the queue are fakes.
 */
import { updateDoc } from '../../src/services/commit-with-retry';
import type { RepoReport } from '../../src/contract/insights';
import type { AdminPage, BackfillStatus } from '../../src/contract/resolvers';
import { unwrapUuid } from '../../src/domain/uuid';
import type { BackfillJobBody, IngestJobBody } from '../../src/services/jobs';
import * as keys from '../../src/storage/keys';
import { generateWorkspace, startSimServer, type SimServer, type SimWorkspace } from '../../src/sim';
import { fakeForgeApp } from '../support/forge-app';
import { expectedAttempts, recordedAttempts, sortedList } from './ingest-helpers';

const NOW = new Date('2026-03-02T12:00:00Z');
type Body = IngestJobBody | BackfillJobBody;
const isChunk = (b: Body): b is BackfillJobBody => 'kind' in b && b.kind === 'backfill';

/** The Forge side of a backfill: the deployed handlers and resolver over the fakes (KVS, the queue, requestBitbucket). */
function forgeSetup(server: SimServer) {
  const app = fakeForgeApp<Body>(server, NOW, (clock) => new Date(clock.now()));
  /** Ingest jobs the backfill's chunks pushed. */
  const queuedByBackfill = () =>
    app.queue.bodies().filter((b) => !isChunk(b) && b.reason === 'backfill').length;
  return { ...app, consume: (body: Body) => app.consume(body), queuedByBackfill };
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
    const { store, queue, handlers, installContext, consume, call, queuedByBackfill } = forgeSetup(sim);
    // An hourly sweep (over a two-day retention) has recorded the last two days: its watermark must not stop the
    // backfill.
    const settingsKey = keys.settings(unwrapUuid(ws.uuid));
    await updateDoc(store, settingsKey, () => ({ retentionDays: 2 }) as never);
    await handlers.reconcile({}, { installContext });
    expect((await queue.drain((e) => consume(e.body))).failed).toEqual([]);
    await store.commit([
      { kind: 'delete', key: settingsKey, expectedVersion: (await store.getDoc(settingsKey))?.version ?? 0 },
    ]);

    const started = (await call('startBackfill', { days: 21 })) as BackfillStatus;
    expect(started).toMatchObject({ state: 'running', days: 21, reposTotal: ws.repos.length, reposDone: 0 });
    expect((await call('startBackfill', { days: 21 })) as BackfillStatus).toMatchObject({
      state: 'running',
      startedAt: started.startedAt,
    });

    // Every chunk and every backfill job is delivered twice; the repository page follows the import meanwhile.
    const repoPage = { running: 0, withTotal: 0 };
    const firstRepo = unwrapUuid(ws.repos[0]?.uuid ?? '');
    const consumeAndLook = async (body: Body) => {
      const result = await consume(body);
      const report = (await call('getRepoInsights', {}, firstRepo)) as RepoReport;
      if (report.ingestion.backfill?.state === 'running') {
        repoPage.running += 1;
        if (report.ingestion.backfill.total !== undefined) repoPage.withTotal += 1;
        expect(report.ingestion.backfill.done).toBeLessThanOrEqual(
          report.ingestion.backfill.total ?? Infinity,
        );
      }
      return result;
    };
    const drained = await queue.drain((e) => consumeAndLook(e.body), {
      duplicate: (e) => isChunk(e.body) || e.body.reason === 'backfill',
    });
    expect(drained.failed).toEqual([]);
    const chunks = queue.bodies().filter(isChunk);
    expect(chunks.length).toBe(ws.repos.length); // ten listing pages a chunk: one chunk per repository here
    for (const r of ws.repos) {
      expect(sortedList(await recordedAttempts(store, unwrapUuid(r.uuid)))).toEqual(
        sortedList(expectedAttempts(ws, r.slug)),
      );
    }

    const page = (await call('getAdminPage', {})) as AdminPage;
    expect(queuedByBackfill()).toBeGreaterThan(50);
    expect(page.backfill).toMatchObject({
      state: 'done',
      reposDone: ws.repos.length,
      reposTotal: ws.repos.length,
      startedAt: started.startedAt,
    });
    // Delivered twice, counted once: queued and imported both equal the jobs the chunks pushed.
    expect(page.backfill.pipelinesQueued).toBe(queuedByBackfill());
    expect(page.backfill.pipelinesIngested).toBe(queuedByBackfill());
    expect(repoPage.running).toBeGreaterThan(10);
    expect(repoPage.withTotal).toBeGreaterThan(0);
    const after = (await call('getRepoInsights', {}, firstRepo)) as RepoReport;
    expect(after.ingestion.backfill).toBeUndefined();
    expect(page.backfill).not.toHaveProperty('progress');
    expect((await store.getDoc(keys.backfill(unwrapUuid(ws.uuid))))?.value.progress).toBeDefined();
  }, 120_000);

  it('skips a repository the app may no longer list, and still finishes', async () => {
    const closed = await startSimServer({
      workspace: ws,
      faults: { rate: 1, kinds: ['403'], seed: 1, only: ['pipelines.list'] },
    });
    try {
      const { queue, consume, call } = forgeSetup(closed);
      const started = (await call('startBackfill', { days: 21 })) as BackfillStatus;
      expect(started.reposTotal).toBe(ws.repos.length);
      expect((await queue.drain((e) => consume(e.body))).failed).toEqual([]);
      const page = (await call('getAdminPage', {})) as AdminPage;
      expect(page.backfill).toMatchObject({ state: 'done', reposDone: ws.repos.length, pipelinesQueued: 0 });
    } finally {
      await closed.close();
    }
  });
});
