/**
 * The history export end to end: a simulated workspace synced through the real `sync`, exported into a real
 * PostgreSQL by the CLI's `export --database-url`, through the same write path as the worker Lambda. The rows must
 * be the stored records, one per pipeline and per step attempt; a second export adds nothing; new pipelines arrive
 * through the journal; and an export killed at any write and run again ends with the same rows as a clean one.
 */
import { updateDoc } from '../../src/services/commit-with-retry';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { exportCommand } from '../../src/cli/history-commands';
import type { AttemptRecord, PipelineRunRecord } from '../../src/domain/attempt';
import { daysAgo } from '../../src/domain/time';
import { unwrapUuid } from '../../src/domain/uuid';
import { postgresSink } from '../../src/local/history-sinks';
import { openLocalRuntime, type LocalRuntime } from '../../src/local/runtime';
import { runSync } from '../../src/local/sync';
import { runExport } from '../../src/services/export/history-export';
import { buildRepoReport, listTestVerdicts } from '../../src/services/repo-report';
import { knownRepositories } from '../../src/services/sweep';
import * as keys from '../../src/storage/keys';
import type { KeyPrefix, Store } from '../../src/storage/store';
import { advance, generateWorkspace, startSimServer, type SimServer, type SimWorkspace } from '../../src/sim';
import { migrate } from '../../history/src/db/migrate';
import { tableCounts } from '../../history/src/db/sql';
import { startPostgres, type TestPostgres } from '../support/embedded-postgres';

const NOW = new Date('2026-03-02T12:00:00Z');
const DAYS = 10;
const WORKSPACE = 'acme';
const silent = { info: () => undefined, warn: () => undefined };
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

let pg: TestPostgres;
let sim: SimServer;
let ws: SimWorkspace;
let rt: LocalRuntime;
let dataDir: string;
const pools: Pool[] = [];

async function newPool(): Promise<{ pool: Pool; url: string }> {
  const url = await pg.newDatabase();
  const pool = new Pool({ connectionString: url, max: 2 });
  pools.push(pool);
  return { pool, url };
}

async function sync(): Promise<void> {
  const result = await runSync(rt, {
    workspace: WORKSPACE,
    since: daysAgo(new Date(ws.now), DAYS + 2),
    progress: false,
    out: quiet,
  });
  expect(result.failures).toEqual([]);
}

async function exportTo(url: string): Promise<string> {
  let text = '';
  const out = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
  expect(await exportCommand(rt, { workspace: WORKSPACE, 'database-url': url }, {}, out)).toBe(0);
  return text;
}

async function all<T>(store: Store, prefix: KeyPrefix<T>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query(prefix, { limit: 100, cursor });
    out.push(...page.items.map((i) => i.value));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** What the store holds per repository: distinct pipelines, step attempts, failed attempts, failed tests by name. */
async function stored(repoUuid: string) {
  const runs = await all<PipelineRunRecord>(rt.store, keys.pipelineRunsOf(repoUuid));
  const attempts = await all<AttemptRecord>(rt.store, keys.attemptsOf(repoUuid));
  return {
    pipelines: new Set(runs.map((r) => r.pipelineUuid)).size,
    attempts: attempts.length,
    failedAttempts: attempts.filter((a) => a.result !== 'SUCCESSFUL').length,
    failedTests: attempts.flatMap((a) => a.failedTests.map((t) => t.name)).sort(),
  };
}

async function inDatabase(pool: Pool, repoUuid: string) {
  const one = async (sql: string): Promise<number> =>
    Number((await pool.query<{ n: string }>(sql, [repoUuid])).rows[0]?.n);
  const names = await pool.query<{ name: string }>(
    'SELECT name FROM test_results WHERE repository_uuid = $1',
    [repoUuid],
  );
  return {
    pipelines: await one('SELECT count(*) AS n FROM pipelines WHERE repository_uuid = $1'),
    attempts: await one('SELECT count(*) AS n FROM pipeline_steps WHERE repository_uuid = $1'),
    failedAttempts: await one(
      `SELECT count(*) AS n FROM pipeline_steps WHERE repository_uuid = $1 AND result <> 'SUCCESSFUL'`,
    ),
    failedTests: names.rows.map((r) => r.name).sort(),
  };
}

/** A digest of every row of the tables that hold records (not the batch log), to compare two databases. */
async function digest(pool: Pool): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of [
    'repositories',
    'pipelines',
    'pipeline_steps',
    'test_results',
    'daily_repository_stats',
    'daily_step_stats',
    'quarantine_changes',
  ]) {
    const cols = table === 'repositories' ? 'uuid, workspace_slug, slug, full_name, default_branch' : '*';
    const { rows } = await pool.query<{ d: string | null; n: string }>(
      `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS d, count(*) AS n FROM (SELECT ${cols} FROM ${table}) t`,
    );
    out[table] = `${rows[0]?.n}:${rows[0]?.d}`;
  }
  const latest = await pool.query<{ d: string }>(
    `SELECT md5(string_agg(repository_uuid || test_id || classification, '|' ORDER BY repository_uuid, test_id)) AS d
     FROM (SELECT DISTINCT ON (repository_uuid, test_id) repository_uuid::text, test_id, classification
           FROM test_verdicts ORDER BY repository_uuid, test_id, changed_at DESC) v`,
  );
  out.latestVerdicts = latest.rows[0]?.d ?? '';
  return out;
}

/** The report's own figures: distinct pipelines = pipelines.total, failed step attempts = failures[]. */
async function expectReportFigures(pool: Pool): Promise<void> {
  for (const repo of await knownRepositories(rt, WORKSPACE)) {
    const report = await buildRepoReport(rt.store, {
      workspace: WORKSPACE,
      repo,
      since: daysAgo(new Date(ws.now), 400),
      until: new Date(ws.now),
    });
    const db = await inDatabase(pool, repo.repoUuid);
    expect({ repo: repo.repoSlug, pipelines: db.pipelines, failed: db.failedAttempts }).toEqual({
      repo: repo.repoSlug,
      pipelines: report.pipelines.total,
      failed: report.failures.length,
    });
  }
}

beforeAll(async () => {
  pg = await startPostgres();
  ws = generateWorkspace({ seed: 5, now: NOW, days: DAYS });
  sim = await startSimServer({ workspace: ws });
  dataDir = mkdtempSync(path.join(tmpdir(), 'pi-export-e2e-'));
  rt = openLocalRuntime({ dataDir, apiUrl: sim.apiUrl, env: {}, log: silent, now: () => new Date(ws.now) });
  await sync();
}, 120_000);

afterAll(async () => {
  for (const p of pools) await p.end();
  rt.close();
  await sim.close();
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('export --database-url of a synced workspace', () => {
  let first: { pool: Pool; url: string };

  beforeAll(async () => {
    first = await newPool();
    await exportTo(first.url);
  }, 120_000);

  it('writes one row per stored pipeline and step attempt, failed tests by their exact names', async () => {
    const repos = await knownRepositories(rt, WORKSPACE);
    expect(repos.length).toBeGreaterThan(1);
    let failedTests = 0;
    for (const repo of repos) {
      const want = await stored(repo.repoUuid);
      failedTests += want.failedTests.length;
      expect(await inDatabase(first.pool, repo.repoUuid)).toEqual(want);
    }
    expect(failedTests).toBeGreaterThan(0);
    const timed = await first.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM test_results WHERE duration_seconds > 0',
    );
    expect(Number(timed.rows[0]?.n)).toBe(failedTests);
  });

  it('gives the report figures: distinct pipelines = pipelines.total, failed step attempts = failures[]', async () => {
    await expectReportFigures(first.pool);
  });

  it('writes each test that is flaky, broken or fixed now with that verdict, as the report gives it', async () => {
    let labelled = 0;
    for (const repo of await knownRepositories(rt, WORKSPACE)) {
      const now = (await listTestVerdicts(rt.store, { workspace: WORKSPACE, repo })).filter(
        (t) => t.classification !== 'healthy',
      );
      const { rows } = await first.pool.query<{ test_id: string; classification: string }>(
        `SELECT DISTINCT ON (test_id) test_id, classification FROM test_verdicts WHERE repository_uuid = $1 ORDER BY test_id, changed_at DESC`,
        [repo.repoUuid],
      );
      expect(
        rows.filter((r) => r.classification !== 'healthy').sort((a, b) => a.test_id.localeCompare(b.test_id)),
      ).toEqual(
        now
          .map((t) => ({ test_id: t.id, classification: t.classification }))
          .sort((a, b) => a.test_id.localeCompare(b.test_id)),
      );
      labelled += now.length;
    }
    expect(labelled).toBeGreaterThan(0);
  });

  it('a second export sends and changes nothing', async () => {
    const before = await tableCounts(first.pool);
    expect(await exportTo(first.url)).toMatch(
      /^exported 0 records in 0 batches .*rows: 0 added, 0 changed\n$/,
    );
    expect(await tableCounts(first.pool)).toEqual(before);
  });

  it('pipelines recorded after the export started arrive through the journal, and the journal empties', async () => {
    advance(ws, { hours: 24, seed: 9 });
    await sync();
    const repos = await knownRepositories(rt, WORKSPACE);
    const journal = (
      await Promise.all(repos.map((r) => all(rt.store, keys.exportJournalOf(r.repoUuid))))
    ).flat();
    expect(journal.length).toBeGreaterThan(0);
    expect(await exportTo(first.url)).toMatch(/^exported [1-9]\d* records in [1-9]\d* batches/);
    for (const repo of repos)
      expect(await inDatabase(first.pool, repo.repoUuid)).toEqual(await stored(repo.repoUuid));
    for (const repo of repos) expect(await all(rt.store, keys.exportJournalOf(repo.repoUuid))).toEqual([]);
  });

  // After these 24 hours some pipelines were rerun ("Rerun failed steps": same pipeline, run 2): the report counts
  // each pipeline once, as the database does.
  it('still gives the report figures once pipelines were rerun', async () => {
    await expectReportFigures(first.pool);
  });
});

class Crash extends Error {}

/** The store as a killed process sees it: the `n`-th call of `method` never happens, and nothing after it. */
function crashingStore(store: Store, method: 'commit' | 'delete', n: number): Store {
  let calls = 0;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== method || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        calls += 1;
        if (calls === n) throw new Crash(`killed at ${method} #${n}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe('an export killed midway and run again', () => {
  it('ends with the same rows as an export that was never interrupted', async () => {
    const killed = await newPool();
    await migrate(killed.pool);
    const tally = { inserted: 0, updated: 0 };
    const sink = postgresSink(killed.pool, tally);
    await updateDoc(rt.store, keys.exportConfig(WORKSPACE), () => ({
      enabled: true,
      destination: 'killed',
      generation: 'killed-1',
      enabledAt: new Date(ws.now).toISOString(),
    }));
    const run = (store: Store) =>
      runExport(
        { store, now: rt.now, log: silent },
        { workspace: WORKSPACE, sink, settleSeconds: 0, maxBatchBytes: 30_000 },
      );
    // Killed while staging the one-time export, then while acknowledging a delivered batch.
    await expect(run(crashingStore(rt.store, 'commit', 3))).rejects.toThrow(Crash);
    await expect(run(crashingStore(rt.store, 'commit', 6))).rejects.toThrow(Crash);
    expect((await run(rt.store)).outcome).toBe('up-to-date');
    // New pipelines through the journal, killed while deleting the entries of a delivered batch.
    advance(ws, { hours: 12, seed: 10 });
    await sync();
    await expect(run(crashingStore(rt.store, 'delete', 4))).rejects.toThrow(Crash);
    expect((await run(rt.store)).outcome).toBe('up-to-date');

    const clean = await newPool();
    await exportTo(clean.url);
    expect(await digest(killed.pool)).toEqual(await digest(clean.pool));
    const repos = await knownRepositories(rt, WORKSPACE);
    for (const repo of repos)
      expect(await inDatabase(killed.pool, repo.repoUuid)).toEqual(await stored(repo.repoUuid));
  }, 120_000);
});

it('names the workspace and repositories as Bitbucket does', async () => {
  const { pool, url } = await newPool();
  await exportTo(url);
  const { rows } = await pool.query<{ workspace_slug: string; slug: string }>(
    'SELECT workspace_slug, slug FROM repositories ORDER BY slug',
  );
  expect(rows).toEqual(
    ws.repos
      .map((r) => ({ workspace_slug: 'acme', slug: r.slug }))
      .sort((a, b) => a.slug.localeCompare(b.slug)),
  );
  expect(unwrapUuid(ws.repos[0]?.uuid ?? '')).toMatch(/^[0-9a-f-]{36}$/);
});
