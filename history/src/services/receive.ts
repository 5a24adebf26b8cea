/**
 * The receiver: storage first. A delivery is checked in a fixed order (size, then the signature with its replay
 * window, then the versioned schema) and only then kept: the raw batch goes to the raw store (S3), and a small
 * message naming it goes to the queue (SQS), whose worker writes PostgreSQL. A refused batch is answered with a
 * clear reason and nothing is stored.
 */
import { BatchSchemaError, MAX_BATCH_BYTES, parseBatch } from '../contract';
import { SignatureError, verifyBatch } from '../signing';

export interface RawBatchStore {
  put(key: string, body: string): Promise<void>;
  get(key: string): Promise<string>;
}

/** What the queue carries: the batch's id and where its raw body is kept (an SQS message holds at most 256 KiB). */
export interface QueuedBatch {
  id: string;
  workspace: string;
  rawKey: string;
}

export interface BatchQueue {
  send(message: QueuedBatch): Promise<void>;
}

export interface ReceiveDeps {
  /** The shared secret, or two during a rotation. */
  secrets: () => Promise<string[]>;
  raw: RawBatchStore;
  queue: BatchQueue;
  now: () => Date;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Headroom over the batch limit for what a sender may add (whitespace, a newer field): past it, 413. */
const MAX_BODY_BYTES = MAX_BATCH_BYTES + 16_384;

/** `batches/<workspace>/<yyyy>/<mm>/<dd>/<id>.json`: one object per batch id, by the day the app made it. */
export function rawKeyOf(b: { workspace: string; createdAt: string; id: string }): string {
  const day = new Date(b.createdAt).toISOString().slice(0, 10).replace(/-/g, '/');
  const workspace = b.workspace.replace(/[^A-Za-z0-9._-]/g, '_');
  return `batches/${workspace}/${day}/${b.id}.json`;
}

export async function receiveBatch(
  deps: ReceiveDeps,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): Promise<Answer> {
  if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) {
    return {
      status: 413,
      body: { error: 'too-large', message: `a batch is at most ${MAX_BATCH_BYTES} bytes` },
    };
  }
  let id: string;
  try {
    id = verifyBatch(await deps.secrets(), headers, body, deps.now());
  } catch (error) {
    if (error instanceof SignatureError)
      return { status: 401, body: { error: error.reason, message: error.message } };
    throw error;
  }
  let batch;
  try {
    batch = parseBatch(body);
  } catch (error) {
    if (error instanceof BatchSchemaError)
      return { status: 400, body: { error: 'invalid-batch', message: error.message } };
    throw error;
  }
  if (batch.id !== id) {
    return { status: 400, body: { error: 'invalid-batch', message: 'webhook-id and the batch id differ' } };
  }
  if (batch.test)
    return {
      status: 200,
      body: { test: true, id, message: 'signature and schema verified; nothing stored' },
    };
  const rawKey = rawKeyOf(batch);
  await deps.raw.put(rawKey, body);
  await deps.queue.send({ id, workspace: batch.workspace, rawKey });
  return { status: 202, body: { accepted: id, records: batch.records.length } };
}
