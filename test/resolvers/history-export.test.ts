/**
 * The history export from the admin page, through the real resolver host: switching it on, the secret shown once
 * and never again, a test batch checked by the backend's own receiver, and a delivery that fails (retried with
 * back-off) or is refused (stopped until an admin retries), as the status shows them.
 */
import { updateDoc } from '../../src/services/commit-with-retry';
import {
  createResolverHost,
  createJiraGateway,
  localAccess,
  type FetchLike,
} from '../../src/services/resolvers';
import type {
  AdminPage,
  HistoryExportStatus,
  HistoryTestResult,
  ResolverName,
} from '../../src/contract/resolvers';
import { runExport } from '../../src/services/export/history-export';
import { webhookSink } from '../../src/services/export/webhook-sink';
import * as keys from '../../src/storage/keys';
import type { SqliteStore } from '../../src/storage/sqlite-store';
import { receiveBatch, type QueuedBatch } from '../../history/src/services/receive';
import { caller, NOW, seededStore, WORKSPACE } from './resolver-fixtures';

const URL = 'https://abc123.execute-api.eu-west-1.amazonaws.com/batches';
const silent = { info: () => undefined, warn: () => undefined };

/** The backend's receiver as the endpoint, with the secret it was given; what it queued is kept. */
function receiverAt(secret: () => string | undefined, queued: QueuedBatch[]): FetchLike {
  return async (_url, init) => {
    const answer = await receiveBatch(
      {
        secrets: async () => [secret() ?? 'whsec_bm90LXRoZS1zZWNyZXQtYXQtYWxsLXJlYWxseQ=='],
        raw: { put: async () => undefined, get: async () => '' },
        queue: { send: async (m) => void queued.push(m) },
        now: () => new Date(),
      },
      init.headers,
      init.body,
    );
    return { status: answer.status, text: async () => JSON.stringify(answer.body) };
  };
}

function setup(store: SqliteStore, fetch: FetchLike) {
  let stored: string | undefined;
  const secrets = { get: async () => stored, set: async (s: string) => void (stored = s) };
  const host = createResolverHost({
    store,
    access: localAccess,
    jira: createJiraGateway({
      tokens: { get: async () => undefined, set: async () => undefined, delete: async () => undefined },
      fetch,
    }),
    now: () => NOW,
    workspace: WORKSPACE,
    historyExport: { secrets, fetch },
  });
  const call = <T>(name: ResolverName, payload: unknown = {}) =>
    host.handle(name, payload, caller()) as Promise<T>;
  return { call, secret: () => stored };
}

it('switches on with an https endpoint only, and shows the secret once', async () => {
  const store = await seededStore();
  const { call, secret } = setup(
    store,
    receiverAt(() => undefined, []),
  );
  expect((await call<AdminPage>('getAdminPage')).historyExport).toMatchObject({
    enabled: false,
    secretSet: false,
    recordsExported: 0,
  });
  expect(await call('saveHistoryExport', { enabled: true })).toMatchObject({
    error: { code: 'invalid', message: expect.stringMatching(/endpoint URL is needed/) },
  });
  expect(
    await call('saveHistoryExport', { enabled: true, endpointUrl: 'http://plain.example.com/b' }),
  ).toMatchObject({ error: { code: 'invalid' } });
  expect(
    await call<HistoryExportStatus>('saveHistoryExport', { enabled: true, endpointUrl: URL }),
  ).toMatchObject({ enabled: true, endpointUrl: URL });
  const { secret: shown } = await call<{ secret: string }>('newHistoryExportSecret');
  expect(shown).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
  expect(secret()).toBe(shown);
  const page = await call<AdminPage>('getAdminPage');
  expect(page.historyExport).toMatchObject({ secretSet: true });
  expect(JSON.stringify(page)).not.toContain(shown);
});

it('sends a test batch the backend verifies, and says why one is refused', async () => {
  const store = await seededStore();
  let receiverSecret: string | undefined = undefined;
  const queued: QueuedBatch[] = [];
  const { call, secret } = setup(
    store,
    receiverAt(() => receiverSecret, queued),
  );
  await call('saveHistoryExport', { enabled: true, endpointUrl: URL });
  await call('newHistoryExportSecret');
  expect(await call<HistoryTestResult>('sendHistoryTestBatch')).toEqual({
    ok: false,
    message: expect.stringMatching(/answered 401: signature check failed: no webhook-signature matches/),
  });
  receiverSecret = secret();
  expect(await call<HistoryTestResult>('sendHistoryTestBatch')).toEqual({
    ok: true,
    message: expect.stringContaining('answered OK'),
  });
  expect(queued).toEqual([]);
});

it('retries a batch the receiver could not take, stops at one it refuses, and an admin can retry', async () => {
  const store = await seededStore();
  let status = 503;
  const answers: FetchLike = async () => ({
    status,
    text: async () =>
      JSON.stringify({ message: status === 400 ? 'invalid batch: records.3.result' : 'busy' }),
  });
  const { call } = setup(store, answers);
  await call('saveHistoryExport', { enabled: true, endpointUrl: URL });
  await call('newHistoryExportSecret');
  const config = (await store.getDoc(keys.exportConfig(WORKSPACE)))?.value;
  await updateDoc(store, keys.exportConfig(WORKSPACE), () => ({
    ...(config ?? { destination: URL, generation: 'g', enabled: true }),
    enabledAt: new Date(NOW.getTime() - 3_600_000).toISOString(),
  }));
  const exportOnce = () =>
    runExport(
      { store, now: () => NOW, log: silent },
      {
        workspace: WORKSPACE,
        sink: webhookSink({
          url: URL,
          secret: async () => 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0',
          fetch: answers,
          now: () => NOW,
        }),
        settleSeconds: 960,
      },
    );

  expect(await exportOnce()).toMatchObject({
    outcome: 'backing-off',
    batches: 0,
    retryAt: new Date(NOW.getTime() + 60_000).toISOString(),
  });
  expect(await call<HistoryExportStatus>('getHistoryExport')).toMatchObject({
    phase: 'journal',
    lastError: { message: 'the receiver answered 503: busy', status: 503 },
    nextAttemptAt: expect.any(String),
    parked: false,
    lagSeconds: expect.any(Number),
  });
  // Still backing off: the next run sends nothing.
  expect(await exportOnce()).toMatchObject({ outcome: 'backing-off', batches: 0 });
  await call('retryHistoryExport');
  status = 400;
  expect(await exportOnce()).toMatchObject({ outcome: 'parked' });
  expect(await call<HistoryExportStatus>('getHistoryExport')).toMatchObject({
    parked: true,
    lastError: { status: 400, message: expect.stringContaining('records.3.result') },
  });
  expect(await exportOnce()).toMatchObject({ outcome: 'parked', batches: 0 });
  await call('retryHistoryExport');
  status = 202;
  const done = await exportOnce();
  expect(done.outcome).toBe('up-to-date');
  expect(done.records).toBeGreaterThan(0);
  expect(await call<HistoryExportStatus>('getHistoryExport')).toMatchObject({
    parked: false,
    recordsExported: done.records,
    batchesSent: done.batches,
  });
});
