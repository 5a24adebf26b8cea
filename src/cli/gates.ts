/** `merge-check` and `notify`: the merge checks and the Slack / Teams messages, from the command line. */
import type { ChatChannel, MergeCheckKind } from '../contract/gates';
import type { LocalRuntime } from '../local/runtime';
import { runMergeCheck } from '../services/merge-check';
import {
  checkWebhookUrl,
  fetchPost,
  NOTIFY_RETRY,
  WEBHOOK_ENV,
  WebhookUrlError,
  type NotifyRetryPolicy,
  type WebhookPost,
} from '../services/notifications/channels';
import { sendAlertsNow, sendDigestNow, type SentReport } from '../services/notifications/notify';
import { knownRepositories } from '../services/sweep';
import { UsageError } from './input';
import { recordedRepository, type CliValues } from './options';

function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

function parseCheck(value: string | undefined): MergeCheckKind {
  const check = value ?? 'unexplained';
  if (check === 'unexplained' || check === 'new-flaky') return check;
  throw new UsageError('--check must be unexplained or new-flaky');
}

function parsePullRequest(value: string | undefined): number {
  const id = Number(need(value, '--pr'));
  if (!Number.isSafeInteger(id) || id < 1)
    throw new UsageError(`--pr must be a pull request number, not "${String(value).slice(0, 20)}"`);
  return id;
}

/** Prints `{"success": …, "message": …}`; exits 0 when the check passes and 1 when it fails. */
export async function mergeCheckCommand(
  rt: LocalRuntime,
  values: CliValues,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const workspace = need(values.workspace, '--workspace');
  const slug = need(values.repo?.[0], '--repo');
  const pullRequestId = parsePullRequest(values.pr);
  const check = parseCheck(values.check);
  const repo = await recordedRepository(rt, workspace, slug);
  const result = await runMergeCheck(rt, { workspace, repo, pullRequestId, check });
  out.write(`${JSON.stringify({ success: result.success, message: result.message })}\n`);
  return result.success ? 0 : 1;
}

/** Retries of the command line: the same attempts as on Forge, shorter waits (someone is watching). */
const CLI_NOTIFY_RETRY: NotifyRetryPolicy = { ...NOTIFY_RETRY, baseDelaySeconds: 2, maxDelaySeconds: 30 };

/** The webhooks given by flag or environment, checked; the URLs are secrets, so no message repeats them. */
function webhooksOf(values: CliValues, env: NodeJS.ProcessEnv): { channel: ChatChannel; url: string }[] {
  const given: [ChatChannel, string | undefined][] = [
    ['slack', values['slack-webhook'] ?? env[WEBHOOK_ENV.slack]],
    ['teams', values['teams-webhook'] ?? env[WEBHOOK_ENV.teams]],
  ];
  const out: { channel: ChatChannel; url: string }[] = [];
  for (const [channel, raw] of given) {
    if (!raw) continue;
    try {
      out.push({ channel, url: checkWebhookUrl(channel, raw, { allowLoopback: true }) });
    } catch (error) {
      if (error instanceof WebhookUrlError) throw new UsageError(`--${channel}-webhook: ${error.message}`);
      throw error;
    }
  }
  if (!out.length)
    throw new UsageError(
      `give --slack-webhook or --teams-webhook (or set ${WEBHOOK_ENV.slack} or ${WEBHOOK_ENV.teams})`,
    );
  return out;
}

const CHANNEL_NAME: Record<ChatChannel, string> = { slack: 'Slack', teams: 'Teams' };

function reportLine(r: SentReport): string {
  const tries = `${r.attempts} ${r.attempts === 1 ? 'attempt' : 'attempts'}`;
  return r.outcome === 'sent'
    ? `sent to ${CHANNEL_NAME[r.channel]} (${tries}): ${r.what}`
    : `NOT sent to ${CHANNEL_NAME[r.channel]}: ${r.what}: ${r.reason ?? 'failed'}`;
}

/** `notify`: the digest now, or the alerts not sent yet. Exits 1 when a message could not be delivered. */
export async function notifyCommand(
  rt: LocalRuntime,
  values: CliValues,
  out: NodeJS.WritableStream = process.stdout,
  deps: { env?: NodeJS.ProcessEnv; post?: WebhookPost; sleep?: (ms: number) => Promise<void> } = {},
): Promise<number> {
  const workspace = need(values.workspace, '--workspace');
  const digest = values.digest;
  if ((digest === undefined) === !values.alerts) throw new UsageError('give --digest day|week or --alerts');
  if (digest !== undefined && digest !== 'day' && digest !== 'week')
    throw new UsageError('--digest must be day or week');
  const channels = webhooksOf(values, deps.env ?? process.env);
  if (!(await knownRepositories(rt, workspace)).length)
    throw new UsageError(`nothing recorded for ${workspace}: run \`sync --workspace ${workspace}\` first`);
  const send = {
    store: rt.store,
    post: deps.post ?? fetchPost(),
    now: rt.now,
    policy: CLI_NOTIFY_RETRY,
    sleep: deps.sleep,
  };
  const reports = digest
    ? (await sendDigestNow(send, { workspace, channels, period: digest })).sent
    : await sendAlertsNow(send, { workspace, channels });
  if (!reports.length) out.write('no alerts to send: every current one was sent before\n');
  for (const r of reports) out.write(`${reportLine(r)}\n`);
  return reports.some((r) => r.outcome !== 'sent') ? 1 : 0;
}
