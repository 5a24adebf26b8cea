/**
 * The Slack slash command, e.g. `/pipeline-insights flaky web-app` or `/pipeline-insights health`.
 *
 * Slack signs each request (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing secret, "v0:" + X-Slack-Request-Timestamp + ":" + raw body))`.
 * The signature is checked before the body is parsed, the 5-minute window first, the digests compared in constant
 * time. Slack wants an answer within 3 s: the web trigger answers a fixed acknowledgement, and a queued job posts
 * the real answer to the command's `response_url`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ChatMessage } from '../chat/message';
import { renderSlack, type SlackPayload } from '../chat/slack';
import { daysAgo, weekOf } from '../domain/time';
import { pct } from '../report/format';
import * as keys from '../storage/keys';
import type { Store } from '../storage/store';
import { monitoredRepositories } from './notifications/notify';
import { repoVerdicts } from './verdicts';
import { workspaceDetectorConfig } from './settings';

export const SLACK_SIGNATURE_WINDOW_SECONDS = 300;

export type SignatureCheck =
  { ok: true } | { ok: false; reason: 'no-secret' | 'missing-headers' | 'stale' | 'mismatch' };

type Headers = Record<string, string | string[] | undefined>;

/** A header by name, whatever its case; Forge gives each header as a list of values. */
export function header(headers: Headers, name: string): string | undefined {
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  const value = found?.[1];
  return Array.isArray(value) ? value[0] : value;
}

export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex')}`;
}

/** Verifies a request from Slack before anything reads its body. */
export function verifySlackRequest(
  secret: string | undefined,
  headers: Headers,
  rawBody: string,
  nowMs: number,
): SignatureCheck {
  if (!secret) return { ok: false, reason: 'no-secret' };
  const timestamp = header(headers, 'x-slack-request-timestamp');
  const signature = header(headers, 'x-slack-signature');
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, reason: 'missing-headers' };
  // The window first: an old request replayed is refused without computing anything from its body.
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_SIGNATURE_WINDOW_SECONDS)
    return { ok: false, reason: 'stale' };
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  const same = given.length === expected.length && timingSafeEqual(given, expected);
  return same ? { ok: true } : { ok: false, reason: 'mismatch' };
}

export interface SlackCommand {
  text: string;
  responseUrl: string;
  userId?: string;
}

/** The fields of a (verified) slash command body; undefined when it is not one, or answers somewhere else than Slack. */
export function parseSlackCommand(rawBody: string): SlackCommand | undefined {
  const form = new URLSearchParams(rawBody);
  const responseUrl = form.get('response_url') ?? '';
  let url: URL;
  try {
    url = new URL(responseUrl);
  } catch {
    return undefined;
  }
  // The answer goes over the app's egress to Slack only: a response_url elsewhere is not followed.
  if (url.protocol !== 'https:' || url.hostname !== 'hooks.slack.com') return undefined;
  const userId = form.get('user_id') ?? undefined;
  return {
    text: (form.get('text') ?? '').trim().slice(0, 500),
    responseUrl: url.toString(),
    ...(userId ? { userId } : {}),
  };
}

const HELP: ChatMessage = {
  title: 'Pipeline Insights commands',
  sections: [
    {
      lines: [
        '/pipeline-insights flaky <repository>: the flaky tests of a repository',
        '/pipeline-insights health: every repository side by side',
      ],
    },
  ],
};

async function flakyAnswer(store: Store, workspace: string, slug: string): Promise<ChatMessage> {
  const repos = await monitoredRepositories({ store }, workspace);
  const repo = repos.find((r) => r.repoSlug === slug);
  if (!repo) {
    const known = repos.map((r) => r.repoSlug).sort();
    return {
      title: `No monitored repository is called "${slug}"`,
      sections: [
        { lines: known.length ? [`Known: ${known.join(', ')}`] : ['No repository is recorded yet.'] },
      ],
    };
  }
  const config = await workspaceDetectorConfig(store, workspace);
  const flaky = (await repoVerdicts(store, repo, config)).filter(
    (v) => v.label === 'flaky' && !v.quarantined,
  );
  return {
    title: `${repo.repoSlug}: ${flaky.length} flaky ${flaky.length === 1 ? 'test' : 'tests'}`,
    sections: [
      {
        lines: flaky.length
          ? flaky.map((v) => `${v.name} (${v.step}, score ${Math.round((v.flakinessScore ?? 0) * 100)}%)`)
          : ['None: every failure is explained.'],
      },
    ],
    footer: 'Quarantined tests are left out.',
  };
}

async function healthAnswer(store: Store, workspace: string, now: Date): Promise<ChatMessage> {
  const repos = await monitoredRepositories({ store }, workspace);
  const sinceWeek = weekOf(daysAgo(now, 28).toISOString());
  const lines: string[] = [];
  const config = await workspaceDetectorConfig(store, workspace);
  for (const repo of [...repos].sort((a, b) => a.repoSlug.localeCompare(b.repoSlug))) {
    const stats = await store.getDoc(keys.pipelineStats(repo.repoUuid));
    const weeks = (stats?.value.weeks ?? []).filter((w) => w.week >= sinceWeek);
    const runs = weeks.reduce((n, w) => n + w.runs, 0);
    const finished = runs - weeks.reduce((n, w) => n + w.stopped, 0);
    const ok = weeks.reduce((n, w) => n + w.successful, 0);
    const verdicts = (await repoVerdicts(store, repo, config)).filter((v) => !v.quarantined);
    const flaky = verdicts.filter((v) => v.label === 'flaky').length;
    const broken = verdicts.filter((v) => v.label === 'broken').length;
    lines.push(
      `${repo.repoSlug}: ${runs} pipelines, ${pct(finished ? ok / finished : undefined)} successful, ${flaky} flaky, ${broken} broken`,
    );
  }
  return {
    title: 'Pipeline health, last 4 weeks',
    sections: [{ lines: lines.length ? lines : ['No repository is recorded yet.'] }],
  };
}

/** The answer to a command, as a Slack message for `response_url` (only the person who asked sees it). */
export async function answerSlackCommand(
  store: Store,
  workspace: string,
  text: string,
  now: Date,
): Promise<SlackPayload & { response_type: 'ephemeral' }> {
  const [verb, arg] = text.split(/\s+/);
  const message =
    verb === 'flaky' && arg
      ? await flakyAnswer(store, workspace, arg)
      : verb === 'health'
        ? await healthAnswer(store, workspace, now)
        : HELP;
  return { response_type: 'ephemeral', ...renderSlack(message) };
}
