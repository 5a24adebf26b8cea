/**
 * Holds the latest forgeDoc the app's reconciler committed. The reconciler reuses and mutates the same tree, so
 * subscribers are told by a version number that grows on every commit rather than by object identity.
 */
import type { ForgeDoc } from './forge-doc';

export interface DocStore {
  current(): ForgeDoc | undefined;
  version(): number;
  publish(doc: ForgeDoc): void;
  subscribe(listener: () => void): () => void;
}

export function createDocStore(): DocStore {
  let doc: ForgeDoc | undefined;
  let version = 0;
  const listeners = new Set<() => void>();
  return {
    current: () => doc,
    version: () => version,
    publish(next) {
      doc = next;
      version += 1;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
