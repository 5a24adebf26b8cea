/**
 * The behaviour every Store must have, run against each adapter (`sqlite-store.test.ts`, `forge-kvs-store.test.ts`).
 */
import { doc, key, prefix } from '../../src/storage/keys';
import { docRecord, FORGE_KVS_LIMITS, jsonBytes, MAX_DOC_DATA_BYTES } from '../../src/storage/limits';
import { StoreConflictError, StoreLimitError, type DocKey, type Store } from '../../src/storage/store';
import { FakeClock } from '../support/forge-fakes';

export interface StoreUnderTest {
  store: Store;
  close?: () => void;
}

const SECOND = 1000;

/** Resolves once `parties` callers have arrived: forces two consumers to read before either writes. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    arrived += 1;
    if (arrived === parties) release();
    await opened;
  };
}

/** Read-modify-write of a counter document, retried on conflict, as ingest consumers do. */
async function increment(
  store: Store,
  counter: DocKey<number>,
  beforeWrite: () => Promise<void>,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.getDoc(counter);
    if (attempt === 1) await beforeWrite();
    try {
      await store.commit([
        {
          kind: 'put',
          key: counter,
          value: (current?.value ?? 0) + 1,
          expectedVersion: current?.version ?? 0,
        },
      ]);
      return attempt;
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= 5) throw error;
    }
  }
}

export function describeStoreContract(name: string, makeStore: (now: () => number) => StoreUnderTest): void {
  describe(`${name} (store contract)`, () => {
    let clock: FakeClock;
    let subject: StoreUnderTest;
    let store: Store;

    beforeEach(() => {
      clock = new FakeClock();
      subject = makeStore(clock.now);
      store = subject.store;
    });

    afterEach(() => subject.close?.());

    describe('plain entries', () => {
      it('reads back what was set, overwrites, and forgets deleted keys', async () => {
        const k = key<{ n: number; tags: string[] }>('run:repo1:42');
        expect(await store.get(k)).toBeUndefined();
        await store.set(k, { n: 1, tags: ['a'] });
        expect(await store.get(k)).toEqual({ n: 1, tags: ['a'] });
        await store.set(k, { n: 2, tags: [] });
        expect(await store.get(k)).toEqual({ n: 2, tags: [] });
        await store.delete(k);
        expect(await store.get(k)).toBeUndefined();
        await expect(store.delete(k)).resolves.toBeUndefined();
      });

      it('getMany returns only the keys that exist', async () => {
        await store.set(key<number>('m:1'), 1);
        await store.set(key<number>('m:3'), 3);
        const found = await store.getMany([key<number>('m:1'), key<number>('m:2'), key<number>('m:3')]);
        expect([...found.entries()].sort()).toEqual([
          ['m:1', 1],
          ['m:3', 3],
        ]);
        expect((await store.getMany([])).size).toBe(0);
      });

      it('setIfAbsent creates once and leaves an existing value alone', async () => {
        const k = key<string>('seen:pipeline:7');
        expect(await store.setIfAbsent(k, 'first')).toBe(true);
        expect(await store.setIfAbsent(k, 'second')).toBe(false);
        expect(await store.get(k)).toBe('first');
      });

      it('treats an expired entry as absent everywhere', async () => {
        const k = key<string>('ttl:a');
        await store.set(k, 'short', { ttlSeconds: 60 });
        await store.set(key<string>('ttl:b'), 'long');
        clock.advance(59 * SECOND);
        expect(await store.get(k)).toBe('short');
        clock.advance(2 * SECOND);
        expect(await store.get(k)).toBeUndefined();
        expect((await store.getMany([k])).has(k)).toBe(false);
        expect((await store.query(prefix<string>('ttl:'))).items.map((item) => item.key)).toEqual(['ttl:b']);
        expect(await store.setIfAbsent(k, 'again')).toBe(true);
        expect(await store.get(k)).toBe('again');
      });

      it('a set without TTL replaces an earlier expiry', async () => {
        const k = key<number>('ttl:replace');
        await store.set(k, 1, { ttlSeconds: 10 });
        await store.set(k, 2);
        clock.advance(3600 * SECOND);
        expect(await store.get(k)).toBe(2);
      });
    });

    describe('prefix queries', () => {
      beforeEach(async () => {
        for (let i = 0; i < 25; i++) await store.set(key<number>(`q:a:${String(i).padStart(2, '0')}`), i);
        await store.set(key<number>('q:b:00'), -1);
        await store.set(key<number>('q:'), -2);
      });

      it('pages in key order and follows cursors to the end', async () => {
        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.query(prefix<number>('q:a:'), {
            limit: 10,
            ...(cursor ? { cursor } : {}),
          });
          sizes.push(page.items.length);
          seen.push(...page.items.map((item) => item.key));
          cursor = page.cursor;
        } while (cursor !== undefined);
        expect(sizes).toEqual([10, 10, 5]);
        expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `q:a:${String(i).padStart(2, '0')}`));
      });

      it('returns values with keys and only keys under the prefix', async () => {
        const page = await store.query(prefix<number>('q:b:'));
        expect(page).toEqual({ items: [{ key: 'q:b:00', value: -1 }] });
        const all = await store.query(prefix<number>('q:'));
        expect(all.items).toHaveLength(27);
        expect(all.cursor).toBeUndefined();
      });

      it('does not list versioned documents', async () => {
        await store.commit([{ kind: 'put', key: doc<number>('q:a:99'), value: 1, expectedVersion: 0 }]);
        const page = await store.query(prefix<number>('q:a:9'));
        expect(page.items).toEqual([]);
      });
    });

    describe('Forge limits', () => {
      const rejects = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(StoreLimitError);

      it('rejects keys over 500 characters or outside the key alphabet, and accepts the edge', async () => {
        await rejects(store.set(key<number>('k'.repeat(501)), 1));
        await rejects(store.set(key<number>('repo:{abc}'), 1));
        await rejects(store.get(key<number>('a/b')));
        await rejects(store.getDoc(doc<number>('x'.repeat(501))));
        await store.set(key<number>('k'.repeat(500)), 1);
        await store.set(key<number>('a-b_c.d:e#f g'), 2);
        expect(await store.get(key<number>('a-b_c.d:e#f g'))).toBe(2);
      });

      it('names the limit and the key in the message', async () => {
        const long = `repo:${'z'.repeat(600)}`;
        await expect(store.set(key<number>(long), 1)).rejects.toThrow(/key limit.*'repo:z{75}…'/);
      });

      it('rejects values over 240 KiB and writes nothing', async () => {
        const k = key<string>('big:1');
        await rejects(store.set(k, 'x'.repeat(241 * 1024)));
        await rejects(
          store.commit([
            { kind: 'put', key: doc<string>('big:2'), value: 'x'.repeat(241 * 1024), expectedVersion: 0 },
          ]),
        );
        expect(await store.get(k)).toBeUndefined();
        expect(await store.getDoc(doc<string>('big:2'))).toBeUndefined();
        // 245,758 characters plus the two quotes of its JSON is exactly 240 KiB.
        await store.set(k, 'x'.repeat(245_758));
        expect((await store.get(k))?.length).toBe(245_758);
      });

      it('measures a document as the store writes it, wrapped with its version: data that fits alone can be refused', async () => {
        const d = doc<string>('big:wrapped');
        // The plain-entry edge (240 KiB of JSON) is too big for a document: its record adds {"version":1,"data":...}.
        await rejects(
          store.commit([{ kind: 'put', key: d, value: 'x'.repeat(245_758), expectedVersion: 0 }]),
        );
        expect(await store.getDoc(d)).toBeUndefined();
        const edge = 'x'.repeat(MAX_DOC_DATA_BYTES - 2);
        await store.commit([{ kind: 'put', key: d, value: edge, expectedVersion: 0 }]);
        await store.commit([{ kind: 'put', key: d, value: edge, expectedVersion: 1 }]);
        expect((await store.getDoc(d))?.value.length).toBe(MAX_DOC_DATA_BYTES - 2);
        expect(jsonBytes(docRecord(edge, Number.MAX_SAFE_INTEGER))).toBe(FORGE_KVS_LIMITS.maxValueBytes);
      });

      it('rejects pages over 100, batches and commits over 25 operations, and TTLs over a year', async () => {
        await rejects(store.query(prefix<number>('q:'), { limit: 101 }));
        await rejects(store.getMany(Array.from({ length: 26 }, (_, i) => key<number>(`b:${i}`))));
        await rejects(store.getDocs(Array.from({ length: 26 }, (_, i) => doc<number>(`b:${i}`))));
        const ops = Array.from({ length: 26 }, (_, i) => ({
          kind: 'put' as const,
          key: doc<number>(`b:${i}`),
          value: i,
          expectedVersion: 0,
        }));
        await rejects(store.commit(ops));
        expect((await store.getDocs(ops.slice(0, 25).map((op) => op.key))).size).toBe(0);
        await rejects(store.set(key<number>('ttl:year'), 1, { ttlSeconds: 366 * 24 * 3600 }));
        await store.commit(ops.slice(0, 25));
        expect((await store.getDocs(ops.slice(0, 25).map((op) => op.key))).size).toBe(25);
      });

      it('rejects a commit that names one document twice', async () => {
        const d = doc<number>('dup:1');
        await rejects(
          store.commit([
            { kind: 'put', key: d, value: 1, expectedVersion: 0 },
            { kind: 'put', key: d, value: 2, expectedVersion: 1 },
          ]),
        );
        expect(await store.getDoc(d)).toBeUndefined();
      });
    });

    describe('versioned documents', () => {
      it('numbers versions from 1 and moves them on each commit', async () => {
        const d = doc<{ runs: number }>('agg:repo1:flaky');
        expect(await store.getDoc(d)).toBeUndefined();
        await store.commit([{ kind: 'put', key: d, value: { runs: 1 }, expectedVersion: 0 }]);
        expect(await store.getDoc(d)).toEqual({ value: { runs: 1 }, version: 1 });
        await store.commit([{ kind: 'put', key: d, value: { runs: 2 }, expectedVersion: 1 }]);
        expect(await store.getDoc(d)).toEqual({ value: { runs: 2 }, version: 2 });
        await store.commit([{ kind: 'delete', key: d, expectedVersion: 2 }]);
        expect(await store.getDoc(d)).toBeUndefined();
      });

      it('a stale version conflicts, names the key, and writes none of the ops', async () => {
        const fresh = doc<string>('c:fresh');
        const stale = doc<string>('c:stale');
        await store.commit([{ kind: 'put', key: stale, value: 'v1', expectedVersion: 0 }]);
        await store.commit([{ kind: 'put', key: stale, value: 'v2', expectedVersion: 1 }]);
        const attempt = store.commit([
          { kind: 'put', key: fresh, value: 'new', expectedVersion: 0 },
          { kind: 'put', key: stale, value: 'lost update', expectedVersion: 1 },
        ]);
        await expect(attempt).rejects.toBeInstanceOf(StoreConflictError);
        await expect(attempt).rejects.toMatchObject({ keys: ['c:stale'] });
        expect(await store.getDoc(fresh)).toBeUndefined();
        expect(await store.getDoc(stale)).toEqual({ value: 'v2', version: 2 });
      });

      it('creating an existing document or deleting at a wrong version conflicts', async () => {
        const d = doc<number>('c:exists');
        await store.commit([{ kind: 'put', key: d, value: 1, expectedVersion: 0 }]);
        await expect(
          store.commit([{ kind: 'put', key: d, value: 9, expectedVersion: 0 }]),
        ).rejects.toBeInstanceOf(StoreConflictError);
        await expect(store.commit([{ kind: 'delete', key: d, expectedVersion: 5 }])).rejects.toBeInstanceOf(
          StoreConflictError,
        );
        expect(await store.getDoc(d)).toEqual({ value: 1, version: 1 });
      });

      it('getDocs returns only existing documents with their versions', async () => {
        await store.commit([
          { kind: 'put', key: doc<string>('g:1'), value: 'one', expectedVersion: 0 },
          { kind: 'put', key: doc<string>('g:2'), value: 'two', expectedVersion: 0 },
        ]);
        await store.commit([
          { kind: 'put', key: doc<string>('g:2'), value: 'two again', expectedVersion: 1 },
        ]);
        const found = await store.getDocs([doc<string>('g:1'), doc<string>('g:2'), doc<string>('g:3')]);
        expect(Object.fromEntries(found)).toEqual({
          'g:1': { value: 'one', version: 1 },
          'g:2': { value: 'two again', version: 2 },
        });
      });

      it('keeps documents and plain entries with the same key apart', async () => {
        await store.set(key<string>('same:1'), 'plain');
        await store.commit([
          { kind: 'put', key: doc<string>('same:1'), value: 'document', expectedVersion: 0 },
        ]);
        expect(await store.get(key<string>('same:1'))).toBe('plain');
        expect(await store.getDoc(doc<string>('same:1'))).toEqual({ value: 'document', version: 1 });
        await store.delete(key<string>('same:1'));
        expect(await store.getDoc(doc<string>('same:1'))).toEqual({ value: 'document', version: 1 });
      });

      it('an expired document is absent and can be created again from version 0', async () => {
        const d = doc<string>('ttl:doc');
        await store.commit([{ kind: 'put', key: d, value: 'old', expectedVersion: 0, ttlSeconds: 30 }]);
        clock.advance(31 * SECOND);
        expect(await store.getDoc(d)).toBeUndefined();
        await store.commit([{ kind: 'put', key: d, value: 'new', expectedVersion: 0 }]);
        expect(await store.getDoc(d)).toEqual({ value: 'new', version: 1 });
      });

      it('two consumers incrementing the same counter both land, one after a retry', async () => {
        const counter = doc<number>('counter:runs');
        const bothRead = barrier(2);
        const attempts = await Promise.all([
          increment(store, counter, bothRead),
          increment(store, counter, bothRead),
        ]);
        expect(await store.getDoc(counter)).toEqual({ value: 2, version: 2 });
        expect([...attempts].sort()).toEqual([1, 2]);
      });
    });
  });
}
