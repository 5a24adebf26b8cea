/**
 * What the services need, wired once per runtime: on Forge by `src/forge/runtime.ts` (Forge KVS, requestBitbucket),
 * locally by `src/cli/runtime.ts` (SQLite, HTTP with a token). Services never know which.
 */
import type { BitbucketClient } from '../bitbucket/client';
import type { Store } from '../storage/store';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined };

export interface ServiceContext {
  store: Store;
  client: BitbucketClient;
  now: () => Date;
  log: Logger;
}

/** Retry a read-modify-write on StoreConflictError: concurrent consumers of one repository touch the same aggregates. */
export const MAX_CONFLICT_RETRIES = 12;
