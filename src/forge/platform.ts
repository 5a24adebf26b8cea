/**
 * What the Forge handlers take from the platform, as one port: Forge KVS (secrets included), the async-events queue,
 * `requestBitbucket` as the app (and `fetch` for other hosts), `requestBitbucket` as the calling user, and egress
 * `fetch` for Jira. `forgePlatform()` builds it from the real Forge packages (src/index.ts); tests pass the fakes of
 * test/support/forge-fakes.ts and drive the same handlers.
 */
import { fetch as forgeFetch } from '@forge/api';
import { Queue, type PushEvent } from '@forge/events';
import { kvs } from '@forge/kvs';
import { forgeFetchApi, type ForgeFetchApi } from '../bitbucket/forge-transport';
import type { Logger } from '../services/context';
import { fetchPost, type WebhookPost } from '../services/notifications/channels';
import type { FetchLike } from '../services/resolvers';
import type { KvsClient } from '../storage/forge-kvs-store';
import { asUserFetch, type UserBitbucketFetch } from './access';

export interface SecretStore {
  getSecret<T>(key: string): Promise<T | undefined>;
  setSecret<T>(key: string, value: T): Promise<void>;
  deleteSecret(key: string): Promise<void>;
}

/** The one queue call used: `new Queue({ key }).push(events)` (≤ 50 events, ≤ 200 KB a push). */
export interface QueuePort {
  push(events: PushEvent[]): Promise<unknown>;
}

export interface ForgePlatform {
  kvs: KvsClient & SecretStore;
  queue: (key: string) => QueuePort;
  /** `api.asApp().requestBitbucket`, and `fetch` for hosts other than Bitbucket's API (log storage). */
  bitbucket: ForgeFetchApi;
  /** `api.asUser().requestBitbucket`: who may see what is asked of Bitbucket as the caller. */
  asUser: UserBitbucketFetch;
  /** Egress `fetch` (Jira). */
  fetch: FetchLike;
  /** Egress POST of a chat message (Slack, Teams Workflows), with a time limit and no redirect followed. */
  webhookPost: WebhookPost;
  now: () => Date;
  log: Logger;
}

/** Logs carry ids and counts only, never payloads (they hold names) or tokens. */
export const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
};

export function forgePlatform(): ForgePlatform {
  return {
    kvs,
    queue: (key) => new Queue({ key }),
    bitbucket: forgeFetchApi,
    asUser: asUserFetch,
    fetch: (url, init) => forgeFetch(url, init),
    // Redirects are not followed: a webhook answers, it does not send the message elsewhere.
    webhookPost: fetchPost((url, init) => forgeFetch(url, { ...init, redirect: 'manual' })),
    now: () => new Date(),
    log: consoleLogger,
  };
}
