/**
 * Writes one validated batch into PostgreSQL, all or nothing: the batch id is claimed first (a redelivered batch
 * is recognised and skipped), then every table is upserted by natural key, then the daily roll-ups of the days the
 * batch touched are recomputed. The worker Lambda and the local `export --database-url` both call this.
 */
import type { Pool } from 'pg';
import type { ExportBatch } from '../contract';
import { rowsOfBatch } from '../rows';
import {
  claimBatch,
  inTransaction,
  lockRepositories,
  recomputeRecoveries,
  recomputeRepositoryDays,
  recomputeStepDays,
  TABLES,
  upsert,
  type UpsertCount,
} from '../db/sql';

export interface ApplyOutcome {
  /** False when this batch id had been applied before: nothing was written. */
  applied: boolean;
  rows: Partial<Record<keyof typeof TABLES, UpsertCount>>;
}

export async function applyBatch(
  pool: Pool,
  batch: ExportBatch,
  opts: { rawKey?: string } = {},
): Promise<ApplyOutcome> {
  if (batch.test) return { applied: false, rows: {} };
  const rows = rowsOfBatch(batch);
  return inTransaction(pool, async (db) => {
    const claimed = await claimBatch(db, {
      id: batch.id,
      workspace: batch.workspace,
      createdAt: batch.createdAt,
      records: batch.records.length,
      rawKey: opts.rawKey,
    });
    if (!claimed) return { applied: false, rows: {} };
    const touched = new Set([...rows.repositoryDays.keys(), ...rows.stepDays.keys()]);
    await lockRepositories(db, [...touched]);
    const out: ApplyOutcome = { applied: true, rows: {} };
    for (const name of Object.keys(TABLES) as (keyof typeof TABLES)[]) {
      const list = rows[name];
      if (list.length) out.rows[name] = await upsert(db, TABLES[name], list);
    }
    await recomputeRepositoryDays(db, rows.repositoryDays);
    await recomputeRecoveries(db, rows.repositoryDays);
    await recomputeStepDays(db, rows.stepDays);
    return out;
  });
}
