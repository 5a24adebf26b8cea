/**
 * Notifications and the Slack command on Forge, thin over src/services/notifications:
 * - `notifyTick` (scheduled, hourly): claims the alerts not sent yet and the digest when due, queues them;
 * - `notifySend` (consumer of the "notify" queue): sends one message, and hands a retry back to the queue;
 * - `slackCommand` (web trigger with a static response, so it is not egress): verifies Slack's signature before
 *   reading the body, queues the command and lets the platform answer Slack's fixed acknowledgement.
 * Webhook URLs and the Slack signing secret are read from Forge's secret store. None of this runs in ingestion.
 */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import type { Logger } from '../services/context';
import type { SecretStore, WebhookPost } from '../services/notifications/channels';
import {
  handleNotifyJob,
  notifyJobSchema,
  runNotifyTick,
  type NotifyJob,
} from '../services/notifications/jobs';
import { parseSlackCommand, verifySlackRequest } from '../services/slack-command';
import * as keys from '../storage/keys';
import { ForgeKvsStore } from '../storage/forge-kvs-store';
import type { Store } from '../storage/store';
import type { ForgePlatform, SecretStore as PlatformSecrets } from './platform';
import { workspaceFromInstallContext } from './runtime';

export const NOTIFY_QUEUE = 'notify';

/** The web trigger's static answers (manifest.yml `webtrigger.response.outputs`). */
export type SlackCommandOutput = 'accepted' | 'rejected' | 'bad-request';

export interface NotifyEdges {
  store: (workspaceUuid: string) => Store;
  secrets: SecretStore;
  post: WebhookPost;
  push: (jobs: NotifyJob[]) => Promise<void>;
  now: () => Date;
  log: Logger;
}

/** Forge's secret store, as the notification services use it. */
export function kvsSecrets(client: PlatformSecrets): SecretStore {
  return {
    get: async (name) => {
      const value = await client.getSecret<string>(name);
      return typeof value === 'string' && value ? value : undefined;
    },
    set: (name, value) => client.setSecret(name, value),
    delete: (name) => client.deleteSecret(name),
  };
}

/** The edges of the notification handlers on Forge, from the platform port. */
export function notifyEdges(platform: ForgePlatform): NotifyEdges {
  return {
    store: () => new ForgeKvsStore({ kvs: platform.kvs }),
    secrets: kvsSecrets(platform.kvs),
    post: platform.webhookPost,
    push: async (jobs) => {
      await platform.queue(NOTIFY_QUEUE).push(jobs.map((body) => ({ body })));
    },
    now: platform.now,
    log: platform.log,
  };
}

interface InvocationContext {
  installContext?: string;
}

export function notifyTickHandler(edges: NotifyEdges) {
  return async (_event: unknown, context?: InvocationContext): Promise<void> => {
    const workspace = workspaceFromInstallContext(context?.installContext);
    const jobs = await runNotifyTick({ ...edges, store: edges.store(workspace) }, workspace);
    if (jobs.length) edges.log.info(`notifications: ${jobs.length} message(s) queued`);
  };
}

export function notifySendHandler(edges: NotifyEdges) {
  return async (event: {
    body?: unknown;
    retryContext?: { retryCount?: number };
  }): Promise<InvocationError | void> => {
    const parsed = notifyJobSchema.safeParse(event.body);
    if (!parsed.success) {
      edges.log.warn('notify job dropped: malformed body');
      return;
    }
    const job = parsed.data;
    const attempt = (event.retryContext?.retryCount ?? 0) + 1;
    const result = await handleNotifyJob({ ...edges, store: edges.store(job.workspaceUuid) }, job, attempt);
    if (!result.done)
      return new InvocationError({
        retryAfter: result.retryAfterSeconds,
        retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
      });
    if (result.outcome === 'failed')
      edges.log.warn(`notify job (${job.kind}) failed for good after ${attempt} attempt(s)`);
  };
}

export interface WebTriggerRequest {
  method?: string;
  headers?: Record<string, string[] | string | undefined>;
  body?: string;
}

export function slackCommandHandler(edges: NotifyEdges) {
  return async (
    request: WebTriggerRequest,
    context?: InvocationContext,
  ): Promise<{ outputKey: SlackCommandOutput }> => {
    const rawBody = request.body ?? '';
    const secret = await edges.secrets.get(keys.SECRET_NAMES.slackSigningSecret);
    const check = verifySlackRequest(secret, request.headers ?? {}, rawBody, edges.now().getTime());
    if (!check.ok) {
      edges.log.warn(`slack command refused: ${check.reason}`);
      return { outputKey: 'rejected' };
    }
    const command = parseSlackCommand(rawBody);
    if (request.method !== 'POST' || !command) return { outputKey: 'bad-request' };
    const workspaceUuid = workspaceFromInstallContext(context?.installContext);
    await edges.push([
      { kind: 'slack-command', workspaceUuid, text: command.text, responseUrl: command.responseUrl },
    ]);
    return { outputKey: 'accepted' };
  };
}
