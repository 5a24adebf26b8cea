/**
 * Forge KVS limits as data, and the checks every store runs before touching storage, so a call that Forge would
 * reject fails the same way locally.
 * Source: https://developer.atlassian.com/platform/forge/runtime-reference/storage-api/ and the KVS error tables.
 */
import { jsonBytes } from '../domain/json-size';
import { StoreLimitError, type DocOp } from './store';

export const FORGE_KVS_LIMITS = {
  maxKeyLength: 500,
  /** Forge's own pattern is `[a-zA-Z0-9:._\s-#]`, and a key may not be whitespace only. */
  keyPattern: /^[a-zA-Z0-9:._\s\-#]+$/,
  /** 240 KiB of UTF-8 JSON. */
  maxValueBytes: 245_760,
  /** Forge rejects values nested deeper than this (MAX_DEPTH). */
  maxValueDepth: 32,
  maxQueryLimit: 100,
  /** Operations per transaction, keys per batch get/set/delete. */
  maxBatchOps: 25,
  maxTtlSeconds: 365 * 24 * 60 * 60,
} as const;

const KEY_SHOWN_CHARS = 80;

/** The key as shown in error messages: long keys are cut so a message stays readable. */
export function describeKey(key: string): string {
  return key.length > KEY_SHOWN_CHARS ? `'${key.slice(0, KEY_SHOWN_CHARS)}…'` : `'${key}'`;
}

export function checkKey(key: string): void {
  if (key.length === 0) {
    throw new StoreLimitError('key limit: a key cannot be empty');
  }
  if (key.length > FORGE_KVS_LIMITS.maxKeyLength) {
    throw new StoreLimitError(
      `key limit: ${key.length} characters exceeds ${FORGE_KVS_LIMITS.maxKeyLength} for key ${describeKey(key)}`,
    );
  }
  if (!FORGE_KVS_LIMITS.keyPattern.test(key) || key.trim().length === 0) {
    throw new StoreLimitError(
      `key limit: key ${describeKey(key)} has characters outside [a-zA-Z0-9:._\\s-#]`,
    );
  }
}

/** A prefix follows the key rules too: Forge's `beginsWith` compares against keys of that alphabet. */
export function checkPrefix(prefix: string): void {
  checkKey(prefix);
}

/** UTF-8 size of a value as Forge measures it (its JSON text). */
export { jsonBytes };

/**
 * A versioned document as the stores write it: on Forge the value of the custom entity `doc`, whose `version`
 * attribute is the transaction condition. The 240 KiB limit applies to this record, not to the data alone.
 */
export interface DocRecord<T = unknown> {
  version: number;
  data: T;
}

export function docRecord<T>(data: T, version: number): DocRecord<T> {
  return { version, data };
}

/** The most JSON bytes a document's data may take so that its record fits a KVS value at any version. */
export const MAX_DOC_DATA_BYTES =
  FORGE_KVS_LIMITS.maxValueBytes - (jsonBytes(docRecord(0, Number.MAX_SAFE_INTEGER)) - jsonBytes(0));

function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child));
    if (deepest > FORGE_KVS_LIMITS.maxValueDepth) break;
  }
  return deepest + 1;
}

/** Checks that `value` is storable JSON within size and depth limits; returns its size in bytes. */
export function checkValue(key: string, value: unknown): number {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    throw new StoreLimitError(`value limit: the value for key ${describeKey(key)} is not JSON`);
  }
  const bytes = jsonBytes(value);
  if (bytes > FORGE_KVS_LIMITS.maxValueBytes) {
    throw new StoreLimitError(
      `value size limit: ${bytes} bytes exceeds ${FORGE_KVS_LIMITS.maxValueBytes} (240 KiB) for key ${describeKey(key)}`,
    );
  }
  const depth = depthOf(value);
  if (depth > FORGE_KVS_LIMITS.maxValueDepth) {
    throw new StoreLimitError(
      `value depth limit: nesting deeper than ${FORGE_KVS_LIMITS.maxValueDepth} for key ${describeKey(key)}`,
    );
  }
  return bytes;
}

export function checkQueryLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > FORGE_KVS_LIMITS.maxQueryLimit) {
    throw new StoreLimitError(`query limit: ${limit} is outside 1..${FORGE_KVS_LIMITS.maxQueryLimit}`);
  }
}

/** `what` names the call ("getMany", "commit") so the message says which batch was too big. */
export function checkBatchSize(count: number, what: string): void {
  if (count > FORGE_KVS_LIMITS.maxBatchOps) {
    throw new StoreLimitError(
      `batch limit: ${what} with ${count} operations exceeds ${FORGE_KVS_LIMITS.maxBatchOps}`,
    );
  }
}

/** Forge allows each key once per transaction. */
export function checkUniqueKeys(keys: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) {
      throw new StoreLimitError(`transaction limit: ${what} uses key ${describeKey(key)} more than once`);
    }
    seen.add(key);
  }
}

export function checkTtl(key: string, ttlSeconds: number | undefined): void {
  if (ttlSeconds === undefined) return;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > FORGE_KVS_LIMITS.maxTtlSeconds) {
    throw new StoreLimitError(
      `TTL limit: ${ttlSeconds} s is outside 1..${FORGE_KVS_LIMITS.maxTtlSeconds} (1 year) for key ${describeKey(key)}`,
    );
  }
}

/**
 * Everything `commit` must satisfy before it runs: batch size, unique keys, and each op's key, TTL and value, measured
 * as the record the store writes (`docRecord`).
 */
export function checkDocOps(ops: readonly DocOp[]): void {
  checkBatchSize(ops.length, 'commit');
  checkUniqueKeys(
    ops.map((op) => op.key),
    'commit',
  );
  for (const op of ops) {
    checkKey(op.key);
    if (op.kind === 'put') {
      checkValue(op.key, docRecord(op.value, op.expectedVersion + 1));
      checkTtl(op.key, op.ttlSeconds);
    }
  }
}
