/** `report`'s store: SQLite's read-only mode, reads as usual, every write refused by name. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteStore, StoreOpenError, StoreReadOnlyError } from '../../src/storage/sqlite-store';
import { doc as docKey, key } from '../../src/storage/keys';

describe('SqliteStore read-only', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'pi-ro-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads what was written, refuses every write with a clear error, and leaves the file as it was', async () => {
    const file = path.join(dir, 'store.db');
    const writer = new SqliteStore({ path: file });
    await writer.set(key<number>('a:1'), 1);
    await writer.commit([{ kind: 'put', key: docKey<number>('d:1'), value: 1, expectedVersion: 0 }]);
    writer.close();

    const reader = new SqliteStore({ path: file, readonly: true });
    expect(await reader.get(key<number>('a:1'))).toBe(1);
    expect(await reader.getDoc(docKey<number>('d:1'))).toEqual({ value: 1, version: 1 });
    await expect(reader.set(key<number>('a:2'), 2)).rejects.toThrow(StoreReadOnlyError);
    await expect(reader.set(key<number>('a:2'), 2)).rejects.toThrow(/open read-only: write refused/);
    await expect(reader.setIfAbsent(key<number>('a:2'), 2)).rejects.toThrow(StoreReadOnlyError);
    await expect(reader.delete(key<number>('a:1'))).rejects.toThrow(StoreReadOnlyError);
    await expect(
      reader.commit([{ kind: 'put', key: docKey<number>('d:1'), value: 2, expectedVersion: 1 }]),
    ).rejects.toThrow(StoreReadOnlyError);
    expect(await reader.get(key<number>('a:1'))).toBe(1);
    reader.close();
  });

  it('never creates a store: a missing file is an open error', () => {
    expect(() => new SqliteStore({ path: path.join(dir, 'none', 'store.db'), readonly: true })).toThrow(
      StoreOpenError,
    );
  });
});
