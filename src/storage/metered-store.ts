/**
 * Wraps any store and counts what it did, in the units Forge bills: read and write operations and the bytes
 * moved (Forge charges writes per byte, about 20× reads). Used to measure storage cost per ingested pipeline.
 */
import { jsonBytes } from './limits';
import {
  StoreConflictError,
  type DocKey,
  type DocOp,
  type Key,
  type KeyPrefix,
  type Page,
  type SetOptions,
  type Store,
  type StoreStats,
  type Versioned,
} from './store';

export interface MeteredStoreStats extends StoreStats {
  /** Commits rejected with StoreConflictError (they wrote nothing, so they add no writes). */
  conflicts: number;
  /** Bytes written by key area (the key up to its first `:`, e.g. `track`, `attempt`): where the bytes go. */
  bytesWrittenByArea: Record<string, number>;
}

/** A write or read moves the key and the value's JSON; a delete moves only the key. */
function entryBytes(key: string, value?: unknown): number {
  return Buffer.byteLength(key, 'utf8') + (value === undefined ? 0 : jsonBytes(value));
}

function emptyStats(): MeteredStoreStats {
  return { reads: 0, writes: 0, bytesWritten: 0, bytesRead: 0, conflicts: 0, bytesWrittenByArea: {} };
}

export class MeteredStore implements Store {
  private counts = emptyStats();

  constructor(private readonly inner: Store) {}

  stats(): MeteredStoreStats {
    return { ...this.counts, bytesWrittenByArea: { ...this.counts.bytesWrittenByArea } };
  }

  reset(): void {
    this.counts = emptyStats();
  }

  async get<T>(key: Key<T>): Promise<T | undefined> {
    const value = await this.inner.get(key);
    this.countRead(1, value === undefined ? 0 : entryBytes(key, value));
    return value;
  }

  async getMany<T>(keys: Key<T>[]): Promise<Map<string, T>> {
    const found = await this.inner.getMany(keys);
    this.countRead(
      keys.length,
      sumBytes(found, (value) => value),
    );
    return found;
  }

  async set<T>(key: Key<T>, value: T, options?: SetOptions): Promise<void> {
    await this.inner.set(key, value, options);
    this.countWrite(key, entryBytes(key, value));
  }

  /** Counted as a write whether or not the key existed: the request is made either way. */
  async setIfAbsent<T>(key: Key<T>, value: T, options?: SetOptions): Promise<boolean> {
    const created = await this.inner.setIfAbsent(key, value, options);
    this.countWrite(key, created ? entryBytes(key, value) : 0);
    return created;
  }

  async delete(key: Key<unknown>): Promise<void> {
    await this.inner.delete(key);
    this.countWrite(key, entryBytes(key));
  }

  async query<T>(prefix: KeyPrefix<T>, options?: { limit?: number; cursor?: string }): Promise<Page<T>> {
    const page = await this.inner.query(prefix, options);
    this.countRead(
      1,
      page.items.reduce((sum, item) => sum + entryBytes(item.key, item.value), 0),
    );
    return page;
  }

  async getDoc<T>(key: DocKey<T>): Promise<Versioned<T> | undefined> {
    const doc = await this.inner.getDoc(key);
    this.countRead(1, doc === undefined ? 0 : entryBytes(key, doc.value));
    return doc;
  }

  async getDocs<T>(keys: DocKey<T>[]): Promise<Map<string, Versioned<T>>> {
    const found = await this.inner.getDocs(keys);
    this.countRead(
      keys.length,
      sumBytes(found, (doc) => doc.value),
    );
    return found;
  }

  async commit(ops: DocOp[]): Promise<void> {
    try {
      await this.inner.commit(ops);
    } catch (error) {
      if (error instanceof StoreConflictError) this.counts.conflicts += 1;
      throw error;
    }
    for (const op of ops)
      this.countWrite(op.key, entryBytes(op.key, op.kind === 'put' ? op.value : undefined));
  }

  private countRead(operations: number, bytes: number): void {
    this.counts.reads += operations;
    this.counts.bytesRead += bytes;
  }

  private countWrite(key: string, bytes: number): void {
    this.counts.writes += 1;
    this.counts.bytesWritten += bytes;
    const area = key.slice(0, Math.max(0, key.indexOf(':'))) || key;
    this.counts.bytesWrittenByArea[area] = (this.counts.bytesWrittenByArea[area] ?? 0) + bytes;
  }
}

function sumBytes<V>(entries: Map<string, V>, valueOf: (entry: V) => unknown): number {
  let total = 0;
  for (const [key, entry] of entries) total += entryBytes(key, valueOf(entry));
  return total;
}
