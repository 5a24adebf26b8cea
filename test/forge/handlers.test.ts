/**
 * The Forge handlers as deployed (`createForgeHandlers`, `createForgeResolver`: what src/index.ts exports, built
 * from the real Forge packages there), driven over the Forge fakes: KVS, the queue and `requestBitbucket` onto the
 * simulated workspace. Event → trigger → queue → consumer → store → resolver answer, with lost, duplicated and
 * retried deliveries, rate limits, bodies that are not jobs, and a limit no retry passes.
 */
import { updateDoc } from '../../src/services/commit-with-retry';
import { InvocationErrorCode } from '@forge/events';
import type { RepoReport } from '../../src/contract/insights';
import type { AdminPage } from '../../src/contract/resolvers';
import { unwrapUuid } from '../../src/domain/uuid';
import type { IngestJobBody } from '../../src/services/jobs';
import { hourIso } from '../../src/bitbucket/budget';
import * as keys from '../../src/storage/keys';
import {
  buildStatusEventsFor,
  generateWorkspace,
  startSimServer,
  type SimServer,
  type SimWorkspace,
} from '../../src/sim';
import { expectedAttempts, recordedAttempts, sortedList } from '../ingest/ingest-helpers';
import { fakeForgeApp } from '../support/forge-app';

const NOW = new Date('2026-03-02T12:00:00Z');

describe('the Forge handlers over the fakes', () => {
  let ws: SimWorkspace;
  let sim: SimServer;

  beforeAll(async () => {
    ws = generateWorkspace({ seed: 23, now: NOW, days: 5 });
    sim = await startSimServer({ workspace: ws });
  });
  afterAll(() => sim.close());

  function forge(server: SimServer = sim) {
    const app = fakeForgeApp(server, NOW, () => new Date(ws.now));
    return { ...app, consume: (event: { body?: unknown }) => app.handlers.ingestPipeline(event) };
  }

  it('events lost and duplicated, then the hourly sweep: every attempt recorded once, and the pages answer', async () => {
    const f = forge();
    let terminal = 0;
    for (const repo of ws.repos) {
      for (const payload of buildStatusEventsFor(ws, repo.slug))
        await f.handlers.onBuildStatus(payload, { installContext: f.installContext });
      terminal += f.queue.size();
    }
    expect(terminal).toBeGreaterThan(30);
    let n = 0;
    const fate = new Map<string, number>();
    const roll = (id: string): number => {
      if (!fate.has(id)) fate.set(id, n++ % 5);
      return fate.get(id) ?? 0;
    };
    const first = await f.queue.drain(f.consume, {
      drop: (e) => roll(e.eventId) === 0,
      duplicate: (e) => roll(e.eventId) === 1,
    });
    expect(first.dropped.length).toBeGreaterThan(5);
    expect(first.duplicated).toBeGreaterThan(5);
    expect(first.failed).toEqual([]);

    const pushedBefore = f.queue.pushes.length;
    const getsBefore = sim.stats.byEndpoint['pipelines.get'] ?? 0;
    await f.handlers.reconcile({}, { installContext: f.installContext });
    const swept = f.queue.pushes
      .slice(pushedBefore)
      .flatMap((p) => p.events.map((e) => e.body as IngestJobBody));
    expect(swept.length).toBeGreaterThan(0);
    // The sweep's jobs carry the pipeline as listed: the consumer does not fetch it again.
    expect(swept.every((b) => b.pipeline?.uuid === b.pipelineUuid)).toBe(true);
    expect((await f.queue.drain(f.consume, { duplicate: (e) => roll(e.eventId) === 2 })).failed).toEqual([]);
    expect(sim.stats.byEndpoint['pipelines.get'] ?? 0).toBe(getsBefore);
    for (const r of ws.repos) {
      expect(sortedList(await recordedAttempts(f.store, unwrapUuid(r.uuid)))).toEqual(
        sortedList(expectedAttempts(ws, r.slug)),
      );
    }

    // Each invocation handed back the calls it did not spend: the hour's counter holds what was spent.
    const budget = await f.store.getDoc(keys.apiBudget(unwrapUuid(ws.uuid), hourIso(NOW.getTime())));
    const spent = f.bitbucket.requests.filter((u) => u.startsWith(new URL(sim.apiUrl).origin)).length;
    expect(budget?.value.reserved).toBe(spent);

    const repo = ws.repos[0];
    const report = (await f.call('getRepoInsights', {}, unwrapUuid(repo?.uuid ?? ''))) as RepoReport;
    expect(report.repository.slug).toBe(repo?.slug);
    expect(report.pipelines.total).toBeGreaterThan(0);
  });

  it('a 429 goes back to Forge with retryAfter and the upstream-rate-limit reason; the retry records the job', async () => {
    const limited = await startSimServer({
      workspace: ws,
      faults: { rate: 1, kinds: ['429'], seed: 1, only: ['steps.list'] },
    });
    try {
      const f = forge(limited);
      const pipeline = ws.repos[0]?.pipelines.find((p) => p.steps.length > 0);
      const body = {
        workspaceUuid: unwrapUuid(ws.uuid),
        repoUuid: unwrapUuid(ws.repos[0]?.uuid ?? ''),
        pipelineUuid: unwrapUuid(pipeline?.uuid ?? ''),
        reason: 'deployment',
      };
      const answer = await f.consume({ body });
      expect(answer).toEqual({
        _retry: true,
        retryOptions: { retryAfter: 60, retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED },
      });
      expect(limited.stats.byEndpoint['steps.list']).toBe(1);
      limited.setFaults(undefined);
      expect(await f.consume({ body })).toBeUndefined();
    } finally {
      await limited.close();
    }
  });

  it('a 503 past the retries goes back with the retry-request reason; an unexpected failure is rethrown', async () => {
    const down = await startSimServer({
      workspace: ws,
      faults: { rate: 1, kinds: ['503'], seed: 1, only: ['steps.list'] },
    });
    try {
      const f = forge(down);
      const pipeline = ws.repos[0]?.pipelines[0];
      const body = {
        workspaceUuid: unwrapUuid(ws.uuid),
        repoUuid: unwrapUuid(ws.repos[0]?.uuid ?? ''),
        pipelineUuid: unwrapUuid(pipeline?.uuid ?? ''),
        reason: 'deployment',
      };
      expect(await f.consume({ body })).toMatchObject({
        _retry: true,
        retryOptions: { retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST },
      });
      down.setFaults(undefined);
      f.kvs.service.failNext('any', { status: 500, code: 'INTERNAL_SERVER_ERROR' }, 50);
      await expect(f.consume({ body })).rejects.toThrow();
    } finally {
      await down.close();
    }
  });

  it('an event or a body that is not a job is dropped with a clear line, not retried', async () => {
    const f = forge();
    await f.handlers.onBuildStatus({ repository: 'not an object' }, { installContext: f.installContext });
    await f.handlers.onDeployment({ pipeline: {} }, { installContext: f.installContext });
    expect(f.queue.size()).toBe(0);
    expect(f.platform.logged).toEqual([
      'event skipped: not a build-status event payload',
      'event skipped: not a deployment event payload',
    ]);
    await f.queue.push([
      { body: { workspaceUuid: unwrapUuid(ws.uuid), reason: 'deployment' } },
      {
        body: {
          workspaceUuid: unwrapUuid(ws.uuid),
          repoUuid: 'r',
          pipelineUuid: 'p',
          reason: 'reconcile',
          pipeline: { uuid: 'p', buildNumber: 'seven' },
        },
      },
      { body: { kind: 'backfill', workspaceUuid: unwrapUuid(ws.uuid), chunk: { since: 'yesterday' } } },
    ]);
    const report = await f.queue.drain(f.consume);
    expect(report).toMatchObject({ delivered: 3, retried: 0, failed: [] });
    expect(f.platform.logged.filter((l) => l.includes('its body is not a job'))).toHaveLength(3);
    expect(f.platform.logged.join('\n')).toContain('repoUuid');
    expect(f.platform.logged.join('\n')).toContain('pipeline.buildNumber');
    expect(f.platform.logged.join('\n')).toContain('chunk.repoUuid');
  });

  it('a limit no retry passes is final: logged, shown on the admin page, and not queued again by the sweep', async () => {
    const f = forge();
    // A retention longer than KVS's one-year TTL: every record of the job is refused by the store's limits.
    await updateDoc(f.store, keys.settings(unwrapUuid(ws.uuid)), () => ({ retentionDays: 400 }) as never);
    await f.handlers.reconcile({}, { installContext: f.installContext });
    const queued = f.queue.size();
    expect(queued).toBeGreaterThan(0);
    const report = await f.queue.drain(f.consume);
    expect(report).toMatchObject({ retried: 0, failed: [] });
    expect(f.platform.logged.filter((l) => l.includes('given up') && l.includes('TTL limit'))).toHaveLength(
      queued,
    );
    const page = (await f.call('getAdminPage', {})) as AdminPage;
    const problems = page.repos.flatMap((r) => r.ingestionProblems ?? []);
    expect(problems.length).toBe(ws.repos.length);
    expect(
      problems.every((p) => p.stage === 'ingest' && /TTL limit/.test(p.why) && p.buildNumber !== undefined),
    ).toBe(true);
    const pushes = f.queue.pushes.length;
    await f.handlers.reconcile({}, { installContext: f.installContext });
    expect(f.queue.pushes.length).toBe(pushes);
  });
});
