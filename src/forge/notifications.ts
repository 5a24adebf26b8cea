/**
 * Notifications and the Slack command on Forge, thin over src/services/notifications:
 * - `notifyTick` (scheduled, hourly): claims the alerts not sent yet and the digest when due, queues them;
 * - `notifySend` (consumer of the "notify" queue): sends one message, and hands a retry back to the queue;
 * - `slackCommand` (web trigger with a static response, so it is not egress): verifies Slack's signature before
 *   reading the body, queues the command and lets the platform answer Slack's fixed acknowledgement.
 * Webhook URLs and the Slack signing secret are read from Forge's secret store. None of this runs in ingestion.
 */
import { fetch as forgeFetch } from '@forge/api';
import { InvocationError, InvocationErrorCode, Queue } from '@forge/events';
import { kvs } from '@forge/kvs';
import type { Logger } from '../services/context';
import type { SecretStore, WebhookPost } from '../services/notifications/channels';
import { handleNotifyJob, notifyJobSchema, runNotifyTick, type NotifyJob } from '../services/notifications/jobs';
import { parseSlackCommand, verifySlackRequest } from '../services/slack-command';
import * as keys from '../storage/keys';
import type { Store } from '../storage/store';
import { forgeContext, forgeLogger, workspaceFromInstallContext } from './runtime';

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

/** Forge's secret store through a `@forge/kvs` client. */
export function kvsSecrets(client: Pick<typeof kvs, 'getSecret' | 'setSecret' | 'deleteSecret'> = kvs): SecretStore {
  return {
    get: async (name) => {
      const value = await client.getSecret<string>(name);
      return typeof value === 'string' && value ? value : undefined;
    },
    set: (name, value) => client.setSecret(name, value),
    delete: (name) => client.deleteSecret(name),
  };
}

/** `fetch` from `@forge/api`: through the egress the manifest declares (Slack, the Teams Workflows hosts). */
export const forgePost: WebhookPost = async (url, body, timeoutMs) => {
  const response = await forgeFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const retryAfter = response.headers.get('retry-after') ?? undefined;
  return { status: response.status, body: (await response.text()).slice(0, 500), ...(retryAfter ? { retryAfter } : {}) };
};

const forgeEdges: NotifyEdges = {
  store: (workspaceUuid) => forgeContext(workspaceUuid).store,
  secrets: kvsSecrets(),
  post: forgePost,
  push: async (jobs) => {
    await new Queue({ key: NOTIFY_QUEUE }).push(jobs.map((body) => ({ body })));
  },
  now: () => new Date(),
  log: forgeLogger,
};

interface InvocationContext {
  installContext?: string;
}

export function notifyTickHandler(edges: NotifyEdges = forgeEdges) {
  return async (_event: unknown, context?: InvocationContext): Promise<void> => {
    const workspace = workspaceFromInstallContext(context?.installContext);
    const jobs = await runNotifyTick({ ...edges, store: edges.store(workspace) }, workspace);
    if (jobs.length) edges.log.info(`notifications: ${jobs.length} message(s) queued`);
  };
}

export function notifySendHandler(edges: NotifyEdges = forgeEdges) {
  return async (event: { body?: unknown; retryContext?: { retryCount?: number } }): Promise<InvocationError | void> => {
    const parsed = notifyJobSchema.safeParse(event.body);
    if (!parsed.success) {
      edges.log.warn('notify job dropped: malformed body');
      return;
    }
    const job = parsed.data;
    const attempt = (event.retryContext?.retryCount ?? 0) + 1;
    const result = await handleNotifyJob({ ...edges, store: edges.store(job.workspaceUuid) }, job, attempt);
    if (!result.done) return new InvocationError({ retryAfter: result.retryAfterSeconds, retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST });
    if (result.outcome === 'failed') edges.log.warn(`notify job (${job.kind}) failed for good after ${attempt} attempt(s)`);
  };
}

export interface WebTriggerRequest {
  method?: string;
  headers?: Record<string, string[] | string | undefined>;
  body?: string;
}

export function slackCommandHandler(edges: NotifyEdges = forgeEdges) {
  return async (request: WebTriggerRequest, context?: InvocationContext): Promise<{ outputKey: SlackCommandOutput }> => {
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
    await edges.push([{ kind: 'slack-command', workspaceUuid, text: command.text, responseUrl: command.responseUrl }]);
    return { outputKey: 'accepted' };
  };
}

export const notifyTick = notifyTickHandler();
export const notifySend = notifySendHandler();
export const slackCommand = slackCommandHandler();
