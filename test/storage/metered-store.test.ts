import { doc, key, prefix } from '../../src/storage/keys';
import { MeteredStore } from '../../src/storage/metered-store';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { StoreConflictError } from '../../src/storage/store';

describe('MeteredStore', () => {
  let inner: SqliteStore;
  let metered: MeteredStore;

  beforeEach(() => {
    inner = new SqliteStore({ path: ':memory:' });
    metered = new MeteredStore(inner);
  });

  afterEach(() => inner.close());

  it('counts each write once with the UTF-8 bytes of key and JSON value', async () => {
    await metered.set(key<{ s: string }>('w:1'), { s: 'é' }); // 3 + {"s":"é"} = 3 + 10
    await metered.delete(key('w:1')); // key only
    expect(metered.stats()).toEqual({
      reads: 0,
      writes: 2,
      bytesWritten: 13 + 3,
      bytesRead: 0,
      conflicts: 0,
      bytesWrittenByArea: { w: 13 + 3 },
    });
  });

  it('counts reads per key for batches and per page for queries, bytes only for what came back', async () => {
    await metered.set(key<number>('r:1'), 10);
    await metered.set(key<number>('r:2'), 20);
    metered.reset();
    await metered.get(key<number>('r:1')); // 3 + 2
    await metered.get(key<number>('r:missing'));
    await metered.getMany([key<number>('r:1'), key<number>('r:2'), key<number>('r:3')]); // 2 × 5
    await metered.query(prefix<number>('r:'), { limit: 1 }); // one page, one item: 5
    expect(metered.stats()).toEqual({
      reads: 6,
      writes: 0,
      bytesWritten: 0,
      bytesRead: 5 + 10 + 5,
      conflicts: 0,
      bytesWrittenByArea: {},
    });
  });

  it('counts every committed op as a write, and a conflicted commit as a conflict with no writes', async () => {
    const a = doc<number>('d:a');
    const b = doc<number>('d:b');
    await metered.commit([
      { kind: 'put', key: a, value: 1, expectedVersion: 0 },
      { kind: 'put', key: b, value: 22, expectedVersion: 0 },
    ]);
    await expect(
      metered.commit([{ kind: 'put', key: a, value: 2, expectedVersion: 0 }]),
    ).rejects.toBeInstanceOf(StoreConflictError);
    await metered.getDocs([a, b]);
    expect(metered.stats()).toEqual({
      reads: 2,
      writes: 2,
      bytesWritten: 3 + 1 + 3 + 2,
      bytesRead: 3 + 1 + 3 + 2,
      conflicts: 1,
      bytesWrittenByArea: { d: 3 + 1 + 3 + 2 },
    });
  });

  it('counts a refused setIfAbsent as a write request that moved no bytes', async () => {
    await metered.setIfAbsent(key<string>('once'), 'v'); // 4 + 3
    await metered.setIfAbsent(key<string>('once'), 'other');
    expect(metered.stats()).toMatchObject({ writes: 2, bytesWritten: 7, bytesWrittenByArea: { once: 7 } });
    expect(await inner.get(key<string>('once'))).toBe('v');
  });
});
