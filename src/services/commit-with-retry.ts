import { StoreConflictError, type DocKey, type DocOp, type Store } from '../storage/store';
import { MAX_CONFLICT_RETRIES } from './context';

/**
 * Optimistic read-modify-write: `plan` reads what it needs and returns the conditional ops to commit, or
 * `undefined` when there is nothing to do (already recorded). On a conflict (another consumer wrote first) it
 * re-plans from fresh reads, with a short random pause so two consumers do not collide again in lockstep.
 * Resolves true when the plan was committed, false when `plan` declined.
 */
export async function commitWithRetry(
  store: Store,
  plan: () => Promise<DocOp[] | undefined>,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const ops = await plan();
    if (!ops) return false;
    try {
      await store.commit(ops);
      return true;
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 15 * (attempt + 1))));
    }
  }
}

/**
 * Read-modify-write of one document: `change` gets its current value (undefined when absent) and returns the value
 * to store, or undefined to leave it as it is. When another writer commits first, `change` runs again on the value
 * that writer stored, so neither change is lost. Resolves with the value stored when it returns (or left).
 */
export async function updateDoc<T>(
  store: Store,
  key: DocKey<T>,
  change: (current: T | undefined) => T | undefined,
): Promise<T | undefined> {
  let stored: T | undefined;
  await commitWithRetry(store, async () => {
    const current = await store.getDoc(key);
    const next = change(current?.value);
    stored = next ?? current?.value;
    if (next === undefined) return undefined;
    return [{ kind: 'put', key, value: next, expectedVersion: current?.version ?? 0 }];
  });
  return stored;
}
