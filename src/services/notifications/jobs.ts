/**
 * The queued side of notifications on Forge: the hourly trigger claims what is due (alerts not sent yet, the digest
 * when its hour comes) and queues one job per message and channel; the consumer sends one message per job and tells
 * the queue when to try again. The Slack command's answer is a job on the same queue.
 */
import { z } from 'zod';
import type { ChatChannel } from '../../contract/gates';
import type { ChatMessage } from '../../chat/message';
import * as keys from '../../storage/keys';
import type { Store } from '../../storage/store';
import { answerSlackCommand } from '../slack-command';
import { deriveAlerts } from './alerts';
import {
  configuredChannels,
  NOTIFY_RETRY,
  postOnce,
  renderFor,
  type DeliveryOutcome,
  type SecretStore,
  type WebhookPost,
} from './channels';
import {
  buildDigest,
  claim,
  claimAlerts,
  digestDue,
  digestKey,
  loadNotificationSettings,
  monitoredRepositories,
  settle,
} from './notify';

const messageSchema: z.ZodType<ChatMessage> = z.object({
  title: z.string(),
  sections: z.array(
    z.object({
      heading: z.string().optional(),
      facts: z.array(z.object({ title: z.string(), value: z.string() })).optional(),
      lines: z.array(z.string()),
    }),
  ),
  links: z.array(z.object({ text: z.string(), url: z.string() })).optional(),
  footer: z.string().optional(),
});

const channel = z.enum(['slack', 'teams']);

export const notifyJobSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('alert'),
    workspaceUuid: z.string(),
    channel,
    key: z.string(),
    message: messageSchema,
  }),
  z.object({
    kind: z.literal('digest'),
    workspaceUuid: z.string(),
    channel,
    key: z.string(),
    period: z.enum(['day', 'week']),
  }),
  z.object({
    kind: z.literal('slack-command'),
    workspaceUuid: z.string(),
    text: z.string().max(500),
    responseUrl: z.string().url(),
  }),
]);

export type NotifyJob = z.infer<typeof notifyJobSchema>;

export interface JobDeps {
  store: Store;
  secrets: SecretStore;
  post: WebhookPost;
  now: () => Date;
}

/** The hourly trigger: claims what is due for every channel with a webhook and queues it. Answers what it queued. */
export async function runNotifyTick(
  deps: JobDeps & { push: (jobs: NotifyJob[]) => Promise<void> },
  workspace: string,
): Promise<NotifyJob[]> {
  const targets = await configuredChannels(deps.secrets);
  if (!targets.length) return [];
  const now = deps.now();
  const settings = await loadNotificationSettings(deps.store, workspace);
  const repos = await monitoredRepositories(deps, workspace);
  const events = settings.alerts.length
    ? await deriveAlerts(deps.store, { workspace, repos, settings, now })
    : [];
  const period = digestDue(settings, now);
  const jobs: NotifyJob[] = [];
  for (const { channel: c } of targets) {
    for (const e of await claimAlerts(deps.store, workspace, c, events, now))
      jobs.push({ kind: 'alert', workspaceUuid: workspace, channel: c, key: e.key, message: e.message });
    if (period && (await claim(deps.store, workspace, c, digestKey(period, now), now))) {
      jobs.push({
        kind: 'digest',
        workspaceUuid: workspace,
        channel: c,
        key: digestKey(period, now),
        period,
      });
    }
  }
  for (let i = 0; i < jobs.length; i += 20) await deps.push(jobs.slice(i, i + 20));
  return jobs;
}

/** What the consumer tells the queue: done, or come back after `retryAfterSeconds`. */
export type JobResult =
  { done: true; outcome: DeliveryOutcome['kind'] } | { done: false; retryAfterSeconds: number };

async function sendToChannel(
  deps: JobDeps,
  job: Extract<NotifyJob, { kind: 'alert' | 'digest' }>,
  attempt: number,
): Promise<JobResult> {
  const ws = job.workspaceUuid;
  const url = await deps.secrets.get(keys.SECRET_NAMES[job.channel as ChatChannel]);
  const what =
    job.kind === 'alert' ? job.message.title : `${job.period === 'day' ? 'daily' : 'weekly'} digest`;
  if (!url) {
    await settle(
      deps.store,
      ws,
      job.channel,
      job.key,
      what,
      { kind: 'failed', reason: 'no webhook URL is stored any more' },
      deps.now(),
    );
    return { done: true, outcome: 'failed' };
  }
  const message =
    job.kind === 'alert'
      ? job.message
      : await buildDigest(deps.store, {
          workspace: ws,
          repos: await monitoredRepositories(deps, ws),
          period: job.period,
          now: deps.now(),
        });
  const outcome = await postOnce(deps.post, job.channel, url, renderFor(job.channel, message), attempt);
  if (outcome.kind === 'retry') return { done: false, retryAfterSeconds: outcome.afterSeconds };
  await settle(deps.store, ws, job.channel, job.key, what, outcome, deps.now());
  return { done: true, outcome: outcome.kind };
}

/** Slack keeps a `response_url` usable for 30 minutes: a few tries, not more. */
const RESPONSE_URL_RETRY = { ...NOTIFY_RETRY, maxAttempts: 3, baseDelaySeconds: 10 };

async function answerCommand(
  deps: JobDeps,
  job: Extract<NotifyJob, { kind: 'slack-command' }>,
  attempt: number,
): Promise<JobResult> {
  const answer = await answerSlackCommand(deps.store, job.workspaceUuid, job.text, deps.now());
  const outcome = await postOnce(deps.post, 'slack', job.responseUrl, answer, attempt, RESPONSE_URL_RETRY);
  return outcome.kind === 'retry'
    ? { done: false, retryAfterSeconds: outcome.afterSeconds }
    : { done: true, outcome: outcome.kind };
}

/** One job of the "notify" queue; `attempt` is 1 on the first delivery (Forge's retry count + 1). */
export async function handleNotifyJob(deps: JobDeps, job: NotifyJob, attempt: number): Promise<JobResult> {
  return job.kind === 'slack-command' ? answerCommand(deps, job, attempt) : sendToChannel(deps, job, attempt);
}
