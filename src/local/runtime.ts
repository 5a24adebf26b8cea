/**
 * The local runtime: the same services as on Forge, with an embedded SQLite store (Forge's limits enforced) and
 * an HTTP transport with a token from the environment.
 */
import path from 'node:path';
import { BitbucketClient, type RetryRecord } from '../bitbucket/client';
import { HttpTransport, authFromEnv, DEFAULT_API_URL } from '../bitbucket/http-transport';
import { MeteredStore } from '../storage/metered-store';
import { SqliteStore } from '../storage/sqlite-store';
import type { Logger, ServiceContext } from '../services/context';

export interface LocalRuntimeOptions {
  dataDir: string;
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
  log: Logger;
  now?: () => Date;
  /** Per request, for every call to Bitbucket. */
  timeoutMs?: number;
  /** Open the store read-only (`report`): writes are refused. */
  readonly?: boolean;
  /** Told of each retry of a Bitbucket call before its wait. */
  onRetry?: (retry: RetryRecord) => void;
}

export interface LocalRuntime extends ServiceContext {
  store: MeteredStore;
  close(): void;
}

export function openLocalRuntime(opts: LocalRuntimeOptions): LocalRuntime {
  const env = opts.env ?? process.env;
  const sqlite = new SqliteStore({ path: path.join(opts.dataDir, 'store.db'), readonly: opts.readonly });
  const store = new MeteredStore(sqlite);
  const transport = new HttpTransport({
    baseUrl: opts.apiUrl ?? env.BITBUCKET_API_URL ?? DEFAULT_API_URL,
    auth: authFromEnv(env),
    timeoutMs: opts.timeoutMs,
  });
  const client = new BitbucketClient({ transport, onRetry: opts.onRetry });
  return { store, client, now: opts.now ?? (() => new Date()), log: opts.log, close: () => sqlite.close() };
}
