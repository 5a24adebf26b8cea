/**
 * Optimistic edits (quarantine a test, change a suggestion's status): the new value shows at once, the resolver
 * confirms it, and on failure the previous value comes back with a message saying what was not saved.
 */
import { useCallback, useState } from 'react';
import { toUiError } from './invoke';

export interface OptimisticChanges<V> {
  valueOf: (id: string, saved: V) => V;
  isPending: (id: string) => boolean;
  change: (request: ChangeRequest<V>) => void;
  error?: string;
  dismissError: () => void;
}

export interface ChangeRequest<V> {
  id: string;
  previous: V;
  next: V;
  save: () => Promise<V>;
  /** Says what did not happen, e.g. `Could not quarantine "x"`; the reason is appended. */
  failure: string;
}

export function useOptimisticChanges<V>(): OptimisticChanges<V> {
  const [overrides, setOverrides] = useState<ReadonlyMap<string, V>>(new Map());
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string>();

  const setOverride = useCallback((id: string, value: V) => {
    setOverrides((current) => new Map(current).set(id, value));
  }, []);

  const change = useCallback(
    ({ id, previous, next, save, failure }: ChangeRequest<V>) => {
      setOverride(id, next);
      setPending((current) => new Set(current).add(id));
      setError(undefined);
      save()
        .then(
          (confirmed) => setOverride(id, confirmed),
          (thrown: unknown) => {
            setOverride(id, previous);
            setError(`${failure}: ${toUiError(thrown).message}`);
          },
        )
        .finally(() =>
          setPending((current) => {
            const remaining = new Set(current);
            remaining.delete(id);
            return remaining;
          }),
        );
    },
    [setOverride],
  );

  const valueOf = useCallback(
    (id: string, saved: V) => (overrides.has(id) ? (overrides.get(id) as V) : saved),
    [overrides],
  );
  const isPending = useCallback((id: string) => pending.has(id), [pending]);
  const dismissError = useCallback(() => setError(undefined), []);

  return { valueOf, isPending, change, error, dismissError };
}
