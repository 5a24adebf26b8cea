/**
 * Loads one resolver's answer for a component: loading, data and error, with `reload` and a local `update` for
 * optimistic changes. Data from an earlier call stays on screen while a new one loads (a branch filter change should
 * not blank the page), and answers that arrive out of order are dropped.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ResolverName, ResolverResult } from '../contract/resolvers';
import { call, toUiError, type ResolverArgs, type UiError } from './invoke';

export interface Resource<T> {
  data?: T;
  error?: UiError;
  loading: boolean;
  reload: () => void;
  update: (change: (current: T) => T) => void;
}

type Answer<N extends ResolverName> = Awaited<ResolverResult<N>>;

export function useResolver<N extends ResolverName>(
  name: N,
  ...payload: ResolverArgs<N>
): Resource<Answer<N>> {
  return useResolverWhen(true, name, ...payload);
}

/** As `useResolver`, but loads only while `enabled` (a branch is chosen, say); idle and empty otherwise. */
export function useResolverWhen<N extends ResolverName>(
  enabled: boolean,
  name: N,
  ...payload: ResolverArgs<N>
): Resource<Answer<N>> {
  const skip = !enabled;
  const [data, setData] = useState<Answer<N>>();
  const [error, setError] = useState<UiError>();
  const [loading, setLoading] = useState(!skip);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  // Payloads are small JSON objects: comparing them by value keeps a fresh `{}` from refetching on every render.
  const payloadKey = JSON.stringify(payload);
  // Keyed by that JSON only: the first payload of each value is the one sent.
  const args = useMemo(() => payload, [payloadKey]);

  useEffect(() => {
    if (skip) {
      setLoading(false);
      return undefined;
    }
    const request = ++latest.current;
    let active = true;
    setLoading(true);
    setError(undefined);
    call(name, ...args).then(
      (result) => {
        if (!active || request !== latest.current) return;
        setData(result);
        setLoading(false);
      },
      (thrown: unknown) => {
        if (!active || request !== latest.current) return;
        setError(toUiError(thrown));
        setLoading(false);
      },
    );
    return () => {
      active = false;
    };
  }, [name, args, skip, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const update = useCallback((change: (current: Answer<N>) => Answer<N>) => {
    setData((current) => (current === undefined ? current : change(current)));
  }, []);

  return { data, error, loading, reload, update };
}
