/**
 * The worker's write path against a real PostgreSQL: migrations recorded once, a batch applied all or nothing, a
 * redelivered batch id skipped, the same records under a new id changing nothing, a newer pipeline run replacing
 * the older, and daily roll-ups (with MTTR) recomputed from the rows.
 */
import { Pool } from 'pg';
import { loadMigrations, migrate } from '../../history/src/db/migrate';
import { tableCounts } from '../../history/src/db/sql';
import { applyBatch } from '../../history/src/services/apply-batch';
import { startPostgres, type TestPostgres } from '../support/embedded-postgres';
import { aBatch, aPipeline, aRepository, anAttempt, REPO } from './records';

let server: TestPostgres;
let pool: Pool;

beforeAll(async () => {
  server = await startPostgres();
  pool = new Pool({ connectionString: await server.newDatabase(), max: 4 });
  await migrate(pool);
}, 90_000);
afterAll(async () => {
  await pool.end();
  await server.stop();
});

it('records each migration once, however often it runs', async () => {
  expect(await migrate(pool)).toEqual([]);
  const { rows } = await pool.query('SELECT version, name FROM schema_migrations ORDER BY version');
  expect(rows).toEqual(loadMigrations().map((m) => ({ version: m.version, name: m.name })));
});

it('applies a batch once; its redelivery and the same records under another id change nothing', async () => {
  const failing = anAttempt(2, {
    result: 'FAILED',
    category: 'test',
    cause: 'test-failure',
    fingerprint: 'fp-1',
    message: 'expected 1 to be 2',
    failedTests: [
      { id: 't1', name: 'suite › adds  numbers ✓ "quoted"', status: 'FAILED', durationSeconds: 0.25 },
    ],
    tests: { total: 10, successful: 9, failed: 1, error: 0, skipped: 0 },
  });
  const batch = aBatch('batch-0001', [
    aRepository(),
    aPipeline(1),
    anAttempt(1),
    aPipeline(2, { result: 'FAILED' }),
    failing,
  ]);
  const first = await applyBatch(pool, batch);
  expect(first.applied).toBe(true);
  expect(first.rows.pipelines).toEqual({ inserted: 2, updated: 0 });
  expect(first.rows.testResults).toEqual({ inserted: 1, updated: 0 });
  const counts = await tableCounts(pool);

  expect(await applyBatch(pool, batch)).toEqual({ applied: false, rows: {} });
  const again = await applyBatch(pool, { ...batch, id: 'batch-0002' });
  expect(again.applied).toBe(true);
  for (const count of Object.values(again.rows)) expect(count).toEqual({ inserted: 0, updated: 0 });
  expect(await tableCounts(pool)).toEqual({ ...counts, export_batches: (counts.export_batches ?? 0) + 1 });

  const { rows } = await pool.query('SELECT name, status, duration_seconds FROM test_results');
  expect(rows).toEqual([
    { name: 'suite › adds  numbers ✓ "quoted"', status: 'FAILED', duration_seconds: 0.25 },
  ]);
});

it('keeps the latest run of a pipeline and recomputes the roll-ups and MTTR of the days it touches', async () => {
  // Pipeline 2 failed at 10:10; a rerun of it (run 2) succeeds at 12:10: the branch was red for two hours.
  await applyBatch(
    pool,
    aBatch('batch-0003', [
      aRepository(),
      aPipeline(2, { runNumber: 2, result: 'SUCCESSFUL', completedOn: '2026-03-10T12:10:00.000Z' }),
    ]),
  );
  await applyBatch(
    pool,
    aBatch('batch-0004', [aRepository(), aPipeline(2, { runNumber: 1, result: 'FAILED' })]),
  );
  const p = await pool.query('SELECT run_number, result FROM pipelines WHERE build_number = 2');
  expect(p.rows).toEqual([{ run_number: 2, result: 'SUCCESSFUL' }]);
  const day = await pool.query(
    'SELECT pipelines, successful, failed FROM daily_repository_stats WHERE repository_uuid = $1',
    [REPO],
  );
  expect(day.rows).toEqual([{ pipelines: 2, successful: 2, failed: 0 }]);

  // Pipeline 3 fails at 11:10 on the next day, pipeline 4 succeeds at 13:40: one recovery of 2.5 hours.
  await applyBatch(
    pool,
    aBatch('batch-0005', [
      aRepository(),
      aPipeline(4, { createdOn: '2026-03-11T13:00:00.000Z', completedOn: '2026-03-11T13:40:00.000Z' }),
    ]),
  );
  await applyBatch(
    pool,
    aBatch('batch-0006', [
      aRepository(),
      aPipeline(3, {
        result: 'FAILED',
        createdOn: '2026-03-11T11:00:00.000Z',
        completedOn: '2026-03-11T11:10:00.000Z',
      }),
    ]),
  );
  const rec = await pool.query(
    'SELECT day::text, recoveries, recovery_seconds FROM daily_repository_stats ORDER BY day',
  );
  expect(rec.rows).toEqual([
    { day: '2026-03-10', recoveries: 0, recovery_seconds: 0 },
    { day: '2026-03-11', recoveries: 1, recovery_seconds: 9000 },
  ]);
  const steps = await pool.query('SELECT step_name, attempts, failed, billed_seconds FROM daily_step_stats');
  expect(steps.rows).toEqual([{ step_name: 'Unit tests', attempts: 2, failed: 1, billed_seconds: 1920 }]);
});
