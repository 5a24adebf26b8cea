/**
 * Slack and Teams webhooks: where their URLs live (the secret store; never a plain entry, a log line or an error),
 * which URLs are accepted, how one message is posted and retried, and what the admin page is told about the last
 * delivery of each channel.
 *
 * Retry policy as data (STYLE.md): a 2xx is delivered; 408, 429 and 5xx, a timeout or a refused connection are
 * tried again, at most `maxAttempts` times in all, with a growing delay (or Slack's `Retry-After`); any other
 * answer (a deleted webhook's 404, an archived channel's 410, a payload refused with 400) is final at once. A final
 * failure is recorded for the admin page and never retried without end.
 */
import type { ChannelStatus, ChatChannel } from '../../contract/gates';
import type { ChatMessage } from '../../chat/message';
import { renderSlack } from '../../chat/slack';
import { renderTeams } from '../../chat/teams';
import * as keys from '../../storage/keys';
import type { Store } from '../../storage/store';

/** The secret store: Forge's `kvs.getSecret/setSecret/deleteSecret`, or environment variables locally. */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

/** Outside Forge (the command line, the local preview) the webhook URLs may come from these environment variables. */
export const WEBHOOK_ENV: Record<ChatChannel, string> = {
  slack: 'PIPELINE_INSIGHTS_SLACK_WEBHOOK',
  teams: 'PIPELINE_INSIGHTS_TEAMS_WEBHOOK',
};

/** One HTTP POST of a JSON body; throws on a network failure or a timeout. */
export type WebhookPost = (
  url: string,
  body: string,
  timeoutMs: number,
) => Promise<{ status: number; body: string; retryAfter?: string }>;

export interface NotifyRetryPolicy {
  maxAttempts: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  retryStatuses: readonly number[];
  timeoutMs: number;
}

/** On Forge the queue waits between attempts; the delay doubles from 30 s. */
export const NOTIFY_RETRY: NotifyRetryPolicy = {
  maxAttempts: 4,
  baseDelaySeconds: 30,
  maxDelaySeconds: 900,
  retryStatuses: [408, 429, 500, 502, 503, 504],
  timeoutMs: 10_000,
};

export type DeliveryOutcome =
  | { kind: 'sent' }
  | { kind: 'retry'; afterSeconds: number; reason: string }
  | { kind: 'failed'; reason: string };

/** Which hosts a webhook may be on: Slack's, and the Teams Workflows hosts (the app's declared egress). */
export function checkWebhookUrl(
  channel: ChatChannel,
  raw: string,
  opts: { allowLoopback?: boolean } = {},
): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new WebhookUrlError(
      `That is not a URL. Paste the ${channel === 'slack' ? 'Slack incoming webhook' : 'Teams Workflows webhook'} URL.`,
    );
  }
  const loopback =
    opts.allowLoopback &&
    url.protocol === 'http:' &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (loopback) return url.toString();
  if (url.protocol !== 'https:') throw new WebhookUrlError('The webhook URL must start with https://.');
  if (channel === 'slack') {
    if (url.hostname !== 'hooks.slack.com' || !/^\/(services|workflows|triggers)\//.test(url.pathname)) {
      throw new WebhookUrlError(
        'A Slack incoming webhook URL starts with https://hooks.slack.com/services/.',
      );
    }
  } else if (!url.hostname.endsWith('.logic.azure.com') && !url.hostname.endsWith('.api.powerplatform.com')) {
    throw new WebhookUrlError(
      'A Teams Workflows webhook URL is on logic.azure.com or api.powerplatform.com (Office 365 connectors are retired).',
    );
  }
  return url.toString();
}

export class WebhookUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookUrlError';
  }
}

/** What the admin page may show of a stored URL: its host and last four characters. */
export function webhookHint(url: string): string {
  try {
    return `${new URL(url).host}/…${url.slice(-4)}`;
  } catch {
    return '…';
  }
}

export function renderFor(channel: ChatChannel, message: ChatMessage): unknown {
  return channel === 'slack' ? renderSlack(message) : renderTeams(message);
}

function delaySeconds(policy: NotifyRetryPolicy, attempt: number, retryAfter: string | undefined): number {
  const told = retryAfter !== undefined ? Number(retryAfter) : NaN;
  if (Number.isFinite(told) && told >= 0) return Math.min(policy.maxDelaySeconds, Math.ceil(told));
  return Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** (attempt - 1));
}

/** A webhook's answer in a few words, without the URL (it is a secret) and without whatever a body may echo. */
function answerText(channel: ChatChannel, status: number, body: string): string {
  const word = /^[a-z_]{2,60}$/.test(body.trim()) ? ` (${body.trim()})` : '';
  return `${channel === 'slack' ? 'Slack' : 'Teams'} answered ${status}${word}`;
}

/** One attempt (1-based) of posting a payload: delivered, to be tried again later, or failed for good. */
export async function postOnce(
  post: WebhookPost,
  channel: ChatChannel,
  url: string,
  payload: unknown,
  attempt: number,
  policy: NotifyRetryPolicy = NOTIFY_RETRY,
): Promise<DeliveryOutcome> {
  let reason: string;
  let retryAfter: string | undefined;
  try {
    const answer = await post(url, JSON.stringify(payload), policy.timeoutMs);
    if (answer.status >= 200 && answer.status < 300) return { kind: 'sent' };
    reason = answerText(channel, answer.status, answer.body);
    if (!policy.retryStatuses.includes(answer.status)) return { kind: 'failed', reason };
    retryAfter = answer.retryAfter;
  } catch (error) {
    // By name: the DOMException of an aborted fetch need not be an Error of this realm.
    const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    reason = timedOut
      ? `no answer within ${policy.timeoutMs / 1000} s`
      : `could not reach ${channel === 'slack' ? 'Slack' : 'Teams'}`;
  }
  if (attempt >= policy.maxAttempts) return { kind: 'failed', reason: `${reason}, ${attempt} attempts` };
  return { kind: 'retry', afterSeconds: delaySeconds(policy, attempt, retryAfter), reason };
}

/** Posts with every retry in this process (the command line); on Forge the queue does the waiting instead. */
export async function postWithRetries(
  post: WebhookPost,
  channel: ChatChannel,
  url: string,
  message: ChatMessage,
  opts: { policy?: NotifyRetryPolicy; sleep?: (ms: number) => Promise<void> } = {},
): Promise<DeliveryOutcome & { attempts: number }> {
  const policy = opts.policy ?? NOTIFY_RETRY;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    const outcome = await postOnce(post, channel, url, renderFor(channel, message), attempt, policy);
    if (outcome.kind !== 'retry') return { ...outcome, attempts: attempt };
    await sleep(outcome.afterSeconds * 1000);
  }
}

/** Remembers the outcome of a delivery for the admin page: a success clears the last error. */
export async function recordDelivery(
  store: Store,
  workspace: string,
  channel: ChatChannel,
  what: string,
  outcome: DeliveryOutcome,
  now: Date,
): Promise<void> {
  if (outcome.kind === 'retry') return;
  const key = keys.channelDelivery(workspace, channel);
  const current = (await store.get(key)) ?? {};
  const at = now.toISOString();
  await store.set(
    key,
    outcome.kind === 'sent'
      ? { lastSuccessAt: at }
      : {
          ...(current.lastSuccessAt ? { lastSuccessAt: current.lastSuccessAt } : {}),
          lastError: { at, what: what.slice(0, 200), message: outcome.reason.slice(0, 300) },
        },
  );
}

/** The channel's status for the admin page: whether a URL is stored (a hint of it) and the last delivery. */
export async function channelStatus(
  store: Store,
  secrets: SecretStore,
  workspace: string,
  channel: ChatChannel,
): Promise<ChannelStatus> {
  const url = await secrets.get(keys.SECRET_NAMES[channel]);
  const delivery = await store.get(keys.channelDelivery(workspace, channel));
  return { configured: Boolean(url), ...(url ? { hint: webhookHint(url) } : {}), ...delivery };
}

/** The webhook URLs stored for the workspace, by channel. */
export async function configuredChannels(
  secrets: SecretStore,
): Promise<{ channel: ChatChannel; url: string }[]> {
  const out: { channel: ChatChannel; url: string }[] = [];
  for (const channel of ['slack', 'teams'] as const) {
    const url = await secrets.get(keys.SECRET_NAMES[channel]);
    if (url) out.push({ channel, url });
  }
  return out;
}

/** The part of a `fetch` a webhook POST uses: Node's, or `@forge/api`'s on Forge. */
export type PostFetch = (
  url: string,
  init: {
    method: 'POST';
    headers: Record<string, string>;
    body: string;
    redirect: 'error' | 'manual';
    signal: AbortSignal;
  },
) => Promise<{ status: number; text(): Promise<string>; headers: { get(name: string): string | null } }>;

/** The HTTP POST of Node's fetch (the command line, the local preview); Forge passes `@forge/api`'s fetch. */
export function fetchPost(fetchImpl: PostFetch = fetch): WebhookPost {
  return async (url, body, timeoutMs) => {
    const response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return { status: response.status, body: text.slice(0, 500), ...(retryAfter ? { retryAfter } : {}) };
  };
}
