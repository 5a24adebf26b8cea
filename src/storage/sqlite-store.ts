/**
 * The local store: one SQLite file with Forge KVS semantics and limits (see `limits.ts`), used by the command line
 * and the local runtime. Plain entries and versioned documents live in separate namespaces of one table, as on
 * Forge where documents are a custom entity and a plain key of the same name is a different thing.
 *
 * better-sqlite3 is synchronous; the methods still return Promises so callers treat every store alike.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  checkBatchSize,
  checkDocOps,
  checkKey,
  checkPrefix,
  checkQueryLimit,
  checkTtl,
  checkValue,
  FORGE_KVS_LIMITS,
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

export interface SqliteStoreOptions {
  /** A file path, or `':memory:'`. Missing folders are created. */
  path: string;
  /** Milliseconds since the epoch; injected so tests can move time past a TTL. */
  now?: () => number;
  /** Expired rows are deleted on open and after this many writes (reads ignore them either way). */
  sweepEveryWrites?: number;
  /**
   * Open an existing store for reading only (SQLite's own read-only mode): nothing is created, swept or written,
   * and every write is refused with `StoreReadOnlyError`.
   */
  readonly?: boolean;
}

/** The store file or its folder cannot be created or opened (e.g. the folder is not writable). */
export class StoreOpenError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cannot open the store at ${path}: ${reason}`, { cause });
    this.name = 'StoreOpenError';
  }
}

/** A write to a store opened read-only (e.g. by `report`). */
export class StoreReadOnlyError extends Error {
  constructor(
    readonly path: string,
    operation: string,
  ) {
    super(`the store at ${path} is open read-only: ${operation} refused`);
    this.name = 'StoreReadOnlyError';
  }
}

/** A query cursor that this store did not hand out for this prefix. */
export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`query cursor ${cursor.slice(0, 40)} does not belong to this query`);
    this.name = 'InvalidCursorError';
  }
}

type Namespace = 'kv' | 'doc';

interface Row {
  key: string;
  value: string;
  version: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  ns TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  version INTEGER NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (ns, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_expiry ON entries (expires_at) WHERE expires_at IS NOT NULL;
`;

/** Above every character a key may hold, so `[prefix, prefix + KEY_CEILING)` is exactly the keys with that prefix. */
const KEY_CEILING = '\u{10FFFF}';

/**
 * Values are written only through typed keys (`Key<T>`, `DocKey<T>`), so the text under a key is JSON of that T:
 * the key's type is the contract, and this is the one place that relies on it.
 */
function decodeStored<T>(text: string): T {
  const value: T = JSON.parse(text);
  return value;
}

function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, prefix: string): string {
  const lastKey = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!lastKey.startsWith(prefix)) throw new InvalidCursorError(cursor);
  return lastKey;
}

function openDatabase(path: string, readonly: boolean): Database.Database {
  try {
    if (readonly) return new Database(path, { readonly: true, fileMustExist: true });
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // The command line and a local worker may share the file: wait for the other writer instead of failing.
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    throw new StoreOpenError(path, error);
  }
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly now: () => number;
  private readonly sweepEveryWrites: number;
  private writesSinceSweep = 0;
  private readonly path: string;
  private readonly readonly: boolean;

  private readonly selectLive;
  private readonly upsert;
  private readonly remove;
  private readonly selectPage;
  private readonly sweepExpired;

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    this.readonly = options.readonly ?? false;
    this.db = openDatabase(options.path, this.readonly);
    this.now = options.now ?? Date.now;
    this.sweepEveryWrites = options.sweepEveryWrites ?? 500;
    this.selectLive = this.db.prepare<{ ns: Namespace; key: string; now: number }, Row>(
      'SELECT key, value, version FROM entries WHERE ns = @ns AND key = @key AND (expires_at IS NULL OR expires_at > @now)',
    );
    this.upsert = this.db.prepare<{
      ns: Namespace;
      key: string;
      value: string;
      version: number;
      expiresAt: number | null;
    }>(
      `INSERT INTO entries (ns, key, value, version, expires_at) VALUES (@ns, @key, @value, @version, @expiresAt)
       ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at`,
    );
    this.remove = this.db.prepare<{ ns: Namespace; key: string }>(
      'DELETE FROM entries WHERE ns = @ns AND key = @key',
    );
    this.selectPage = this.db.prepare<
      { from: string; below: string; after: string; now: number; limit: number },
      Pick<Row, 'key' | 'value'>
    >(
      `SELECT key, value FROM entries
       WHERE ns = 'kv' AND key >= @from AND key < @below AND key > @after AND (expires_at IS NULL OR expires_at > @now)
       ORDER BY key LIMIT @limit`,
    );
    this.sweepExpired = this.db.prepare<{ now: number }>(
      'DELETE FROM entries WHERE expires_at IS NOT NULL AND expires_at <= @now',
    );
    if (!this.readonly) this.sweep();
  }

  /** Deletes expired rows now; returns how many. */
  sweep(): number {
    this.refuseIfReadonly('sweep');
    this.writesSinceSweep = 0;
    return this.sweepExpired.run({ now: this.now() }).changes;
  }

  close(): void {
    this.db.close();
  }

  private refuseIfReadonly(operation: string): void {
    if (this.readonly) throw new StoreReadOnlyError(this.path, operation);
  }

  async get<T>(key: Key<T>): Promise<T | undefined> {
    checkKey(key);
    const row = this.selectLive.get({ ns: 'kv', key, now: this.now() });
    return row === undefined ? undefined : decodeStored<T>(row.value);
  }

  async getMany<T>(keys: Key<T>[]): Promise<Map<string, T>> {
    checkBatchSize(keys.length, 'getMany');
    keys.forEach(checkKey);
    const now = this.now();
    const found = new Map<string, T>();
    for (const key of keys) {
      const row = this.selectLive.get({ ns: 'kv', key, now });
      if (row !== undefined) found.set(key, decodeStored<T>(row.value));
    }
    return found;
  }

  async set<T>(key: Key<T>, value: T, options?: SetOptions): Promise<void> {
    this.write('kv', key, value, 0, options?.ttlSeconds);
  }

  async setIfAbsent<T>(key: Key<T>, value: T, options?: SetOptions): Promise<boolean> {
    this.refuseIfReadonly('setIfAbsent');
    checkKey(key);
    checkValue(key, value);
    checkTtl(key, options?.ttlSeconds);
    const insertIfAbsent = this.db.transaction((): boolean => {
      if (this.selectLive.get({ ns: 'kv', key, now: this.now() }) !== undefined) return false;
      this.write('kv', key, value, 0, options?.ttlSeconds);
      return true;
    });
    return insertIfAbsent.immediate();
  }

  async delete(key: Key<unknown>): Promise<void> {
    this.refuseIfReadonly('delete');
    checkKey(key);
    this.remove.run({ ns: 'kv', key });
  }

  async query<T>(prefix: KeyPrefix<T>, options?: { limit?: number; cursor?: string }): Promise<Page<T>> {
    checkPrefix(prefix);
    const limit = options?.limit ?? FORGE_KVS_LIMITS.maxQueryLimit;
    checkQueryLimit(limit);
    const after = options?.cursor === undefined ? '' : decodeCursor(options.cursor, prefix);
    // One row more than asked tells whether another page exists without a second query.
    const rows = this.selectPage.all({
      from: prefix,
      below: prefix + KEY_CEILING,
      after,
      now: this.now(),
      limit: limit + 1,
    });
    const pageRows = rows.slice(0, limit);
    const items = pageRows.map((row) => ({ key: row.key, value: decodeStored<T>(row.value) }));
    const last = pageRows[pageRows.length - 1];
    return rows.length > limit && last !== undefined ? { items, cursor: encodeCursor(last.key) } : { items };
  }

  async getDoc<T>(key: DocKey<T>): Promise<Versioned<T> | undefined> {
    checkKey(key);
    const row = this.selectLive.get({ ns: 'doc', key, now: this.now() });
    return row === undefined ? undefined : { value: decodeStored<T>(row.value), version: row.version };
  }

  async getDocs<T>(keys: DocKey<T>[]): Promise<Map<string, Versioned<T>>> {
    checkBatchSize(keys.length, 'getDocs');
    keys.forEach(checkKey);
    const now = this.now();
    const found = new Map<string, Versioned<T>>();
    for (const key of keys) {
      const row = this.selectLive.get({ ns: 'doc', key, now });
      if (row !== undefined) found.set(key, { value: decodeStored<T>(row.value), version: row.version });
    }
    return found;
  }

  async commit(ops: DocOp[]): Promise<void> {
    this.refuseIfReadonly('commit');
    checkDocOps(ops);
    // IMMEDIATE takes the write lock before the version checks, so no other writer can slip in between.
    this.db.transaction(() => this.applyChecked(ops)).immediate();
  }

  private applyChecked(ops: DocOp[]): void {
    const now = this.now();
    const mismatched = ops
      .filter(
        (op) => (this.selectLive.get({ ns: 'doc', key: op.key, now })?.version ?? 0) !== op.expectedVersion,
      )
      .map((op) => op.key);
    if (mismatched.length > 0) throw new StoreConflictError(mismatched);
    for (const op of ops) {
      if (op.kind === 'put') this.write('doc', op.key, op.value, op.expectedVersion + 1, op.ttlSeconds);
      else this.remove.run({ ns: 'doc', key: op.key });
    }
  }

  private write(
    ns: Namespace,
    key: string,
    value: unknown,
    version: number,
    ttlSeconds: number | undefined,
  ): void {
    this.refuseIfReadonly('write');
    checkKey(key);
    checkValue(key, value);
    checkTtl(key, ttlSeconds);
    const expiresAt = ttlSeconds === undefined ? null : this.now() + ttlSeconds * 1000;
    this.upsert.run({ ns, key, value: JSON.stringify(value), version, expiresAt });
    this.writesSinceSweep += 1;
    if (this.writesSinceSweep >= this.sweepEveryWrites) this.sweep();
  }
}
