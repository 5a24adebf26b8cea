/**
 * Delivery to Slack and Teams webhooks, against a receiver on 127.0.0.1: a 404 is final at once, a 500 or a timeout
 * is tried again a bounded number of times, Retry-After is honoured, and the last failure is what the admin page
 * shows. On Forge the hourly trigger claims each alert once and the queue does the retrying.
 */
import {
  notifySendHandler,
  notifyTickHandler,
  kvsSecrets,
  type NotifyEdges,
} from '../../src/forge/notifications';
import type { NotificationsPage } from '../../src/contract/gates';
import { createJiraGateway, createResolverHost, localAccess } from '../../src/services/resolvers';
import {
  fetchPost,
  NOTIFY_RETRY,
  postWithRetries,
  type SecretStore,
} from '../../src/services/notifications/channels';
import type { NotifyJob } from '../../src/services/notifications/jobs';
import { recordAttempt } from '../../src/services/record-attempt';
import { ForgeKvsStore } from '../../src/storage/forge-kvs-store';
import * as keys from '../../src/storage/keys';
import { FakeClock, FakeKvs, FakeQueue } from '../support/forge-fakes';
import { startReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import {
  anAttempt,
  caller,
  defaultBranchHistory,
  REPO,
  seededStore,
  WORKSPACE,
} from '../resolvers/resolver-fixtures';

const FAST = { ...NOTIFY_RETRY, baseDelaySeconds: 1, timeoutMs: 300 };
const message = {
  title: 'web-app: test broken on main since pipeline #21',
  sections: [{ lines: ['cart.spec.ts › totals include tax'] }],
};
const silent = { info: () => undefined, warn: () => undefined };

describe('posting to a webhook', () => {
  let receiver: WebhookReceiver;
  const sleeps: number[] = [];
  const sleep = async (ms: number) => void sleeps.push(ms);
  beforeAll(async () => (receiver = await startReceiver()));
  afterAll(() => receiver.close());
  beforeEach(() => (sleeps.length = 0));

  const send = (channel: 'slack' | 'teams' = 'slack') =>
    postWithRetries(fetchPost(), channel, receiver.url(), message, { policy: FAST, sleep });

  it('retries a 500 with a growing delay and stops once delivered', async () => {
    receiver.answer({ status: 500 }, { status: 503 }, { status: 200, body: 'ok' });
    expect(await send()).toEqual({ kind: 'sent', attempts: 3 });
    expect(receiver.received).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
    expect(receiver.received[0]?.contentType).toBe('application/json; charset=utf-8');
  });

  it('gives up on a 404 at once: the webhook is gone', async () => {
    receiver.answer({ status: 404, body: 'no_service' });
    expect(await send()).toEqual({ kind: 'failed', reason: 'Slack answered 404 (no_service)', attempts: 1 });
    expect(receiver.received).toHaveLength(1);
  });

  it('tries a failing webhook a bounded number of times', async () => {
    receiver.answer({ status: 500, body: 'internal error, url http://secret' });
    const outcome = await send('teams');
    expect(outcome).toEqual({ kind: 'failed', reason: 'Teams answered 500, 4 attempts', attempts: 4 });
    expect(receiver.received).toHaveLength(NOTIFY_RETRY.maxAttempts);
  });

  it('treats a webhook that does not answer in time like a 5xx', async () => {
    receiver.answer({ status: 200, delayMs: 2000 });
    expect(await send()).toEqual({
      kind: 'failed',
      reason: 'no answer within 0.3 s, 4 attempts',
      attempts: 4,
    });
  });

  it("waits as long as Slack's Retry-After says", async () => {
    receiver.answer({ status: 429, headers: { 'retry-after': '7' } }, { status: 200 });
    expect(await send()).toEqual({ kind: 'sent', attempts: 2 });
    expect(sleeps).toEqual([7000]);
  });
});

function memorySecrets(initial: Record<string, string> = {}): SecretStore {
  const values = new Map(Object.entries(initial));
  return {
    get: async (n) => values.get(n),
    set: async (n, v) => void values.set(n, v),
    delete: async (n) => void values.delete(n),
  };
}

describe('the admin page after a delivery', () => {
  it('shows the last failure of a channel until a delivery succeeds, and never the URL', async () => {
    const receiver = await startReceiver();
    try {
      const store = await seededStore();
      const url = receiver.url('/services/T000/B000/very-secret');
      const host = createResolverHost({
        store,
        access: localAccess,
        jira: createJiraGateway({
          tokens: { get: async () => undefined, set: async () => undefined, delete: async () => undefined },
          fetch: async () => ({ status: 500, text: async () => '' }),
        }),
        now: () => new Date('2026-03-02T12:00:00Z'),
        workspace: WORKSPACE,
        secrets: memorySecrets(),
        postWebhook: fetchPost(),
        allowLoopbackWebhooks: true,
      });
      const call = <T>(name: Parameters<typeof host.handle>[0], payload: unknown) =>
        host.handle(name, payload, caller()) as Promise<T>;
      expect(await call('saveChatWebhook', { channel: 'slack', url })).toEqual({
        configured: true,
        hint: `${new URL(url).host}/…cret`,
      });
      receiver.answer({ status: 410, body: 'channel_is_archived' });
      await call('sendTestMessage', { channel: 'slack' });
      let page = await call<NotificationsPage>('getNotifications', {});
      expect(page.channels.slack.lastError).toEqual({
        at: '2026-03-02T12:00:00.000Z',
        what: 'test message',
        message: 'Slack answered 410 (channel_is_archived)',
      });
      expect(JSON.stringify(page)).not.toContain('very-secret');
      receiver.answer({ status: 200 });
      await call('sendTestMessage', { channel: 'slack' });
      page = await call<NotificationsPage>('getNotifications', {});
      expect(page.channels.slack).toEqual({
        configured: true,
        hint: `${new URL(url).host}/…cret`,
        lastSuccessAt: '2026-03-02T12:00:00.000Z',
      });
      expect(
        await call('saveChatWebhook', {
          channel: 'teams',
          url: 'https://acme.webhook.office.com/webhookb2/x',
        }),
      ).toMatchObject({
        error: { code: 'invalid', message: expect.stringContaining('Office 365 connectors are retired') },
      });
    } finally {
      await receiver.close();
    }
  });
});

describe('notifications on Forge: hourly trigger, queue, consumer', () => {
  const WORKSPACE_UUID = '99999999-8888-4777-8666-555555555555';
  const context = { installContext: `ari:cloud:bitbucket::workspace/${WORKSPACE_UUID}` };
  let receiver: WebhookReceiver;
  beforeAll(async () => (receiver = await startReceiver()));
  afterAll(() => receiver.close());

  async function forgeSetup() {
    const clock = new FakeClock(Date.parse('2026-02-22T12:00:00Z'));
    const kvs = new FakeKvs({ now: clock.now });
    const store = new ForgeKvsStore({ kvs });
    await store.set(keys.repository(WORKSPACE_UUID, REPO.repoUuid), REPO);
    for (const spec of defaultBranchHistory())
      await recordAttempt(store, anAttempt(spec), { retentionDays: 90, now: () => new Date(clock.now()) });
    const secrets = kvsSecrets(kvs);
    await secrets.set(keys.SECRET_NAMES.teams, receiver.url('/teams'));
    const queue = new FakeQueue<NotifyJob>('notify', clock);
    const edges: NotifyEdges = {
      store: () => store,
      secrets,
      post: fetchPost(),
      push: async (jobs) => void (await queue.push(jobs.map((body) => ({ body })))),
      now: () => new Date(clock.now()),
      log: silent,
    };
    return { store, queue, edges, tick: notifyTickHandler(edges), consume: notifySendHandler(edges) };
  }

  it('sends each alert once: a second hourly run queues nothing', async () => {
    receiver.answer({ status: 202 });
    const { queue, tick, consume } = await forgeSetup();
    await tick({}, context);
    const titles = queue.bodies().map((b) => (b.kind === 'alert' ? b.message.title : b.kind));
    expect(titles).toEqual(
      expect.arrayContaining([
        'shop: test broken on main since pipeline #21',
        expect.stringMatching(/^shop: test turned flaky at pipeline #\d+$/),
      ]),
    );
    const report = await queue.drain(consume);
    expect(report).toMatchObject({ retried: 0, failed: [] });
    expect(receiver.received.filter((r) => r.path === '/teams')).toHaveLength(titles.length);
    await tick({}, context);
    expect(queue.size()).toBe(0);
  });

  it('retries a failing webhook through the queue a bounded number of times, records the failure, and does not send it again', async () => {
    receiver.answer({ status: 500 });
    const { store, queue, tick, consume } = await forgeSetup();
    await tick({}, context);
    const jobs = queue.bodies().length;
    const report = await queue.drain(consume, { maxAttempts: 10 });
    expect(report.failed).toEqual([]);
    expect(report.delivered).toBe(jobs * NOTIFY_RETRY.maxAttempts);
    expect(receiver.received).toHaveLength(jobs * NOTIFY_RETRY.maxAttempts);
    expect((await store.get(keys.channelDelivery(WORKSPACE_UUID, 'teams')))?.lastError).toMatchObject({
      message: 'Teams answered 500, 4 attempts',
    });
    await tick({}, context);
    expect(queue.size()).toBe(0);
  });
});
