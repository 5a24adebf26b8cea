/**
 * Sending alerts and digests: which are due, which were sent already, and the send itself. Shared by the command
 * line (`notify`, which sends at once and retries in process) and Forge (a scheduled trigger that claims what is
 * due and queues one job per message; the queue's consumer sends and Forge retries). Nothing here runs inside
 * ingestion: a webhook that fails never holds up a pipeline's recording.
 */
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  type ChatChannel,
  type NotificationSettings,
} from '../../contract/gates';
import { digestMessage, type DigestRepo } from '../../chat/digest';
import type { ChatMessage } from '../../chat/message';
import { daysAgo, weekOf } from '../../domain/time';
import type { RepoRef } from '../../domain/types';
import { summarise } from '../../report/summary';
import * as keys from '../../storage/keys';
import type { Store } from '../../storage/store';
import { buildRepoReport } from '../repo-report';
import { knownRepositories, loadSettings } from '../sweep';
import type { ServiceContext } from '../context';
import { deriveAlerts, MAX_ALERTS_PER_RUN, type AlertEvent } from './alerts';
import {
  postWithRetries,
  recordDelivery,
  type DeliveryOutcome,
  type NotifyRetryPolicy,
  type WebhookPost,
} from './channels';

/** How long a sent key is remembered: longer than any alert's look-back, short enough to keep storage bounded. */
export const SENT_MEMORY_DAYS = 90;

export type DigestPeriod = 'day' | 'week';
const PERIOD_DAYS: Record<DigestPeriod, number> = { day: 1, week: 7 };

export async function loadNotificationSettings(
  store: Store,
  workspace: string,
): Promise<NotificationSettings> {
  return withNotificationDefaults((await store.getDoc(keys.notificationSettings(workspace)))?.value);
}

/** Saved notification settings over the defaults (the digest field by field). */
export function withNotificationDefaults(saved: NotificationSettings | undefined): NotificationSettings {
  return {
    ...DEFAULT_NOTIFICATION_SETTINGS,
    ...saved,
    digest: { ...DEFAULT_NOTIFICATION_SETTINGS.digest, ...saved?.digest },
  };
}

/** The repositories the workspace monitors, as recorded by the sweeps. */
export async function monitoredRepositories(
  ctx: Pick<ServiceContext, 'store'>,
  workspace: string,
): Promise<RepoRef[]> {
  const settings = await loadSettings(ctx, workspace);
  const repos = await knownRepositories(ctx, workspace);
  return settings.monitoredRepos.length
    ? repos.filter((r) => settings.monitoredRepos.includes(r.repoUuid))
    : repos;
}

/** The digest of the last day or week: each repository's period report, as one message. */
export async function buildDigest(
  store: Store,
  o: { workspace: string; repos: RepoRef[]; period: DigestPeriod; now: Date; webUrl?: string },
): Promise<ChatMessage> {
  const since = daysAgo(o.now, PERIOD_DAYS[o.period]);
  const parts: DigestRepo[] = [];
  for (const repo of o.repos) {
    const report = await buildRepoReport(store, {
      workspace: o.workspace,
      repo,
      since,
      until: o.now,
      webUrl: o.webUrl ?? 'https://bitbucket.org',
    });
    parts.push({ report, summary: summarise(report, o.period) });
  }
  const name =
    o.repos[0]?.workspace && !o.repos[0].workspace.startsWith('{') ? o.repos[0].workspace : o.workspace;
  return digestMessage(name, o.period, parts, o.webUrl);
}

/** The key of a scheduled digest: one per channel and period. */
export const digestKey = (period: DigestPeriod, now: Date): string =>
  period === 'week'
    ? `digest:week:${weekOf(now.toISOString())}`
    : `digest:day:${now.toISOString().slice(0, 10)}`;

/** Whether the scheduled digest is due in the hour of `now` (the trigger runs hourly; a claimed key makes it once). */
export function digestDue(settings: NotificationSettings, now: Date): DigestPeriod | undefined {
  const { frequency, hourUtc, weekday } = settings.digest;
  if (frequency === 'off' || now.getUTCHours() < hourUtc) return undefined;
  if (frequency === 'day') return 'day';
  const isoWeekday = now.getUTCDay() === 0 ? 7 : now.getUTCDay();
  return isoWeekday >= weekday ? 'week' : undefined;
}

/**
 * Claims a key for a channel (create-only, so two overlapping runs never both send it); false when it was claimed
 * before. The mark expires after SENT_MEMORY_DAYS.
 */
export async function claim(
  store: Store,
  workspace: string,
  channel: ChatChannel,
  key: string,
  now: Date,
): Promise<boolean> {
  return store.setIfAbsent(
    keys.sentMark(workspace, channel, key),
    { at: now.toISOString(), what: key.slice(0, 200), state: 'queued' },
    { ttlSeconds: SENT_MEMORY_DAYS * 86_400 },
  );
}

/** Records what became of a claimed key, and the channel's last delivery for the admin page. */
export async function settle(
  store: Store,
  workspace: string,
  channel: ChatChannel,
  key: string,
  what: string,
  outcome: DeliveryOutcome,
  now: Date,
): Promise<void> {
  if (outcome.kind === 'retry') return;
  await store.set(
    keys.sentMark(workspace, channel, key),
    { at: now.toISOString(), what: key.slice(0, 200), state: outcome.kind },
    { ttlSeconds: SENT_MEMORY_DAYS * 86_400 },
  );
  await recordDelivery(store, workspace, channel, what, outcome, now);
}

/** Alerts due for a channel and not claimed before, claimed now: at most MAX_ALERTS_PER_RUN. */
export async function claimAlerts(
  store: Store,
  workspace: string,
  channel: ChatChannel,
  events: AlertEvent[],
  now: Date,
): Promise<AlertEvent[]> {
  const claimed: AlertEvent[] = [];
  for (const event of events) {
    if (claimed.length >= MAX_ALERTS_PER_RUN) break;
    if (await claim(store, workspace, channel, event.key, now)) claimed.push(event);
  }
  return claimed;
}

export interface SendDeps {
  store: Store;
  post: WebhookPost;
  now: () => Date;
  policy?: NotifyRetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

export interface SentReport {
  channel: ChatChannel;
  what: string;
  outcome: DeliveryOutcome['kind'];
  attempts: number;
  reason?: string;
}

async function sendNow(
  deps: SendDeps,
  workspace: string,
  target: { channel: ChatChannel; url: string },
  key: string | undefined,
  what: string,
  message: ChatMessage,
): Promise<SentReport> {
  const outcome = await postWithRetries(deps.post, target.channel, target.url, message, {
    policy: deps.policy,
    sleep: deps.sleep,
  });
  if (key) await settle(deps.store, workspace, target.channel, key, what, outcome, deps.now());
  else await recordDelivery(deps.store, workspace, target.channel, what, outcome, deps.now());
  return {
    channel: target.channel,
    what,
    outcome: outcome.kind,
    attempts: outcome.attempts,
    ...(outcome.kind === 'failed' ? { reason: outcome.reason } : {}),
  };
}

/** `notify --alerts`: every alert not sent to a channel yet, sent now. */
export async function sendAlertsNow(
  deps: SendDeps,
  o: { workspace: string; channels: { channel: ChatChannel; url: string }[]; webUrl?: string },
): Promise<SentReport[]> {
  const settings = await loadNotificationSettings(deps.store, o.workspace);
  const repos = await monitoredRepositories(deps, o.workspace);
  const events = await deriveAlerts(deps.store, {
    workspace: o.workspace,
    repos,
    settings,
    now: deps.now(),
    webUrl: o.webUrl,
  });
  const out: SentReport[] = [];
  for (const target of o.channels) {
    for (const event of await claimAlerts(deps.store, o.workspace, target.channel, events, deps.now())) {
      out.push(await sendNow(deps, o.workspace, target, event.key, event.message.title, event.message));
    }
  }
  return out;
}

/** `notify --digest day|week`: the digest, sent now to every channel given (not deduplicated: asked for). */
export async function sendDigestNow(
  deps: SendDeps,
  o: {
    workspace: string;
    channels: { channel: ChatChannel; url: string }[];
    period: DigestPeriod;
    webUrl?: string;
  },
): Promise<{ message: ChatMessage; sent: SentReport[] }> {
  const repos = await monitoredRepositories(deps, o.workspace);
  const message = await buildDigest(deps.store, {
    workspace: o.workspace,
    repos,
    period: o.period,
    now: deps.now(),
    webUrl: o.webUrl,
  });
  const sent: SentReport[] = [];
  for (const target of o.channels)
    sent.push(
      await sendNow(
        deps,
        o.workspace,
        target,
        undefined,
        `${o.period === 'day' ? 'daily' : 'weekly'} digest`,
        message,
      ),
    );
  return { message, sent };
}

/** The admin page's "send a test message": one attempt, its outcome recorded and answered. */
export function testMessage(workspace: string): ChatMessage {
  return {
    title: 'Pipeline Insights test message',
    sections: [{ lines: [`This channel will receive the alerts and digests of ${workspace}.`] }],
    footer: 'Sent from the Pipeline Insights settings page.',
  };
}
