/**
 * The storage port over Forge KVS (`@forge/kvs`).
 *
 * Plain entries are plain KVS keys. Versioned documents are the custom entity `doc`, stored as
 * `{ version, data }`; `commit` is one KVS transaction whose conditions compare each document's `version`
 * attribute with the version the caller read, so concurrent consumers cannot overwrite each other.
 *
 * The manifest must declare the entity (see DOC_ENTITY_ATTRIBUTES):
 *   app.storage.entities: [{ name: doc, attributes: { version: { type: integer }, data: { type: any } } }]
 */
import { kvs as forgeKvs, Filter, FilterConditions, ForgeKvsAPIError, WhereConditions } from '@forge/kvs';
import type { BatchGetResult, PolicySetOptions, SetOptions as KvsSetOptions } from '@forge/kvs';
import type { BatchGetItem } from '@forge/kvs/out/interfaces/kvs-api';
import type { QueryBuilder } from '@forge/kvs/out/interfaces/query';
import type { TransactionBuilder } from '@forge/kvs/out/interfaces/transaction';
import { z } from 'zod';
import {
  checkBatchSize,
  checkDocOps,
  checkKey,
  checkPrefix,
  checkQueryLimit,
  checkTtl,
  checkValue,
  docRecord,
  FORGE_KVS_LIMITS,
  type DocRecord,
} from './limits';
import {
  StoreConflictError,
  type DocKey,
  type DocOp,
  type Key,
  type KeyPrefix,
  type Page,
  type SetOptions,
  type Store,
  type Versioned,
} from './store';

/** The custom entity holding versioned documents; the manifest declares it with these attributes. */
export const DOC_ENTITY_NAME = 'doc';
export const DOC_ENTITY_ATTRIBUTES = {
  version: { type: 'integer' },
  data: { type: 'any' },
} as const;

/** What a document looks like inside the `doc` entity (see `docRecord` in limits.ts). */
export type { DocRecord };

/** Versions drive the transaction conditions, so a stored one must be a positive integer. */
const docVersionSchema = z.number().int().positive();

/** The parts of the `kvs` object this adapter calls; the real `kvs` export satisfies it, and so does a fake. */
export interface KvsClient {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, options?: KvsSetOptions | PolicySetOptions): Promise<void>;
  delete(key: string): Promise<void>;
  batchGet<T>(items: BatchGetItem[]): Promise<BatchGetResult<T>>;
  query(): QueryBuilder;
  entity<T>(entityName: string): { get(key: string): Promise<T | undefined> };
  transact(): TransactionBuilder;
}

export interface ForgeKvsStoreOptions {
  /** Defaults to the real `kvs` from `@forge/kvs`. */
  kvs?: KvsClient;
}

/** Forge answered a batch read with keys it could not read (other than "not found"). */
export class KvsBatchReadError extends Error {
  constructor(readonly failures: { key: string; code: string }[]) {
    super(`KVS batch read failed for ${failures.length} key(s): ${failures.map((f) => f.code).join(', ')}`);
    this.name = 'KvsBatchReadError';
  }
}

/**
 * Whether an error from `kvs.set(..., { keyPolicy: 'FAIL_IF_EXISTS' })` means "the key already exists".
 *
 * Assumption (not documented, not in the package source): `@forge/kvs` turns every non-2xx answer into a
 * `ForgeKvsAPIError` carrying the HTTP status and the body's `code` (see `utils/error-handling.js`), but the code
 * Forge sends for an existing key is not published. We accept HTTP 409 or a code that names an existing key or a
 * conflict, and let every other error through. This is the only place that knows.
 */
export function isKeyExistsError(error: unknown): boolean {
  if (!(error instanceof ForgeKvsAPIError)) return false;
  return error.responseDetails.status === 409 || /ALREADY_EXISTS|KEY_EXISTS|CONFLICT/.test(error.code);
}

/**
 * Whether an error from `transact().execute()` means "a condition did not hold" (someone else wrote first).
 *
 * Assumption (not documented): as for `isKeyExistsError`, the error is a `ForgeKvsAPIError`; a failed condition
 * is answered with HTTP 409 or 412, or a code naming a condition, conflict or cancelled transaction. Limits and
 * rate limits (400, 429) are not conflicts and pass through.
 */
export function isConditionFailedError(error: unknown): boolean {
  if (!(error instanceof ForgeKvsAPIError)) return false;
  const { status } = error.responseDetails;
  return status === 409 || status === 412 || /CONDITION|CONFLICT|TRANSACTION_CANCEL/.test(error.code);
}

/** Batch reads report a missing key as a failed key with this kind of code rather than leaving it out. */
function isNotFoundCode(code: string): boolean {
  return code === 'KEY_NOT_FOUND' || code === 'NOT_FOUND';
}

function ttlOption(ttlSeconds: number | undefined): KvsSetOptions | undefined {
  return ttlSeconds === undefined ? undefined : { ttl: { value: ttlSeconds, unit: 'SECONDS' } };
}

/** The transaction condition for "the document is still at the version the caller read" (0 = absent). */
function versionCondition(expectedVersion: number) {
  return new Filter<DocRecord>().and(
    'version',
    expectedVersion === 0 ? FilterConditions.notExists() : FilterConditions.equalTo(expectedVersion),
  );
}

/** A stored document without a valid version cannot take part in a transaction: a broken invariant. */
export class MalformedDocError extends Error {
  constructor(readonly key: string) {
    super(`entity ${DOC_ENTITY_NAME} holds a document without a valid version at ${key}`);
    this.name = 'MalformedDocError';
  }
}

/** The data was written through a typed `DocKey<T>`, so its type comes from the key; the version is checked. */
function toVersioned<T>(key: string, record: DocRecord<T>): Versioned<T> {
  const version = docVersionSchema.safeParse(record.version);
  if (!version.success) throw new MalformedDocError(key);
  return { value: record.data, version: version.data };
}

export class ForgeKvsStore implements Store {
  private readonly kvs: KvsClient;

  constructor(options: ForgeKvsStoreOptions = {}) {
    this.kvs = options.kvs ?? forgeKvs;
  }

  async get<T>(key: Key<T>): Promise<T | undefined> {
    checkKey(key);
    return this.kvs.get<T>(key);
  }

  async getMany<T>(keys: Key<T>[]): Promise<Map<string, T>> {
    return this.batchRead<T>(keys, undefined, 'getMany');
  }

  async set<T>(key: Key<T>, value: T, options?: SetOptions): Promise<void> {
    checkKey(key);
    checkValue(key, value);
    checkTtl(key, options?.ttlSeconds);
    await this.kvs.set(key, value, ttlOption(options?.ttlSeconds));
  }

  async setIfAbsent<T>(key: Key<T>, value: T, options?: SetOptions): Promise<boolean> {
    checkKey(key);
    checkValue(key, value);
    checkTtl(key, options?.ttlSeconds);
    try {
      await this.kvs.set(key, value, { ...ttlOption(options?.ttlSeconds), keyPolicy: 'FAIL_IF_EXISTS' });
      return true;
    } catch (error) {
      if (isKeyExistsError(error)) return false;
      throw error;
    }
  }

  async delete(key: Key<unknown>): Promise<void> {
    checkKey(key);
    await this.kvs.delete(key);
  }

  async query<T>(prefix: KeyPrefix<T>, options?: { limit?: number; cursor?: string }): Promise<Page<T>> {
    checkPrefix(prefix);
    const limit = options?.limit ?? FORGE_KVS_LIMITS.maxQueryLimit;
    checkQueryLimit(limit);
    let builder = this.kvs.query().where('key', WhereConditions.beginsWith(prefix)).limit(limit);
    if (options?.cursor !== undefined) builder = builder.cursor(options.cursor);
    const { results, nextCursor } = await builder.getMany<T>();
    const items = results.map((result) => ({ key: result.key, value: result.value }));
    return nextCursor === undefined ? { items } : { items, cursor: nextCursor };
  }

  async getDoc<T>(key: DocKey<T>): Promise<Versioned<T> | undefined> {
    checkKey(key);
    const record = await this.kvs.entity<DocRecord<T>>(DOC_ENTITY_NAME).get(key);
    return record === undefined ? undefined : toVersioned(key, record);
  }

  async getDocs<T>(keys: DocKey<T>[]): Promise<Map<string, Versioned<T>>> {
    const records = await this.batchRead<DocRecord<T>>(keys, DOC_ENTITY_NAME, 'getDocs');
    const found = new Map<string, Versioned<T>>();
    for (const [key, record] of records) found.set(key, toVersioned(key, record));
    return found;
  }

  async commit(ops: DocOp[]): Promise<void> {
    checkDocOps(ops);
    if (ops.length === 0) return;
    const transaction = this.kvs.transact();
    for (const op of ops) {
      const entity = { entityName: DOC_ENTITY_NAME, conditions: versionCondition(op.expectedVersion) };
      if (op.kind === 'put') {
        transaction.set<DocRecord>(
          op.key,
          docRecord(op.value, op.expectedVersion + 1),
          entity,
          ttlOption(op.ttlSeconds),
        );
      } else {
        transaction.delete<DocRecord>(op.key, entity);
      }
    }
    try {
      await transaction.execute();
    } catch (error) {
      if (!isConditionFailedError(error)) throw error;
      throw new StoreConflictError(await this.mismatchedKeys(ops));
    }
  }

  /**
   * Forge does not say which condition failed; one re-read names the documents that moved, so the caller's
   * error lists them as the SQLite store's does. If they all match again by now, every key is reported.
   */
  private async mismatchedKeys(ops: DocOp[]): Promise<string[]> {
    const current = await this.getDocs(ops.map((op) => op.key));
    const moved = ops
      .filter((op) => (current.get(op.key)?.version ?? 0) !== op.expectedVersion)
      .map((op) => op.key);
    return moved.length > 0 ? moved : ops.map((op) => op.key);
  }

  private async batchRead<T>(
    keys: string[],
    entityName: string | undefined,
    what: string,
  ): Promise<Map<string, T>> {
    checkBatchSize(keys.length, what);
    keys.forEach(checkKey);
    const unique = [...new Set(keys)];
    const found = new Map<string, T>();
    if (unique.length === 0) return found;
    const items = unique.map((key): BatchGetItem =>
      entityName === undefined ? { key } : { key, entityName },
    );
    const result = await this.kvs.batchGet<T>(items);
    const failures = result.failedKeys
      .filter((failed) => !isNotFoundCode(failed.error.code))
      .map((failed) => ({ key: failed.key, code: failed.error.code }));
    if (failures.length > 0) throw new KvsBatchReadError(failures);
    for (const item of result.successfulKeys) found.set(item.key, item.value);
    return found;
  }
}
