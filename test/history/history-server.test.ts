/**
 * `history-server` end to end: the app's `export --to` sends signed batches over HTTP to the local receiver, which
 * writes them through the worker's code; a forged or stale delivery is refused and writes nothing; the read API
 * answers with an API key only; the monthly report gives its figures in JSON and HTML.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { exportCommand } from '../../src/cli/history-commands';
import { daysAgo } from '../../src/domain/time';
import { openLocalRuntime, type LocalRuntime } from '../../src/local/runtime';
import { runSync } from '../../src/local/sync';
import { knownRepositories } from '../../src/services/sweep';
import { generateWorkspace, startSimServer, type SimServer, type SimWorkspace } from '../../src/sim';
import { migrate } from '../../history/src/db/migrate';
import { tableCounts } from '../../history/src/db/sql';
import { folderRawStore } from '../../history/src/local/folder-raw-store';
import { startHistoryServer, type RunningServer } from '../../history/src/local/server';
import { buildMonthlyReport } from '../../history/src/services/monthly-report';
import { renderMonthlyHtml } from '../../history/src/services/report-html';
import { newSigningSecret, signBatch } from '../../history/src/signing';
import { startPostgres, type TestPostgres } from '../support/embedded-postgres';
import { aBatch, aPipeline, aRepository } from './records';

const NOW = new Date('2026-03-02T12:00:00Z');
const SECRET = newSigningSecret();
const API_KEY = 'read-api-key-for-tests-0123456789';
const silent = { info: () => undefined, warn: () => undefined };

let pg: TestPostgres;
let pool: Pool;
let server: RunningServer;
let sim: SimServer;
let ws: SimWorkspace;
let rt: LocalRuntime;
const dirs: string[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  pool = new Pool({ connectionString: await pg.newDatabase(), max: 4 });
  await migrate(pool);
  const raw = mkdtempSync(path.join(tmpdir(), 'pi-history-raw-'));
  dirs.push(raw);
  server = await startHistoryServer({
    pool,
    secrets: [SECRET],
    apiKeys: [API_KEY],
    raw: folderRawStore(raw),
    port: 0,
    now: () => new Date(),
  });
  ws = generateWorkspace({ seed: 21, now: NOW, days: 6 });
  sim = await startSimServer({ workspace: ws });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pi-history-server-'));
  dirs.push(dataDir);
  rt = openLocalRuntime({ dataDir, apiUrl: sim.apiUrl, env: {}, log: silent, now: () => new Date(ws.now) });
  const synced = await runSync(rt, {
    workspace: 'acme',
    since: daysAgo(NOW, 8),
    progress: false,
    out: { write: () => true } as unknown as NodeJS.WritableStream,
  });
  expect(synced.failures).toEqual([]);
}, 120_000);

afterAll(async () => {
  await server.close();
  await pool.end();
  rt.close();
  await sim.close();
  await pg.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function post(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/batches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function get(
  p: string,
  key: string | null = API_KEY,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${p}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the receiver over HTTP', () => {
  it('refuses forged, stale and malformed batches and writes nothing', async () => {
    const body = JSON.stringify(aBatch('pi-forged-001', [aRepository(), aPipeline(1)]));
    const forged = await post(body, signBatch(newSigningSecret(), 'pi-forged-001', body, new Date()));
    expect(forged).toMatchObject({ status: 401, body: { error: 'bad-signature' } });
    const stale = await post(
      body,
      signBatch(SECRET, 'pi-forged-001', body, new Date(Date.now() - 10 * 60_000)),
    );
    expect(stale).toMatchObject({ status: 401, body: { error: 'too-old' } });
    const bad = JSON.stringify({ ...JSON.parse(body), records: [{ type: 'pipeline' }] });
    const invalid = await post(bad, signBatch(SECRET, 'pi-forged-001', bad, new Date()));
    expect(invalid.status).toBe(400);
    expect(String(invalid.body.message)).toMatch(/^invalid batch: records\.0/);
    expect(await tableCounts(pool)).toMatchObject({ repositories: 0, pipelines: 0, export_batches: 0 });
  });

  it('export --to sends signed batches that land as the same rows a direct export writes; a second run sends none', async () => {
    let text = '';
    const out = { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream;
    expect(
      await exportCommand(
        rt,
        { workspace: 'acme', to: `${server.url}/batches` },
        { HISTORY_SECRET: SECRET },
        out,
      ),
    ).toBe(0);
    expect(text).toMatch(/^exported [1-9]\d* records in [1-9]\d* batches to http/);
    expect(text).not.toContain(SECRET);
    const viaHttp = await tableCounts(pool);

    const direct = new Pool({ connectionString: await pg.newDatabase(), max: 2 });
    try {
      const url = (direct.options as { connectionString: string }).connectionString;
      expect(
        await exportCommand(rt, { workspace: 'acme', 'database-url': url }, {}, {
          write: () => true,
        } as unknown as NodeJS.WritableStream),
      ).toBe(0);
      const { export_batches: _a, ...a } = viaHttp;
      const { export_batches: _b, ...b } = await tableCounts(direct);
      expect(a).toEqual(b);
    } finally {
      await direct.end();
    }
    // Back to the receiver: a new destination, so a full export again; the receiver's upserts change nothing.
    for (let run = 0; run < 2; run++) {
      text = '';
      expect(
        await exportCommand(
          rt,
          { workspace: 'acme', to: `${server.url}/batches` },
          { HISTORY_SECRET: SECRET },
          out,
        ),
      ).toBe(0);
    }
    expect(text).toMatch(/^exported 0 records in 0 batches/);
    const { export_batches: _c, ...after } = await tableCounts(pool);
    const { export_batches: _d, ...before } = viaHttp;
    expect(after).toEqual(before);
  });
});

describe('the read API', () => {
  it('answers only with an API key', async () => {
    expect((await get('/api/v1/repositories', null)).status).toBe(401);
    expect((await get('/api/v1/repositories', 'wrong-key')).status).toBe(401);
  });

  it('lists repositories, pipelines by page, metrics, flaky tests and suggestions', async () => {
    const repos = (await get('/api/v1/repositories?workspace=acme')).body.repositories as {
      uuid: string;
      slug: string;
    }[];
    expect(repos.map((r) => r.slug).sort()).toEqual(
      (await knownRepositories(rt, 'acme')).map((r) => r.repoSlug).sort(),
    );
    const repo = repos.find((r) => r.slug === 'web-app');
    expect(repo).toBeDefined();
    const base = `/api/v1/repositories/${repo?.uuid}`;
    const from = daysAgo(NOW, 10).toISOString();
    const to = new Date(NOW.getTime() + 86_400_000).toISOString();
    const page1 = await get(`${base}/pipelines?from=${from}&to=${to}&limit=5`);
    expect(page1.status).toBe(200);
    expect(page1.body.pipelines).toHaveLength(5);
    const page2 = await get(
      `${base}/pipelines?from=${from}&to=${to}&limit=5&before=${encodeURIComponent(String(page1.body.next))}`,
    );
    const ids = [
      ...(page1.body.pipelines as { uuid: string }[]),
      ...(page2.body.pipelines as { uuid: string }[]),
    ].map((p) => p.uuid);
    expect(new Set(ids).size).toBe(ids.length);
    const total = await pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM pipelines WHERE repository_uuid = $1',
      [repo?.uuid],
    );
    const days = (await get(`${base}/metrics?from=${from.slice(0, 10)}&to=${to.slice(0, 10)}`)).body.days as {
      pipelines: number;
    }[];
    expect(days.reduce((n, d) => n + d.pipelines, 0)).toBe(Number(total.rows[0]?.n));
    expect((await get(`${base}/flaky-tests`)).status).toBe(200);
    expect((await get(`${base}/suggestions`)).body.suggestions).toEqual(expect.any(Array));
    expect((await get(`${base}/pipelines?from=${to}&to=${from}`)).body).toMatchObject({
      error: 'invalid',
      message: expect.stringMatching(/to must be after from/),
    });
    expect((await get('/api/v1/repositories/not-a-uuid/pipelines')).status).toBe(400);
  });
});

describe('the monthly report', () => {
  it('gives each repository its pipelines, success rate, MTTR, build minutes and flaky tests, and renders them', async () => {
    const report = await buildMonthlyReport(pool, {
      workspace: 'acme',
      month: '2026-02',
      months: 3,
      now: NOW,
    });
    expect(report.months).toEqual(['2025-12', '2026-01', '2026-02']);
    const feb = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pipelines WHERE created_on >= '2026-02-01' AND created_on < '2026-03-01'`,
    );
    expect(report.totals.pipelines).toBe(Number(feb.rows[0]?.n));
    expect(report.totals.pipelines).toBeGreaterThan(0);
    for (const r of report.repositories) {
      expect(r).toEqual(
        expect.objectContaining({
          slug: expect.any(String),
          pipelines: expect.any(Number),
          buildMinutes: expect.any(Number),
          flakyTests: expect.any(Number),
        }),
      );
      expect(r.trend.map((t) => t.month)).toEqual(report.months);
    }
    expect(report.repositories.some((r) => r.successRate !== undefined && r.successRate < 1)).toBe(true);
    expect(report.topFailures.length).toBeGreaterThan(0);
    const html = renderMonthlyHtml(report);
    expect(html).toContain('<h1>Pipelines of acme: 2026-02</h1>');
    for (const r of report.repositories) expect(html).toContain(r.fullName ?? r.slug);
  });
});
