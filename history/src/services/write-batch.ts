/**
 * The worker's job for one queued batch: read its raw body back from the raw store, validate it again (the raw store
 * is also how a batch is reprocessed by hand, so it is not trusted blindly), and apply it.
 */
import type { Pool } from 'pg';
import { parseBatch } from '../contract';
import { applyBatch, type ApplyOutcome } from './apply-batch';
import type { QueuedBatch, RawBatchStore } from './receive';

export async function writeQueuedBatch(
  pool: Pool,
  raw: RawBatchStore,
  message: QueuedBatch,
): Promise<ApplyOutcome> {
  const batch = parseBatch(await raw.get(message.rawKey));
  if (batch.id !== message.id)
    throw new Error(`raw batch ${message.rawKey} holds batch ${batch.id}, not ${message.id}`);
  return applyBatch(pool, batch, { rawKey: message.rawKey });
}
