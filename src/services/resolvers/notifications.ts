/**
 * Workspace-admin resolvers of the Notifications tab: which alerts go out, the digest schedule, the merge check's
 * per-repository setting, the Slack and Teams webhook URLs and the Slack signing secret. URLs and the secret go to
 * the secret store and never come back to the page: it sees whether one is stored, a hint of it, and the last
 * delivery of each channel.
 */
import {
  DEFAULT_MERGE_CHECK_SETTINGS,
  type ChannelStatus,
  type ChatChannel,
  type MergeCheckSettings,
  type NotificationSettings,
  type NotificationsPage,
} from '../../contract/gates';
import * as keys from '../../storage/keys';
import { readDocs } from '../../storage/read-docs';
import { commitWithRetry } from '../commit-with-retry';
import { loadMergeCheckSettings } from '../merge-check';
import {
  channelStatus,
  checkWebhookUrl,
  postOnce,
  recordDelivery,
  renderFor,
  WebhookUrlError,
  type SecretStore,
} from '../notifications/channels';
import {
  loadNotificationSettings,
  monitoredRepositories,
  testMessage,
  withNotificationDefaults,
} from '../notifications/notify';
import { applyEdits } from '../settings';
import { ResolverError } from './errors';
import type { ResolverDeps } from './deps';

function secretsOf(deps: ResolverDeps): SecretStore {
  if (!deps.secrets) throw new ResolverError('not-configured', 'Notifications are not available here.');
  return deps.secrets;
}

export async function notificationsPage(deps: ResolverDeps): Promise<NotificationsPage> {
  const secrets = secretsOf(deps);
  const repos = await monitoredRepositories(deps, deps.workspace);
  return {
    settings: await loadNotificationSettings(deps.store, deps.workspace),
    mergeCheck: await loadMergeCheckSettings(deps.store, deps.workspace),
    channels: {
      slack: await channelStatus(deps.store, secrets, deps.workspace, 'slack'),
      teams: await channelStatus(deps.store, secrets, deps.workspace, 'teams'),
    },
    slackCommand: { signingSecretSet: Boolean(await secrets.get(keys.SECRET_NAMES.slackSigningSecret)) },
    repos: repos
      .map((r) => ({ repoUuid: r.repoUuid, slug: r.repoSlug }))
      .sort((a, b) => a.slug.localeCompare(b.slug)),
  };
}

type NotificationForm = { settings: NotificationSettings; mergeCheck: MergeCheckSettings };

/**
 * Both documents in one conditional commit. Only the fields the form changed from what it was loaded with (`base`)
 * are saved over what is stored, so a form loaded before another admin's save does not revert it.
 */
export async function saveNotificationSettings(
  deps: ResolverDeps,
  p: NotificationForm & { base: NotificationForm },
): Promise<NotificationForm> {
  const named = {
    settings: keys.notificationSettings(deps.workspace),
    mergeCheck: keys.mergeCheckSettings(deps.workspace),
  };
  let saved: NotificationForm = { settings: p.settings, mergeCheck: p.mergeCheck };
  await commitWithRetry(deps.store, async () => {
    const current = await readDocs(deps.store, named);
    saved = {
      settings: applyEdits(withNotificationDefaults(current.settings?.value), p.base.settings, p.settings),
      mergeCheck: applyEdits(
        { ...DEFAULT_MERGE_CHECK_SETTINGS, ...current.mergeCheck?.value },
        p.base.mergeCheck,
        p.mergeCheck,
      ),
    };
    return [
      {
        kind: 'put',
        key: named.settings,
        value: saved.settings,
        expectedVersion: current.settings?.version ?? 0,
      },
      {
        kind: 'put',
        key: named.mergeCheck,
        value: saved.mergeCheck,
        expectedVersion: current.mergeCheck?.version ?? 0,
      },
    ];
  });
  return saved;
}

/** Stores (or, without a URL, removes) a channel's webhook URL after checking where it points. */
export async function saveChatWebhook(
  deps: ResolverDeps,
  p: { channel: ChatChannel; url?: string },
): Promise<ChannelStatus> {
  const secrets = secretsOf(deps);
  const name = keys.SECRET_NAMES[p.channel];
  if (p.url === undefined) await secrets.delete(name);
  else {
    try {
      await secrets.set(
        name,
        checkWebhookUrl(p.channel, p.url, { allowLoopback: deps.allowLoopbackWebhooks }),
      );
    } catch (error) {
      if (error instanceof WebhookUrlError) throw new ResolverError('invalid', error.message);
      throw error;
    }
  }
  return channelStatus(deps.store, secrets, deps.workspace, p.channel);
}

/** "Send a test message": one attempt now, its outcome recorded like any delivery and shown at once. */
export async function sendTestMessage(
  deps: ResolverDeps,
  p: { channel: ChatChannel },
): Promise<ChannelStatus> {
  const secrets = secretsOf(deps);
  const url = await secrets.get(keys.SECRET_NAMES[p.channel]);
  if (!url)
    throw new ResolverError(
      'not-configured',
      `Save a ${p.channel === 'slack' ? 'Slack' : 'Teams'} webhook URL first.`,
    );
  if (!deps.postWebhook) throw new ResolverError('not-configured', 'Messages cannot be sent from here.');
  const message = testMessage(deps.workspace);
  // One attempt: the person waits for the answer, so nothing is retried behind their back.
  const outcome = await postOnce(deps.postWebhook, p.channel, url, renderFor(p.channel, message), 1, {
    ...NO_RETRY,
  });
  await recordDelivery(deps.store, deps.workspace, p.channel, 'test message', outcome, deps.now());
  return channelStatus(deps.store, secrets, deps.workspace, p.channel);
}

const NO_RETRY = {
  maxAttempts: 1,
  baseDelaySeconds: 0,
  maxDelaySeconds: 0,
  retryStatuses: [],
  timeoutMs: 10_000,
};

export async function saveSlackSigningSecret(
  deps: ResolverDeps,
  p: { secret?: string },
): Promise<{ signingSecretSet: boolean }> {
  const secrets = secretsOf(deps);
  if (p.secret) await secrets.set(keys.SECRET_NAMES.slackSigningSecret, p.secret);
  else await secrets.delete(keys.SECRET_NAMES.slackSigningSecret);
  return { signingSecretSet: Boolean(p.secret) };
}
