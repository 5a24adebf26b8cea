/**
 * Injected failures for the simulated API, decided by a seeded PRNG so a run can be replayed: rate-limit
 * answers, server errors, requests that hang past the client's timeout, and bodies cut in the middle.
 */
import { createRng, type Rng } from './prng';

/** `403`/`404`: a refusal for good, e.g. a scope the installation lacks or a repository gone (use with `only`). */
export type FaultKind = '403' | '404' | '429' | '500' | '502' | '503' | 'timeout' | 'truncated';

export interface FaultConfig {
  /** Share of requests that fail, 0..1. */
  rate: number;
  kinds: FaultKind[];
  seed: number;
  /** How long a `timeout` fault holds the request before answering; keep it above the client's timeout. */
  hangMs?: number;
  /** Also fault the log server's requests (off by default). */
  logServer?: boolean;
  /** Endpoint names to spare (e.g. `repositories.list`). */
  spare?: string[];
  /** When set, only these endpoint names fail. */
  only?: string[];
  /** When set, only requests for these repositories (slug or uuid, as in the path) fail. */
  repos?: string[];
}

export class FaultInjector {
  private rng: Rng;

  constructor(private config: FaultConfig | undefined) {
    this.rng = createRng(config?.seed ?? 0);
  }

  set(config: FaultConfig | undefined): void {
    this.config = config;
    this.rng = createRng(config?.seed ?? 0);
  }

  get hangMs(): number {
    return this.config?.hangMs ?? 3000;
  }

  /** The fault for this request, if any. Consumes randomness only when faults are configured. */
  next(endpoint: string, onLogServer: boolean, repo?: string): FaultKind | undefined {
    const config = this.config;
    if (!config || config.rate <= 0 || config.kinds.length === 0) return undefined;
    if (onLogServer && !config.logServer) return undefined;
    if (config.spare?.includes(endpoint)) return undefined;
    if (config.only && !config.only.includes(endpoint)) return undefined;
    if (
      config.repos &&
      !config.repos.some((r) => repo !== undefined && r.replace(/[{}]/g, '') === repo.replace(/[{}]/g, ''))
    )
      return undefined;
    const roll = this.rng.next();
    const kind = this.rng.pick(config.kinds);
    return roll < config.rate ? kind : undefined;
  }
}

/** Bodies the way each failure arrives from Bitbucket's edge: 429 is plain text with no Retry-After. */
export function faultBody(kind: Exclude<FaultKind, 'timeout' | 'truncated'>): {
  contentType: string;
  body: string;
} {
  switch (kind) {
    case '429':
      return {
        contentType: 'text/plain; charset=utf-8',
        body: 'Rate limit for this resource has been exceeded',
      };
    case '404':
      return {
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ type: 'error', error: { message: 'Repository not found' } }),
      };
    case '403':
      return {
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({
          type: 'error',
          error: { message: 'Your credentials lack one or more required privilege scopes.' },
        }),
      };
    case '500':
      return {
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ type: 'error', error: { message: 'Something went wrong' } }),
      };
    case '502':
      return { contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    case '503':
      return {
        contentType: 'text/html',
        body: '<html><body><h1>503 Service Unavailable</h1>Back soon.</body></html>',
      };
  }
}
