/**
 * The storage port. Two adapters implement it: Forge KVS (`forge-kvs-store.ts`) and an embedded SQLite store
 * (`sqlite-store.ts`) that enforces Forge's limits, so what would break on Forge breaks locally too.
 *
 * Two kinds of value:
 * - plain entries (`Key<T>`): set/get/delete, prefix queries, optional TTL, create-only writes. On Forge these are
 *   plain KVS keys (`kvs.set`, `kvs.query().where('key', WhereConditions.beginsWith(prefix))`).
 * - versioned documents (`DocKey<T>`): read with their version, written by `commit` with an expected version, so
 *   read-modify-write is safe under concurrent consumers. On Forge these live in the custom entity `doc`, whose
 *   numeric `version` attribute is the transaction condition.
 *
 * Limits (https://developer.atlassian.com/platform/forge/runtime-reference/storage-api/): keys ≤ 500 chars of
 * `[a-zA-Z0-9:._\s-#]`, values ≤ 240 KiB, ≤ 100 results per query page, ≤ 25 operations per transaction or batch.
 */

declare const keyBrand: unique symbol;
declare const docBrand: unique symbol;

/** A plain key whose value has type T. Build only through `src/storage/keys.ts`. */
export type Key<T> = string & { readonly [keyBrand]: T };
/** A key prefix whose entries have type T. */
export type KeyPrefix<T> = string & { readonly [keyBrand]: T; readonly prefix: true };
/** A versioned document key whose value has type T. */
export type DocKey<T> = string & { readonly [docBrand]: T };

export interface SetOptions {
  /** Expire the entry after this many seconds (Forge: ≤ 1 year). */
  ttlSeconds?: number;
}

export interface Entry<T> {
  key: string;
  value: T;
}

export interface Page<T> {
  items: Entry<T>[];
  /** Present when more results exist; pass back to get the next page. Never persist it. */
  cursor?: string;
}

export interface Versioned<T> {
  value: T;
  /** ≥ 1 for a stored document. */
  version: number;
}

export type DocOp =
  /** Write `value` if the document's current version is `expectedVersion` (0 = it must not exist yet). */
  | { kind: 'put'; key: DocKey<unknown>; value: unknown; expectedVersion: number; ttlSeconds?: number }
  /** Delete if the current version is `expectedVersion`. */
  | { kind: 'delete'; key: DocKey<unknown>; expectedVersion: number };

/** Raised by `commit` when any op's expected version does not match: nothing was written. Re-read and retry. */
export class StoreConflictError extends Error {
  constructor(readonly keys: string[]) {
    super(`storage conflict on ${keys.length} document(s)`);
    this.name = 'StoreConflictError';
  }
}

/** Raised when a call would break a Forge storage limit (key, value size, page size, operations). */
export class StoreLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreLimitError';
  }
}

export interface Store {
  get<T>(key: Key<T>): Promise<T | undefined>;
  /** At most 25 keys (the Forge batch limit); missing keys are absent from the map. */
  getMany<T>(keys: Key<T>[]): Promise<Map<string, T>>;
  set<T>(key: Key<T>, value: T, options?: SetOptions): Promise<void>;
  /** Create-only write (Forge `keyPolicy: 'FAIL_IF_EXISTS'`). Resolves false when the key already existed. */
  setIfAbsent<T>(key: Key<T>, value: T, options?: SetOptions): Promise<boolean>;
  delete(key: Key<unknown>): Promise<void>;
  /** Entries whose key starts with `prefix`, in key order; `limit` ≤ 100. */
  query<T>(prefix: KeyPrefix<T>, options?: { limit?: number; cursor?: string }): Promise<Page<T>>;

  getDoc<T>(key: DocKey<T>): Promise<Versioned<T> | undefined>;
  /** At most 25 keys; missing documents are absent from the map. */
  getDocs<T>(keys: DocKey<T>[]): Promise<Map<string, Versioned<T>>>;
  /** Atomic: all ops or none (≤ 25 ops). Throws StoreConflictError when a version does not match. */
  commit(ops: DocOp[]): Promise<void>;
}

/** What a store did: the cost we measure per pipeline (Forge bills writes by the byte). */
export interface StoreStats {
  reads: number;
  writes: number;
  bytesWritten: number;
  bytesRead: number;
}
