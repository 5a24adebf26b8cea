/**
 * `sync` end to end: the simulated Bitbucket over loopback HTTP, the real client with retries, the local queue and
 * a SQLite store. Truth from the generator says which attempts exist; the store must hold exactly those.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { daysAgo } from '../../src/domain/time';
import { unwrapUuid } from '../../src/domain/uuid';
import { LocalQueue } from '../../src/local/local-queue';
import { openLocalRuntime, type LocalRuntime } from '../../src/local/runtime';
import { runSync, type SyncResult } from '../../src/local/sync';
import { ingestPipeline } from '../../src/services/ingest-pipeline';
import type { IngestJob } from '../../src/services/jobs';
import { judgeJobError } from '../../src/services/job-errors';
import { sweepWorkspace } from '../../src/services/sweep';
import { advance, generateWorkspace, startSimServer, type SimServer, type SimWorkspace } from '../../src/sim';
import { aggregates, attemptKey, expectedAttempts, recordedAttempts, sortedList } from './ingest-helpers';

const NOW = new Date('2026-03-02T12:00:00Z');
const DAYS = 7;
const WORKSPACE = 'acme';
const silent = { info: () => undefined, warn: () => undefined };
const sink = { write: () => true } as unknown as NodeJS.WritableStream;

let pristine: string;
const dirs: string[] = [];

function freshWorkspace(): SimWorkspace {
  return JSON.parse(pristine) as SimWorkspace;
}

function runtimeFor(sim: SimServer, ws: SimWorkspace): LocalRuntime {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pi-sync-e2e-'));
  dirs.push(dataDir);
  return openLocalRuntime({ dataDir, apiUrl: sim.apiUrl, env: {}, log: silent, now: () => new Date(ws.now) });
}

function sync(rt: LocalRuntime, ws: SimWorkspace, concurrency = 2): Promise<SyncResult> {
  return runSync(rt, {
    workspace: WORKSPACE,
    since: daysAgo(new Date(ws.now), DAYS + 1),
    progress: false,
    out: sink,
    concurrency,
  });
}

async function recordedByRepo(rt: LocalRuntime, ws: SimWorkspace): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const repo of ws.repos)
    out[repo.slug] = sortedList(await recordedAttempts(rt.store, unwrapUuid(repo.uuid)));
  return out;
}

function expectedByRepo(ws: SimWorkspace): Record<string, string[]> {
  return Object.fromEntries(ws.repos.map((r) => [r.slug, sortedList(expectedAttempts(ws, r.slug))]));
}

describe('sync against the simulated workspace', () => {
  const ws = { clean: undefined as SimWorkspace | undefined };
  let sim: SimServer;
  let clean: LocalRuntime;
  let cleanResult: SyncResult;
  let cleanRecorded: Record<string, string[]>;
  let cleanAggregates: Record<string, unknown>;

  beforeAll(async () => {
    pristine = JSON.stringify(generateWorkspace({ seed: 11, now: NOW, days: DAYS }));
    ws.clean = freshWorkspace();
    sim = await startSimServer({ workspace: ws.clean });
    clean = runtimeFor(sim, ws.clean);
    cleanResult = await sync(clean, ws.clean);
    cleanRecorded = await recordedByRepo(clean, ws.clean);
    cleanAggregates = await aggregates(clean.store, ws.clean);
  });

  afterAll(async () => {
    clean.close();
    await sim.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('records every completed attempt visible at now exactly once, and none that a rerun hid', () => {
    const w = ws.clean as SimWorkspace;
    expect(cleanResult.failures).toEqual([]);
    expect(cleanRecorded).toEqual(expectedByRepo(w));
    const total = Object.values(cleanRecorded).reduce((n, l) => n + l.length, 0);
    expect(total).toBeGreaterThan(100);
    expect(cleanResult.stats.attempts).toBe(total);
    // Attempts a rerun overwrote before this first sync are gone from the API: none of them is recorded.
    const recorded = new Set(Object.values(cleanRecorded).flat());
    const hidden = w.repos.flatMap((r) =>
      (w.truth.repos[r.slug]?.pipelines ?? []).flatMap((p) =>
        p.completedAttempts
          .filter((a) => a.overwritten)
          .map((a) => attemptKey(p.uuid, a.stepUuid, a.runNumber)),
      ),
    );
    expect(hidden.filter((k) => recorded.has(k))).toEqual([]);
    // Pipeline totals count each completed run once.
    for (const repo of w.repos) {
      const completed = w.truth.repos[repo.slug]?.pipelines.filter((p) => p.state === 'COMPLETED').length;
      expect((cleanAggregates[repo.slug] as { totals: { runs: number } }).totals.runs).toBe(completed);
    }
  });

  it('an idle second sync costs at most two API calls per repository and records nothing', async () => {
    const before = clean.client.stats.calls;
    const second = await sync(clean, ws.clean as SimWorkspace);
    const spent = clean.client.stats.calls - before;
    expect(second.stats.pipelines).toBe(0);
    expect(second.stats.attempts).toBe(0);
    expect(spent).toBeLessThanOrEqual(2 * (ws.clean as SimWorkspace).repos.length);
    expect(await recordedByRepo(clean, ws.clean as SimWorkspace)).toEqual(cleanRecorded);
    expect(await aggregates(clean.store, ws.clean as SimWorkspace)).toEqual(cleanAggregates);
  });

  it('a sync reaching further back than the last one (a backfill) records the older pipelines too', async () => {
    const w = freshWorkspace();
    const server = await startSimServer({ workspace: w });
    const rt = runtimeFor(server, w);
    try {
      const recent = await runSync(rt, {
        workspace: WORKSPACE,
        since: daysAgo(new Date(w.now), 2),
        progress: false,
        out: sink,
      });
      const after2Days = Object.values(await recordedByRepo(rt, w)).flat().length;
      expect(recent.stats.attempts).toBe(after2Days);
      expect(after2Days).toBeLessThan(Object.values(cleanRecorded).flat().length);
      await sync(rt, w);
      expect(await recordedByRepo(rt, w)).toEqual(cleanRecorded);
      // And the watermark still makes the next sync of that window idle.
      const before = rt.client.stats.calls;
      expect((await sync(rt, w)).stats.pipelines).toBe(0);
      expect(rt.client.stats.calls - before).toBeLessThanOrEqual(2 * w.repos.length);
    } finally {
      rt.close();
      await server.close();
    }
  });

  it('ends in the same state when 10% of requests fail with 429, 500, 503 or a truncated body', async () => {
    const w = freshWorkspace();
    const faulty = await startSimServer({
      workspace: w,
      faults: { rate: 0.1, kinds: ['429', '500', '503', 'truncated'], seed: 5 },
    });
    const rt = runtimeFor(faulty, w);
    try {
      const result = await sync(rt, w, 6);
      expect(faulty.stats.faultsInjected).toBeGreaterThan(20);
      expect(result.failures).toEqual([]);
      expect(await recordedByRepo(rt, w)).toEqual(cleanRecorded);
      expect(await aggregates(rt.store, w)).toEqual(cleanAggregates);
    } finally {
      rt.close();
      await faulty.close();
    }
  });

  it('after 24 more hours records exactly the new attempts, reruns included', async () => {
    const w = freshWorkspace();
    const server = await startSimServer({ workspace: w });
    const rt = runtimeFor(server, w);
    try {
      await sync(rt, w);
      const first = await recordedByRepo(rt, w);
      expect(first).toEqual(cleanRecorded);
      advance(w, { hours: 24, seed: 3 });
      const second = await sync(rt, w);
      expect(second.failures).toEqual([]);
      const after = await recordedByRepo(rt, w);
      let added = 0;
      let reruns = 0;
      for (const repo of w.repos) {
        const union = new Set([...(first[repo.slug] ?? []), ...expectedAttempts(w, repo.slug)]);
        expect(after[repo.slug]).toEqual(sortedList(union));
        const fresh = (after[repo.slug] ?? []).filter((k) => !(first[repo.slug] ?? []).includes(k));
        added += fresh.length;
        reruns += fresh.filter((k) => !k.endsWith(':1')).length;
      }
      expect(second.stats.attempts).toBe(added);
      expect(added).toBeGreaterThan(0);
      expect(reruns).toBeGreaterThan(0);
    } finally {
      rt.close();
      await server.close();
    }
  });

  it('two consumers fed the same duplicated jobs at once end in the clean state', async () => {
    const w = freshWorkspace();
    const server = await startSimServer({ workspace: w });
    const rt = runtimeFor(server, w);
    try {
      const jobs: IngestJob[] = [];
      await sweepWorkspace(rt, {
        workspace: WORKSPACE,
        since: daysAgo(NOW, DAYS + 1),
        reason: 'sync',
        enqueue: async (batch) => {
          jobs.push(...batch);
        },
      });
      const consumer = (): LocalQueue<IngestJob> =>
        new LocalQueue<IngestJob>({
          concurrency: 3,
          handler: async (job) => {
            await ingestPipeline(rt, job, { retentionDays: 90 });
          },
          classify: (error) => {
            const verdict = judgeJobError(error);
            return verdict.kind === 'final' ? {} : { retryAfterSeconds: verdict.retryAfterSeconds };
          },
          sleep: () => Promise.resolve(),
        });
      const a = consumer();
      const b = consumer();
      a.push([...jobs, ...jobs.slice(0, jobs.length / 2)]);
      b.push([...jobs].reverse());
      const [failedA, failedB] = await Promise.all([a.drain(), b.drain()]);
      expect([...failedA, ...failedB]).toEqual([]);
      expect(await recordedByRepo(rt, w)).toEqual(cleanRecorded);
      expect(await aggregates(rt.store, w)).toEqual(cleanAggregates);
    } finally {
      rt.close();
      await server.close();
    }
  });
});
