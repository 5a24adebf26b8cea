import type { DocKey, Store, Versioned } from './store';

type DocValue<K> = K extends DocKey<infer T> ? T : never;

/**
 * Reads several documents of different types in one batch and returns them by name, typed by their keys:
 * `const { stats, track } = await readDocs(store, { stats: keys.stepStats(r, s), track: keys.stepTrack(r, s) })`.
 */
export async function readDocs<M extends Record<string, DocKey<unknown>>>(
  store: Store,
  named: M,
): Promise<{ [N in keyof M]: Versioned<DocValue<M[N]>> | undefined }> {
  const entries = Object.entries(named);
  const found = new Map<string, Versioned<unknown>>();
  for (let i = 0; i < entries.length; i += 25) {
    const batch = await store.getDocs(entries.slice(i, i + 25).map(([, k]) => k));
    for (const [k, v] of batch) found.set(k, v);
  }
  const out: Record<string, Versioned<unknown> | undefined> = {};
  for (const [name, k] of entries) out[name] = found.get(k);
  return out as { [N in keyof M]: Versioned<DocValue<M[N]>> | undefined };
}
