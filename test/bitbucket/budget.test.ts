import { hourIso, StoreBudget, unlimitedBudget } from '../../src/bitbucket/budget';
import { BudgetExhaustedError } from '../../src/bitbucket/errors';
import { apiBudget } from '../../src/storage/keys';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { StoreConflictError, type DocOp, type Store } from '../../src/storage/store';

const T0 = Date.parse('2026-01-31T09:15:00Z');

/** Counts commits, and can let a rival job write first before the next N commits (a conflict each). */
function instrumented(store: SqliteStore) {
  const counts = { commits: 0, conflicts: 0 };
  let rivalWrites = 0;
  const wrapped: Store = Object.create(store) as Store;
  wrapped.commit = async (ops: DocOp[]) => {
    counts.commits++;
    if (rivalWrites > 0) {
      rivalWrites--;
      const key = apiBudget('acme', hourIso(T0));
      const current = await store.getDoc(key);
      await store.commit([
        {
          kind: 'put',
          key,
          value: { reserved: (current?.value.reserved ?? 0) + 5 },
          expectedVersion: current?.version ?? 0,
        },
      ]);
    }
    try {
      await store.commit(ops);
    } catch (error) {
      if (error instanceof StoreConflictError) counts.conflicts++;
      throw error;
    }
  };
  return { store: wrapped, counts, rivalFirst: (n: number) => void (rivalWrites = n) };
}

describe('StoreBudget', () => {
  let sqlite: SqliteStore;
  beforeEach(() => {
    sqlite = new SqliteStore({ path: ':memory:', now: () => T0 });
  });

  it('writes once per block of 10 calls, not once per call', async () => {
    const { store, counts } = instrumented(sqlite);
    const budget = new StoreBudget({ store, workspaceId: 'acme', now: () => T0 });
    for (let i = 0; i < 25; i++) await budget.take();
    expect(counts.commits).toBe(3);
    expect((await sqlite.getDoc(apiBudget('acme', '2026-01-31T09')))?.value).toEqual({ reserved: 30 });
    expect(budget.heldCalls).toBe(5);
  });

  it('an invocation hands back what it reserved and did not spend: the counter holds the calls spent', async () => {
    const { store, counts } = instrumented(sqlite);
    const key = apiBudget('acme', '2026-01-31T09');
    for (const spent of [3, 1, 6, 2]) {
      const invocation = new StoreBudget({ store, workspaceId: 'acme', now: () => T0 });
      for (let i = 0; i < spent; i++) await invocation.take();
      await invocation.release();
      expect(invocation.heldCalls).toBe(0);
    }
    expect((await sqlite.getDoc(key))?.value).toEqual({ reserved: 12 });
    expect(counts.commits).toBe(8); // one reservation and one hand-back per invocation
    const idle = new StoreBudget({ store, workspaceId: 'acme', now: () => T0 });
    await idle.release();
    expect(counts.commits).toBe(8); // nothing held, nothing written
  });

  it('hands back under contention, and drops what it held for an hour that has ended', async () => {
    const { store, counts, rivalFirst } = instrumented(sqlite);
    let now = T0;
    const budget = new StoreBudget({ store, workspaceId: 'acme', now: () => now });
    await budget.take(2);
    rivalFirst(1);
    await budget.release();
    expect(counts.conflicts).toBe(1);
    expect((await sqlite.getDoc(apiBudget('acme', '2026-01-31T09')))?.value).toEqual({ reserved: 7 }); // 2 spent + the rival's 5
    await budget.take();
    now = Date.parse('2026-01-31T10:00:01Z');
    await budget.release();
    expect((await sqlite.getDoc(apiBudget('acme', '2026-01-31T09')))?.value).toEqual({ reserved: 17 });
    expect(await sqlite.getDoc(apiBudget('acme', '2026-01-31T10'))).toBeUndefined();
  });

  it('shares the hour among jobs and refuses past the limit, saying when the hour ends', async () => {
    const a = new StoreBudget({ store: sqlite, workspaceId: 'acme', limitPerHour: 25, now: () => T0 });
    const b = new StoreBudget({ store: sqlite, workspaceId: 'acme', limitPerHour: 25, now: () => T0 });
    await a.take(); // a holds 10
    await b.take(); // b holds 10
    await a.take(9); // a's block
    await a.take(3); // needs 3 more: 5 left in storage, reserves them
    const error = await b.take(16).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExhaustedError);
    expect(error).toMatchObject({ retryAfterSeconds: 45 * 60, workspace: 'acme' });
    await b.take(9); // what b already holds still works
    await expect(b.take()).rejects.toBeInstanceOf(BudgetExhaustedError);
  });

  it('starts a fresh budget in the next clock hour', async () => {
    let now = T0;
    const budget = new StoreBudget({ store: sqlite, workspaceId: 'acme', limitPerHour: 10, now: () => now });
    await budget.take(10);
    await expect(budget.take()).rejects.toBeInstanceOf(BudgetExhaustedError);
    now = Date.parse('2026-01-31T10:00:01Z');
    await expect(budget.take()).resolves.toBeUndefined();
    expect((await sqlite.getDoc(apiBudget('acme', '2026-01-31T10')))?.value).toEqual({ reserved: 10 });
  });

  it('re-reads and retries when another job committed first', async () => {
    const { store, counts, rivalFirst } = instrumented(sqlite);
    const budget = new StoreBudget({ store, workspaceId: 'acme', now: () => T0 });
    rivalFirst(2);
    await budget.take();
    expect(counts).toEqual({ commits: 3, conflicts: 2 });
    expect((await sqlite.getDoc(apiBudget('acme', '2026-01-31T09')))?.value).toEqual({ reserved: 20 });
  });

  it('serialises concurrent takes of one instance', async () => {
    const { store, counts } = instrumented(sqlite);
    const budget = new StoreBudget({ store, workspaceId: 'acme', now: () => T0 });
    await Promise.all(Array.from({ length: 20 }, () => budget.take()));
    expect(counts).toEqual({ commits: 2, conflicts: 0 });
    expect(budget.heldCalls).toBe(0);
  });

  it('stores the counter with a TTL so old hours disappear', async () => {
    let now = T0;
    const store = new SqliteStore({ path: ':memory:', now: () => now });
    await new StoreBudget({
      store,
      workspaceId: '{4C16A397-8E48-479C-8CA2-442E46C90570}',
      now: () => T0,
    }).take();
    const key = apiBudget('{4C16A397-8E48-479C-8CA2-442E46C90570}', '2026-01-31T09');
    expect(String(key)).toBe('budget:4c16a397-8e48-479c-8ca2-442e46c90570:2026-01-31T09');
    expect(apiBudget('4c16a397-8e48-479c-8ca2-442e46c90570', '2026-01-31T09')).toBe(key);
    expect(await store.getDoc(key)).toBeDefined();
    now = T0 + 2 * 3600_000 + 1000;
    expect(await store.getDoc(key)).toBeUndefined();
  });

  it('unlimitedBudget never refuses', async () => {
    await expect(unlimitedBudget.take(1_000_000)).resolves.toBeUndefined();
    await expect(unlimitedBudget.release()).resolves.toBeUndefined();
  });
});
