/**
 * Loads one resolver's answer for a component: loading, data and error, with `reload` and a local `update` for
 * optimistic changes. Data from an earlier call stays on screen while a new one loads (a branch filter change should
 * not blank the page), and answers that arrive out of order are dropped.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ResolverName, ResolverPayload, ResolverResult } from '../contract/resolvers';
import { call, toUiError, type UiError } from './invoke';

export interface Resource<T> {
  data?: T;
  error?: UiError;
  loading: boolean;
  reload: () => void;
  update: (change: (current: T) => T) => void;
}

export function useResolver<N extends ResolverName>(
  name: N,
  payload: ResolverPayload<N>,
  options: { skip?: boolean } = {},
): Resource<ResolverResult<N>> {
  const skip = options.skip ?? false;
  const [data, setData] = useState<ResolverResult<N>>();
  const [error, setError] = useState<UiError>();
  const [loading, setLoading] = useState(!skip);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  // Payloads are small JSON objects: comparing them by value keeps a fresh `{}` from refetching on every render.
  const payloadKey = JSON.stringify(payload);

  useEffect(() => {
    if (skip) {
      setLoading(false);
      return undefined;
    }
    const request = ++latest.current;
    let active = true;
    setLoading(true);
    setError(undefined);
    call(name, JSON.parse(payloadKey) as ResolverPayload<N>).then(
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
  }, [name, payloadKey, skip, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  const update = useCallback((change: (current: ResolverResult<N>) => ResolverResult<N>) => {
    setData((current) => (current === undefined ? current : change(current)));
  }, []);

  return { data, error, loading, reload, update };
}
