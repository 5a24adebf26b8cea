/**
 * The Slack slash command: Slack's own signing example, the 5-minute window, a tampered body, the web trigger's
 * static answers, and the queued job that posts the real answer to `response_url`.
 */
import { kvsSecrets, slackCommandHandler, type NotifyEdges } from '../../src/forge/notifications';
import { fetchPost } from '../../src/services/notifications/channels';
import { handleNotifyJob, type NotifyJob } from '../../src/services/notifications/jobs';
import { parseSlackCommand, slackSignature, verifySlackRequest } from '../../src/services/slack-command';
import * as keys from '../../src/storage/keys';
import { FakeKvs, FakeQueue } from '../support/forge-fakes';
import { startReceiver } from '../support/webhook-receiver';
import { FLAKY, REPO, seededStore, WORKSPACE } from '../resolvers/resolver-fixtures';

/** The worked example of "Verifying requests from Slack" (docs.slack.dev/authentication/verifying-requests-from-slack). */
const DOC = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body: 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const at = (secondsAfter: number) => (Number(DOC.timestamp) + secondsAfter) * 1000;
const headers = (over: Record<string, string> = {}) => ({
  'X-Slack-Request-Timestamp': DOC.timestamp,
  'X-Slack-Signature': DOC.signature,
  ...over,
});

describe("Slack's request signature", () => {
  it("matches Slack's documented example", () => {
    expect(slackSignature(DOC.secret, DOC.timestamp, DOC.body)).toBe(DOC.signature);
    expect(verifySlackRequest(DOC.secret, headers(), DOC.body, at(60))).toEqual({ ok: true });
  });

  it('refuses a request outside the 5-minute window, either way, before looking at the body', () => {
    expect(verifySlackRequest(DOC.secret, headers(), DOC.body, at(301))).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifySlackRequest(DOC.secret, headers(), DOC.body, at(-301))).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifySlackRequest(DOC.secret, headers(), DOC.body, at(300))).toEqual({ ok: true });
  });

  it('refuses a changed body, another secret, a missing header, a truncated signature and no secret at all', () => {
    expect(
      verifySlackRequest(DOC.secret, headers(), DOC.body.replace('text=', 'text=health'), at(1)),
    ).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySlackRequest('another-secret', headers(), DOC.body, at(1))).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(
      verifySlackRequest(DOC.secret, { 'X-Slack-Request-Timestamp': DOC.timestamp }, DOC.body, at(1)),
    ).toEqual({ ok: false, reason: 'missing-headers' });
    expect(
      verifySlackRequest(
        DOC.secret,
        headers({ 'X-Slack-Signature': DOC.signature.slice(0, 20) }),
        DOC.body,
        at(1),
      ),
    ).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySlackRequest(undefined, headers(), DOC.body, at(1))).toEqual({
      ok: false,
      reason: 'no-secret',
    });
  });

  it('reads headers as Forge gives them: lower case, each a list', () => {
    const forgeHeaders = {
      'x-slack-request-timestamp': [DOC.timestamp],
      'x-slack-signature': [DOC.signature],
    };
    expect(verifySlackRequest(DOC.secret, forgeHeaders, DOC.body, at(5))).toEqual({ ok: true });
  });

  it('follows only a response_url on hooks.slack.com', () => {
    expect(parseSlackCommand(DOC.body)).toEqual({
      text: '',
      responseUrl: 'https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN',
      userId: 'U2CERLKJA',
    });
    expect(parseSlackCommand(DOC.body.replace('hooks.slack.com', 'evil.example'))).toBeUndefined();
  });
});

describe('the Slack command on Forge', () => {
  const WORKSPACE_UUID = '99999999-8888-4777-8666-555555555555';
  const context = { installContext: `ari:cloud:bitbucket::workspace/${WORKSPACE_UUID}` };

  async function trigger(secret?: string) {
    const kvs = new FakeKvs();
    const secrets = kvsSecrets(kvs);
    if (secret) await secrets.set(keys.SECRET_NAMES.slackSigningSecret, secret);
    const queue = new FakeQueue<NotifyJob>('notify');
    const edges: NotifyEdges = {
      store: () => {
        throw new Error('the web trigger reads no stored data');
      },
      secrets,
      post: async () => ({ status: 500, body: '' }),
      push: async (jobs) => void (await queue.push(jobs.map((body) => ({ body })))),
      now: () => new Date(at(2)),
      log: { info: () => undefined, warn: () => undefined },
    };
    return { handler: slackCommandHandler(edges), queue };
  }

  const request = (body: string, over: Record<string, string[]> = {}) => ({
    method: 'POST',
    headers: {
      'x-slack-request-timestamp': [DOC.timestamp],
      'x-slack-signature': [slackSignature(DOC.secret, DOC.timestamp, body)],
      ...over,
    },
    body,
  });

  it('acknowledges a signed command at once and queues the answer', async () => {
    const { handler, queue } = await trigger(DOC.secret);
    const body = DOC.body.replace('text=', 'text=flaky+shop');
    expect(await handler(request(body), context)).toEqual({ outputKey: 'accepted' });
    expect(queue.bodies()).toEqual([
      {
        kind: 'slack-command',
        workspaceUuid: WORKSPACE_UUID,
        text: 'flaky shop',
        responseUrl: 'https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN',
      },
    ]);
  });

  it('rejects a forged or replayed request and queues nothing; without a saved secret, nothing passes', async () => {
    const { handler, queue } = await trigger(DOC.secret);
    expect(await handler({ ...request(DOC.body), body: `${DOC.body}&text=health` }, context)).toEqual({
      outputKey: 'rejected',
    });
    expect(
      await handler(request(DOC.body, { 'x-slack-request-timestamp': ['1531410000'] }), context),
    ).toEqual({ outputKey: 'rejected' });
    expect(queue.bodies()).toEqual([]);
    const unset = await trigger();
    expect(await unset.handler(request(DOC.body), context)).toEqual({ outputKey: 'rejected' });
  });

  it('answers bad-request to a signed body that is not a slash command', async () => {
    const { handler, queue } = await trigger(DOC.secret);
    expect(await handler(request('payload=%7B%7D'), context)).toEqual({ outputKey: 'bad-request' });
    expect(queue.bodies()).toEqual([]);
  });
});

describe('the answer posted to response_url', () => {
  it('lists the flaky tests of a repository verbatim, and the health of every repository', async () => {
    const receiver = await startReceiver();
    try {
      const store = await seededStore();
      const deps = {
        store,
        secrets: kvsSecrets(new FakeKvs()),
        post: fetchPost(),
        now: () => new Date('2026-03-02T12:00:00Z'),
      };
      const job = (text: string): NotifyJob => ({
        kind: 'slack-command',
        workspaceUuid: WORKSPACE,
        text,
        responseUrl: receiver.url('/commands/T1/2/3'),
      });
      expect(await handleNotifyJob(deps, job(`flaky ${REPO.repoSlug}`), 1)).toEqual({
        done: true,
        outcome: 'sent',
      });
      const flaky = JSON.parse(receiver.received[0]?.body ?? '{}') as {
        response_type: string;
        text: string;
        blocks: { text?: { text: string } }[];
      };
      expect(flaky.response_type).toBe('ephemeral');
      expect(flaky.text).toBe('shop: 1 flaky test');
      expect(flaky.blocks.map((b) => b.text?.text ?? '').join('\n')).toContain(
        `${FLAKY.name} (Unit tests, score`,
      );
      await handleNotifyJob(deps, job('health'), 1);
      const health = JSON.parse(receiver.received[1]?.body ?? '{}') as {
        blocks: { text?: { text: string } }[];
      };
      expect(health.blocks.map((b) => b.text?.text ?? '').join('\n')).toMatch(
        /^shop: \d+ pipelines, [\d.]+% successful, 1 flaky, 1 broken$/m,
      );
      await handleNotifyJob(deps, job('flaky nope'), 1);
      expect(JSON.parse(receiver.received[2]?.body ?? '{}')).toMatchObject({
        text: 'No monitored repository is called "nope"',
      });
      receiver.answer({ status: 500 });
      expect(await handleNotifyJob(deps, job('health'), 1)).toEqual({ done: false, retryAfterSeconds: 10 });
      expect(await handleNotifyJob(deps, job('health'), 3)).toEqual({ done: true, outcome: 'failed' });
    } finally {
      await receiver.close();
    }
  });
});
