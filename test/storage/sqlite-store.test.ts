import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { doc, key, prefix } from '../../src/storage/keys';
import { InvalidCursorError, SqliteStore, StoreOpenError } from '../../src/storage/sqlite-store';
import { FakeClock } from '../support/forge-fakes';
import { describeStoreContract } from './store-contract';

describeStoreContract('SqliteStore in memory', (now) => {
  const store = new SqliteStore({ path: ':memory:', now });
  return { store, close: () => store.close() };
});

describe('SqliteStore on disk', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pipeline-insights-store-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates missing folders, uses WAL, and keeps entries and documents across a reopen', async () => {
    const path = join(dir, 'nested', 'deeper', 'insights.db');
    const first = new SqliteStore({ path });
    await first.set(key<{ a: number }>('p:1'), { a: 1 });
    await first.commit([{ kind: 'put', key: doc<string>('p:doc'), value: 'kept', expectedVersion: 0 }]);
    expect(existsSync(`${path}-wal`)).toBe(true);
    first.close();

    const second = new SqliteStore({ path });
    expect(await second.get(key<{ a: number }>('p:1'))).toEqual({ a: 1 });
    expect(await second.getDoc(doc<string>('p:doc'))).toEqual({ value: 'kept', version: 1 });
    second.close();
  });

  it('fails with a StoreOpenError naming the path when the folder cannot be created', () => {
    // A regular file where a folder should be: unwritable for any user, root included.
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const path = join(blocker, 'store', 'insights.db');
    expect(() => new SqliteStore({ path })).toThrow(StoreOpenError);
    expect(() => new SqliteStore({ path })).toThrow(
      /cannot open the store at .*not-a-folder\/store\/insights\.db/,
    );
  });

  it('sweeps expired rows on open so the file does not grow with dead entries', async () => {
    const path = join(dir, 'sweep.db');
    const clock = new FakeClock();
    const first = new SqliteStore({ path, now: clock.now });
    await first.set(key<number>('s:short'), 1, { ttlSeconds: 5 });
    await first.set(key<number>('s:long'), 2);
    first.close();
    clock.advance(10_000);
    const second = new SqliteStore({ path, now: clock.now });
    expect(second.sweep()).toBe(0); // the open already removed it
    expect((await second.query(prefix<number>('s:'))).items).toEqual([{ key: 's:long', value: 2 }]);
    second.close();
  });

  it('sweeps after the configured number of writes', async () => {
    const clock = new FakeClock();
    const store = new SqliteStore({ path: ':memory:', now: clock.now, sweepEveryWrites: 3 });
    await store.set(key<number>('w:1'), 1, { ttlSeconds: 1 });
    clock.advance(2_000);
    await store.set(key<number>('w:2'), 2);
    await store.set(key<number>('w:3'), 3); // third write: sweep runs
    expect(store.sweep()).toBe(0);
    store.close();
  });
});

describe('SqliteStore cursors', () => {
  it('rejects a cursor from another prefix', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    for (let i = 0; i < 3; i++) await store.set(key<number>(`a:${i}`), i);
    await store.set(key<number>('b:0'), 0);
    const page = await store.query(prefix<number>('a:'), { limit: 1 });
    expect(page.cursor).toBeDefined();
    await expect(
      store.query(prefix<number>('b:'), { limit: 1, cursor: page.cursor ?? '' }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    store.close();
  });
});
