import { updateDoc } from '../../src/services/commit-with-retry';
import { BitbucketClient } from '../../src/bitbucket/client';
import type { CallerContext } from '../../src/contract/caller';
import type { AdminPage, FailuresPage, PrPanel, ResolverName } from '../../src/contract/resolvers';
import { recordAttempt } from '../../src/services/record-attempt';
import { buildRepoReport } from '../../src/services/repo-report';
import type { RepoReport } from '../../src/contract/insights';
import { DEFAULT_MERGE_CHECK_SETTINGS, DEFAULT_NOTIFICATION_SETTINGS } from '../../src/contract/gates';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../../src/contract/settings';
import {
  createJiraGateway,
  createResolverHost,
  localAccess,
  QUARANTINE_VARIABLE,
  type AccessChecker,
  type FetchLike,
  type JiraCredential,
  type JiraGateway,
  type ResolverDeps,
} from '../../src/services/resolvers';
import * as keys from '../../src/storage/keys';
import { MeteredStore } from '../../src/storage/metered-store';
import type { SqliteStore } from '../../src/storage/sqlite-store';
import { percent } from '../../src/domain/analysis/test-wording';
import { stepTestId } from '../../src/domain/test-identity';
import { callLog, json, ScriptedTransport } from '../support/scripted-transport';
import {
  anAttempt,
  BROKEN,
  caller,
  FLAKY,
  FRESH,
  NOW,
  record,
  REPO,
  seededStore,
  WORKSPACE,
} from './resolver-fixtures';

const TOKEN = 'jira-secret-token-123';

/** A secret store holding, from the start when given, a token saved for acme.atlassian.net as ops@acme.test. */
function tokenStore(initial?: string) {
  let credential: JiraCredential | undefined =
    initial === undefined
      ? undefined
      : { site: 'acme.atlassian.net', email: 'ops@acme.test', token: initial };
  return {
    get: async () => credential,
    set: async (c: JiraCredential) => void (credential = c),
    delete: async () => void (credential = undefined),
  };
}

interface FetchCall {
  url: string;
  init: { method: string; headers: Record<string, string>; body: string };
}

function fakeFetch(status: number, body: unknown): FetchLike & { calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const f = async (url: string, init: FetchCall['init']) => {
    calls.push({ url, init });
    return { status, text: async () => JSON.stringify(body) };
  };
  return Object.assign(f, { calls });
}

/** A repository-variables endpoint that keeps its variables, like Bitbucket's. */
function variablesTransport(): { transport: ScriptedTransport; variables: Map<string, string> } {
  const variables = new Map<string, string>();
  const base = `/repositories/${REPO.workspace}/${REPO.repoSlug}/pipelines_config/variables`;
  const transport = ScriptedTransport.handler((req) => {
    if (req.method === 'GET' && req.url.startsWith(base)) {
      return json(200, {
        values: [...variables].map(([key, value]) => ({
          uuid: '{0f0f0f0f-0000-4000-8000-000000000001}',
          key,
          value,
          secured: false,
        })),
      });
    }
    const body = JSON.parse(req.body ?? '{}') as { key: string; value: string };
    if (req.method === 'POST' || req.method === 'PUT') {
      variables.set(body.key, body.value);
      return json(req.method === 'POST' ? 201 : 200, body);
    }
    return json(404, { error: { message: 'no such resource' } });
  });
  return { transport, variables };
}

function hostWith(store: SqliteStore, over: Partial<ResolverDeps> = {}) {
  const deps: ResolverDeps = {
    store,
    access: localAccess,
    jira: createJiraGateway({ tokens: tokenStore(), fetch: fakeFetch(500, {}) }),
    now: () => NOW,
    workspace: WORKSPACE,
    ...over,
  };
  const host = createResolverHost(deps);
  return <T>(name: ResolverName, payload: unknown, who: CallerContext = caller()) =>
    host.handle(name, payload, who) as Promise<T>;
}

const SETTINGS: WorkspaceSettings = {
  monitoredRepos: [],
  branchScope: 'all',
  flakyAlarmThreshold: 0.8,
  flakyRecoveryThreshold: 0.5,
  retentionDays: 90,
  codeInsights: false,
  publishQuarantine: true,
};

const VALID_PAYLOADS: Record<ResolverName, unknown> = {
  getRepoInsights: {},
  getPullRequestPanel: {},
  getFailures: { category: 'test' },
  setQuarantine: { testId: FLAKY.id, quarantined: true },
  setSuggestionStatus: { suggestionId: 'abc', status: 'done' },
  createJiraIssue: { subject: { kind: 'test', testId: FLAKY.id } },
  getAdminPage: {},
  saveSettings: { settings: SETTINGS, base: DEFAULT_SETTINGS },
  saveJiraConnection: {
    site: 'acme.atlassian.net',
    projectKey: 'OPS',
    email: 'ops@acme.test',
    apiToken: TOKEN,
  },
  startBackfill: { days: 30 },
  getNotifications: {},
  saveNotificationSettings: {
    settings: {
      alerts: ['broken'],
      digest: { frequency: 'day', hourUtc: 9, weekday: 1 },
      buildMinutesPerWeek: 500,
    },
    mergeCheck: { passWithoutPipeline: [REPO.repoUuid] },
    base: { settings: DEFAULT_NOTIFICATION_SETTINGS, mergeCheck: DEFAULT_MERGE_CHECK_SETTINGS },
  },
  saveChatWebhook: { channel: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
  sendTestMessage: { channel: 'slack' },
  saveSlackSigningSecret: { secret: 'slack-signing-secret-1' },
  getHistoryExport: {},
  saveHistoryExport: { enabled: true, endpointUrl: 'https://history.example.com/batches' },
  newHistoryExportSecret: {},
  sendHistoryTestBatch: {},
  retryHistoryExport: {},
};

describe('access', () => {
  const denyAll: AccessChecker = {
    canReadRepo: async () => false,
    canWriteRepo: async () => false,
    canAdminWorkspace: async () => false,
  };

  it.each(Object.keys(VALID_PAYLOADS) as ResolverName[])(
    '%s answers forbidden and changes nothing when access is denied',
    async (name) => {
      const store = await seededStore();
      const call = hostWith(store, { access: denyAll });
      const answer = await call<{ error: { code: string } }>(
        name,
        VALID_PAYLOADS[name],
        caller({ pullRequestId: 7 }),
      );
      expect(answer.error.code).toBe('forbidden');
      expect(await store.getDoc(keys.quarantine(REPO.repoUuid))).toBeUndefined();
      expect(await store.getDoc(keys.settings(WORKSPACE))).toBeUndefined();
      expect(await store.getDoc(keys.notificationSettings(WORKSPACE))).toBeUndefined();
      expect(await store.getDoc(keys.mergeCheckSettings(WORKSPACE))).toBeUndefined();
    },
  );

  it('checks the repository of the page, never one named in the payload', async () => {
    const store = await seededStore();
    const asked: string[] = [];
    const access: AccessChecker = {
      canReadRepo: async (_c, repo) => (asked.push(repo), false),
      canWriteRepo: async () => true,
      canAdminWorkspace: async () => true,
    };
    const call = hostWith(store, { access });
    const answer = await call<{ error: { code: string } }>('getRepoInsights', { repoUuid: 'someone-else' });
    expect(answer.error.code).toBe('invalid');
    await call('getRepoInsights', {});
    expect(asked).toEqual([REPO.repoUuid]);
  });

  it('a reader sees everything but may not quarantine or change a suggestion, and gets the Jira create screen', async () => {
    const store = await seededStore();
    const reader: AccessChecker = {
      canReadRepo: async () => true,
      canWriteRepo: async () => false,
      canAdminWorkspace: async () => false,
    };
    const tokenHolder = hostWith(store);
    await tokenHolder('saveJiraConnection', VALID_PAYLOADS.saveJiraConnection);
    const jiraCalls = fakeFetch(201, { key: 'OPS-1' });
    const call = hostWith(store, {
      access: reader,
      jira: createJiraGateway({ tokens: tokenStore(TOKEN), fetch: jiraCalls }),
    });
    expect(await call<RepoReport>('getRepoInsights', {})).toMatchObject({ viewer: { canChange: false } });
    expect(await tokenHolder<RepoReport>('getRepoInsights', {})).toMatchObject({
      viewer: { canChange: true },
    });
    for (const name of ['setQuarantine', 'setSuggestionStatus'] as const) {
      const answer = await call<{ error: { code: string; message: string } }>(name, VALID_PAYLOADS[name]);
      expect(answer.error).toEqual({ code: 'forbidden', message: expect.stringContaining('write access') });
    }
    expect(await store.getDoc(keys.quarantine(REPO.repoUuid))).toBeUndefined();
    const jira = await call<{ mode: string }>('createJiraIssue', {
      subject: { kind: 'test', testId: BROKEN.id },
    });
    expect(jira.mode).toBe('open-create-screen');
    expect(jiraCalls.calls).toEqual([]);
  });

  it('answers invalid for a bad payload', async () => {
    const call = hostWith(await seededStore());
    const answer = await call<{ error: { code: string; message: string } }>('setQuarantine', {
      testId: 'x',
      quarantined: 'yes',
    });
    expect(answer.error.code).toBe('invalid');
    expect(answer.error.message).toContain('quarantined');
  });
});

describe('getRepoInsights', () => {
  it('builds the report of the page repository', async () => {
    const call = hostWith(await seededStore());
    const report = await call<RepoReport>('getRepoInsights', {});
    expect(report.repository.uuid).toBe(REPO.repoUuid);
    expect(report.tests.map((t) => [t.name, t.classification])).toEqual([
      [BROKEN.name, 'broken'],
      [FLAKY.name, 'flaky'],
    ]);
  });
});

describe('setQuarantine', () => {
  it('persists the toggle and publishes the list as a repository variable', async () => {
    const store = await seededStore();
    const { transport, variables } = variablesTransport();
    const call = hostWith(store, { client: new BitbucketClient({ transport }) });

    expect(await call('setQuarantine', { testId: FLAKY.id, quarantined: true })).toEqual({
      testId: FLAKY.id,
      quarantined: true,
    });
    expect(variables.get(QUARANTINE_VARIABLE)).toBe(JSON.stringify([FLAKY.name]));
    const report = await call<RepoReport>('getRepoInsights', {});
    expect(report.tests.find((t) => t.id === FLAKY.id)?.quarantined).toBe(true);

    await call('setQuarantine', { testId: FLAKY.id, quarantined: false });
    expect(variables.get(QUARANTINE_VARIABLE)).toBe('[]');
    expect((await store.getDoc(keys.quarantine(REPO.repoUuid)))?.value.tests).toEqual([]);
    const base = `/repositories/${REPO.workspace}/${REPO.repoSlug}/pipelines_config/variables`;
    expect(callLog(transport)).toEqual([
      `GET ${base}?pagelen=100`,
      `POST ${base}`,
      `GET ${base}?pagelen=100`,
      `PUT ${base}/%7B0f0f0f0f-0000-4000-8000-000000000001%7D`,
    ]);
  });

  it('does not publish when the workspace turned publishing off', async () => {
    const store = await seededStore();
    await updateDoc(store, keys.settings(WORKSPACE), () => ({ ...SETTINGS, publishQuarantine: false }));
    const { transport } = variablesTransport();
    const call = hostWith(store, { client: new BitbucketClient({ transport }) });
    await call('setQuarantine', { testId: FLAKY.id, quarantined: true });
    expect(transport.calls).toEqual([]);
    expect((await store.getDoc(keys.quarantine(REPO.repoUuid)))?.value.tests.map((t) => t.id)).toEqual([
      FLAKY.id,
    ]);
  });

  it('answers not-found for a test that never failed here', async () => {
    const call = hostWith(await seededStore());
    expect(await call('setQuarantine', { testId: 'feedc0ffee', quarantined: true })).toMatchObject({
      error: { code: 'not-found' },
    });
  });
});

describe('getFailures', () => {
  /** Every failed attempt the store holds, newest first: what the listing must show, page after page. */
  async function failedAttempts(store: SqliteStore): Promise<string[]> {
    const out: { at: string; id: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.query(keys.attemptsOf(REPO.repoUuid), {
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      for (const { value: a } of page.items)
        if (a.result !== 'SUCCESSFUL') out.push({ at: a.completedOn, id: `${a.buildNumber}/${a.runNumber}` });
      cursor = page.cursor;
    } while (cursor);
    return out.sort((x, y) => y.at.localeCompare(x.at)).map((f) => f.id);
  }

  it('lists every failed attempt of the window, newest first, a page at a time, and by category', async () => {
    const store = await seededStore();
    const infra = {
      ...anAttempt({ build: 31, minute: 31 * 60 }),
      result: 'FAILED' as const,
      tests: undefined,
    };
    await recordAttempt(
      store,
      {
        ...infra,
        failure: {
          category: 'infrastructure',
          cause: 'system-error',
          fingerprint: 'f-infra',
          message: 'system error',
        },
      },
      { retentionDays: 90, now: () => NOW },
    );
    const call = hostWith(store);
    const expected = await failedAttempts(store);
    expect(expected.length).toBeGreaterThan(20);

    const report = await call<RepoReport>('getRepoInsights', {});
    expect(report.failures).toHaveLength(20);
    expect(report.failuresCursor).toBeDefined();
    const listed = [...report.failures];
    let cursor = report.failuresCursor;
    while (cursor) {
      const page = await call<FailuresPage>('getFailures', { cursor });
      listed.push(...page.failures);
      cursor = page.cursor;
    }
    expect(listed.map((f) => `${f.pipeline}/${f.attempt}`)).toEqual(expected);
    expect(listed[0]).toMatchObject({
      pipeline: 31,
      attempt: 1,
      category: 'infrastructure',
      cause: 'system-error',
      fingerprint: 'f-infra',
      url: 'https://bitbucket.org/acme/shop/pipelines/results/31',
    });

    const byCategory = await call<FailuresPage>('getFailures', { category: 'infrastructure' });
    expect(byCategory).toEqual({ failures: [listed[0]] });
    const tests = await call<FailuresPage>('getFailures', { category: 'test' });
    expect(tests.failures).toEqual(listed.slice(1, 21));
  });

  it('the report the CLI prints lists them all, however many', async () => {
    const extra = Array.from({ length: 120 }, (_, i) => ({
      build: 100 + i,
      minute: 40 * 60 + i,
      failed: [FRESH],
    }));
    const store = await seededStore(extra);
    const report = await buildRepoReport(store, {
      workspace: WORKSPACE,
      repo: REPO,
      since: new Date('2026-02-01T00:00:00Z'),
      until: NOW,
    });
    const expected = await failedAttempts(store);
    expect(expected.length).toBeGreaterThan(130);
    expect(report.failures.map((f) => `${f.pipeline}/${f.attempt}`)).toEqual(expected);
    expect(report.failuresCursor).toBeUndefined();
  });

  it('refuses a category that does not exist', async () => {
    const answer = await hostWith(await seededStore())<{ error: { code: string } }>('getFailures', {
      category: 'cosmic-rays',
    });
    expect(answer.error.code).toBe('invalid');
  });
});

describe('names published verbatim', () => {
  const named = (name: string) => ({ name, id: stepTestId('Unit tests', name) });
  const SPACED = named('checkout.spec.ts ›  pays\tonce ');
  const LONG = named(
    `checkout.spec.ts › pays with ${'a card whose holder has a very long name, '.repeat(47)}`.slice(0, 1990),
  );

  it('publishes quarantined names byte for byte as the test runner reports them', async () => {
    const store = await seededStore([{ build: 31, minute: 31 * 60, failed: [SPACED, LONG] }]);
    const { transport, variables } = variablesTransport();
    const call = hostWith(store, { client: new BitbucketClient({ transport }) });
    await call('setQuarantine', { testId: SPACED.id, quarantined: true });
    await call('setQuarantine', { testId: LONG.id, quarantined: true });
    expect(LONG.name).toHaveLength(1990);
    expect(JSON.parse(variables.get(QUARANTINE_VARIABLE) ?? '') as unknown).toEqual([SPACED.name, LONG.name]);
    const report = await call<RepoReport>('getRepoInsights', {});
    expect(
      report.tests
        .filter((t) => t.quarantined)
        .map((t) => t.name)
        .sort(),
    ).toEqual([SPACED.name, LONG.name].sort());
  });

  it('refuses a quarantine the variable cannot carry, saying so, and never cuts a name to fit', async () => {
    const tests = Array.from({ length: 70 }, (_, i) => named(`${String(i).padStart(3, '0')} ${LONG.name}`));
    const attempts = Array.from({ length: 7 }, (_, a) => ({
      build: 31 + a,
      minute: (31 + a) * 60,
      failed: tests.slice(a * 10, a * 10 + 10),
    }));
    const store = await seededStore(attempts);
    const { transport, variables } = variablesTransport();
    const call = hostWith(store, { client: new BitbucketClient({ transport }) });
    const refusals: string[] = [];
    for (const t of tests) {
      const answer = await call<{ error?: { code: string; message: string } }>('setQuarantine', {
        testId: t.id,
        quarantined: true,
      });
      if (answer.error) refusals.push(answer.error.message);
    }
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals[0]).toMatch(
      /^Not quarantined: with this test the PIPELINE_INSIGHTS_QUARANTINE variable would hold [\d,]+ bytes of test names, over the 131,042 a pipeline step can take/,
    );
    const published = JSON.parse(variables.get(QUARANTINE_VARIABLE) ?? '') as string[];
    expect(published).toEqual(tests.slice(0, published.length).map((t) => t.name));
    expect(published.length + refusals.length).toBe(70);
    expect(Buffer.byteLength(variables.get(QUARANTINE_VARIABLE) ?? '')).toBeLessThanOrEqual(131_042);
  });

  it('cuts a name in the 250-character Jira summary with a visible mark, and keeps it whole in the description', async () => {
    const store = await seededStore([{ build: 31, minute: 31 * 60, failed: [LONG] }]);
    await updateDoc(store, keys.settings(WORKSPACE), () => ({
      ...SETTINGS,
      jira: { site: 'acme.atlassian.net', projectKey: 'OPS', email: 'ops@acme.test' },
    }));
    const fetch = fakeFetch(201, { id: '10001', key: 'OPS-43' });
    const call = hostWith(store, { jira: createJiraGateway({ tokens: tokenStore(TOKEN), fetch }) });
    await call('createJiraIssue', { subject: { kind: 'test', testId: LONG.id } });
    const body = JSON.parse(fetch.calls[0]?.init.body ?? '{}') as {
      fields: { summary: string; description: { content: { content?: { text: string }[] }[] } };
    };
    expect(body.fields.summary).toHaveLength(250);
    expect(body.fields.summary).toMatch(
      /^Investigate test checkout\.spec\.ts › pays with a card .*… \(name cut at \d+ of 1990 chars\)$/,
    );
    expect(body.fields.description.content[0]?.content?.[0]?.text).toBe(`Test: ${LONG.name}`);
  });
});

describe('setSuggestionStatus', () => {
  it('keeps a status across recomputation with new data', async () => {
    const store = await seededStore();
    const call = hostWith(store);
    const before = await call<RepoReport>('getRepoInsights', {});
    const flaky = before.suggestions.find((s) => s.kind === 'fix-flaky-test');
    expect(flaky).toBeDefined();
    await call('setSuggestionStatus', { suggestionId: flaky?.id, status: 'in-progress' });
    await record(store, [
      { build: 40, minute: 40 * 60, failed: [BROKEN, FLAKY] },
      { build: 40, minute: 40 * 60 + 5, runNumber: 2, failed: [BROKEN] },
    ]);
    const after = await call<RepoReport>('getRepoInsights', {});
    expect(after.suggestions.find((s) => s.id === flaky?.id)?.status).toBe('in-progress');
    expect(
      await call('setSuggestionStatus', { suggestionId: 'not-a-suggestion', status: 'done' }),
    ).toMatchObject({ error: { code: 'not-found' } });
  });
});

describe('createJiraIssue', () => {
  const jiraSettings = (store: SqliteStore) =>
    updateDoc(store, keys.settings(WORKSPACE), () => ({
      ...SETTINGS,
      jira: { site: 'acme.atlassian.net', projectKey: 'OPS', email: 'ops@acme.test' },
    }));

  it('tells the admin to set a site when there is none', async () => {
    const call = hostWith(await seededStore());
    const answer = await call<{ error: { code: string; message: string } }>('createJiraIssue', {
      subject: { kind: 'test', testId: FLAKY.id },
    });
    expect(answer.error.code).toBe('not-configured');
    expect(answer.error.message).toMatch(/Jira site/);
  });

  it('opens the pre-filled create screen without a token', async () => {
    const store = await seededStore();
    await jiraSettings(store);
    const call = hostWith(store);
    const answer = await call<{ mode: string; url: string }>('createJiraIssue', {
      subject: { kind: 'test', testId: BROKEN.id },
    });
    expect(answer.mode).toBe('open-create-screen');
    const url = new URL(answer.url);
    expect(`${url.origin}${url.pathname}`).toBe(
      'https://acme.atlassian.net/secure/CreateIssueDetails!init.jspa',
    );
    expect(url.searchParams.get('summary')).toBe(`Fix broken test ${BROKEN.name}`);
    expect(url.searchParams.get('description')).toContain('acme/shop');
  });

  it('creates the issue with the stored token and links it to the suggestion', async () => {
    const store = await seededStore();
    await jiraSettings(store);
    const fetch = fakeFetch(201, { id: '10001', key: 'OPS-42' });
    const call = hostWith(store, { jira: createJiraGateway({ tokens: tokenStore(TOKEN), fetch }) });
    const suggestion = (await call<RepoReport>('getRepoInsights', {})).suggestions.find(
      (s) => s.kind === 'fix-flaky-test',
    );
    const answer = await call('createJiraIssue', { subject: { kind: 'suggestion', id: suggestion?.id } });
    expect(answer).toEqual({
      mode: 'created',
      key: 'OPS-42',
      url: 'https://acme.atlassian.net/browse/OPS-42',
    });
    expect(JSON.stringify(answer)).not.toContain(TOKEN);

    expect(fetch.calls).toHaveLength(1);
    const sent = fetch.calls[0];
    expect(sent?.url).toBe('https://acme.atlassian.net/rest/api/3/issue');
    expect(sent?.init.headers.authorization).toBe(
      `Basic ${Buffer.from(`ops@acme.test:${TOKEN}`).toString('base64')}`,
    );
    const body = JSON.parse(sent?.init.body ?? '{}') as { fields: Record<string, unknown> };
    expect(body.fields).toMatchObject({
      project: { key: 'OPS' },
      issuetype: { name: 'Task' },
      summary: suggestion?.title,
    });
    expect(body.fields.description).toMatchObject({ type: 'doc', version: 1 });

    const after = await call<RepoReport>('getRepoInsights', {});
    expect(after.suggestions.find((s) => s.id === suggestion?.id)).toMatchObject({
      jiraIssueKey: 'OPS-42',
      status: 'open',
    });
  });

  it("answers upstream with Jira's message, never the token", async () => {
    const store = await seededStore();
    await jiraSettings(store);
    const fetch = fakeFetch(400, { errorMessages: [], errors: { project: 'valid project is required' } });
    const call = hostWith(store, { jira: createJiraGateway({ tokens: tokenStore(TOKEN), fetch }) });
    const answer = await call<{ error: { code: string; message: string } }>('createJiraIssue', {
      subject: { kind: 'test', testId: FLAKY.id },
    });
    expect(answer.error).toEqual({
      code: 'upstream',
      message: 'Jira answered 400: project: valid project is required',
    });
    expect(JSON.stringify(answer)).not.toContain(TOKEN);
  });
});

describe('admin resolvers', () => {
  it('saves the Jira connection with the token in the secret store, answering only that one is set', async () => {
    const store = await seededStore();
    const tokens = tokenStore();
    const jira: JiraGateway = createJiraGateway({ tokens, fetch: fakeFetch(500, {}) });
    const call = hostWith(store, { jira });
    expect(await call('saveJiraConnection', VALID_PAYLOADS.saveJiraConnection)).toEqual({
      jiraTokenSet: true,
    });
    expect(await tokens.get()).toEqual({ site: 'acme.atlassian.net', email: 'ops@acme.test', token: TOKEN });
    const page = await call<AdminPage>('getAdminPage', {});
    expect(page.jiraTokenSet).toBe(true);
    expect(page.settings.jira).toEqual({
      site: 'acme.atlassian.net',
      projectKey: 'OPS',
      email: 'ops@acme.test',
    });
    expect(JSON.stringify(page)).not.toContain(TOKEN);
    expect(page.repos).toEqual([
      expect.objectContaining({ slug: 'shop', monitored: true, flakyTests: 1, brokenTests: 1 }),
    ]);
  });

  it('keeps the Jira connection when settings are saved', async () => {
    const call = hostWith(await seededStore());
    await call('saveJiraConnection', VALID_PAYLOADS.saveJiraConnection);
    const saved = await call<{ codeInsights: boolean; jira?: object }>(
      'saveSettings',
      VALID_PAYLOADS.saveSettings,
    );
    expect(saved.codeInsights).toBe(false);
    expect(saved.jira).toEqual({ site: 'acme.atlassian.net', projectKey: 'OPS', email: 'ops@acme.test' });
  });

  it('claims a backfill once: a second click while it runs queues nothing, a stale one can be restarted', async () => {
    const store = await seededStore();
    const asked: [number, string][] = [];
    let clock = NOW.getTime();
    const queueBackfill = async (days: number, startedAt: string) => {
      asked.push([days, startedAt]);
      return { state: 'running' as const, days, reposDone: 0, reposTotal: 1, pipelinesQueued: 0, startedAt };
    };
    const call = hostWith(store, { queueBackfill, now: () => new Date(clock) });
    expect(await call('startBackfill', { days: 60 })).toMatchObject({
      state: 'running',
      days: 60,
      reposTotal: 1,
    });
    expect(await call('startBackfill', { days: 90 })).toMatchObject({ state: 'running', days: 60 });
    expect(asked).toEqual([[60, NOW.toISOString()]]);
    clock += 7 * 3_600_000;
    // Seven hours in, but a pipeline was imported a minute ago: a long backfill that moves is not stalled.
    const count = keys.backfillCount(REPO.repoUuid);
    await store.commit([
      {
        kind: 'put',
        key: count,
        value: { startedAt: NOW.toISOString(), ingested: 40, at: new Date(clock - 60_000).toISOString() },
        expectedVersion: 0,
      },
    ]);
    expect(await call('startBackfill', { days: 90 })).toMatchObject({
      state: 'running',
      days: 60,
      pipelinesIngested: 40,
    });
    expect(asked).toHaveLength(1);
    clock += 7 * 3_600_000;
    expect(await call<AdminPage>('getAdminPage', {})).toMatchObject({
      backfill: { state: 'running', stalled: true },
    });
    expect(await call('startBackfill', { days: 90 })).toMatchObject({ state: 'running', days: 90 });
    expect(asked).toHaveLength(2);
    expect(await hostWith(store)('startBackfill', { days: 60 })).toMatchObject({
      error: { code: 'not-configured' },
    });
  });

  it('marks a backfill that could not be queued as failed, so it can be started again', async () => {
    const store = await seededStore();
    const call = hostWith(store, {
      queueBackfill: async () => Promise.reject(new Error('queue unavailable')),
    });
    await expect(call('startBackfill', { days: 30 })).rejects.toThrow('queue unavailable');
    expect((await store.getDoc(keys.backfill(WORKSPACE)))?.value).toMatchObject({
      state: 'failed',
      message: 'the backfill could not be queued; try again',
    });
  });
});

describe('how often a test fails, and how sure its verdict is', () => {
  it('reports the two figures apart, with the default branch counts, on the page and the pull request panel', async () => {
    const store = await seededStore([
      { build: 51, minute: 51 * 60, branch: 'feature/tax', pullRequestId: 7, failed: [FLAKY] },
    ]);
    const call = hostWith(store);
    const report = await call<RepoReport>('getRepoInsights', {});
    for (const t of report.tests) {
      expect(t.failureRate).toBeGreaterThanOrEqual(0);
      expect(t.failureRate).toBeLessThanOrEqual(1);
      // flakinessScore is the flaky posterior the thresholds act on; confidence is how sure the label is.
      if (t.classification === 'flaky') expect(t.flakinessScore).toBe(t.confidence);
      if (t.classification === 'healthy') expect(t.confidence).toBeCloseTo(1 - t.flakinessScore, 2);
      expect(t.onDefaultBranch.runs).toBeLessThanOrEqual(t.runs);
      expect(t.onDefaultBranch.failures).toBeLessThanOrEqual(t.failures);
    }
    const flaky = report.tests.find((t) => t.id === FLAKY.id);
    expect(flaky?.classification).toBe('flaky');
    // Its pull-request failure is not a default-branch one.
    expect(flaky?.onDefaultBranch.failures).toBe((flaky?.failures ?? 0) - 1);
    expect(flaky?.evidence.find((e) => e.kind === 'score')?.detail).toBe(
      `fails ${percent(flaky?.failureRate ?? 0)} of runs (${flaky?.failures} of ${flaky?.runs}); confidence ${percent(flaky?.confidence ?? 0)} that it is flaky`,
    );
    const broken = report.tests.find((t) => t.id === BROKEN.id);
    expect(broken?.evidence.find((e) => e.kind === 'score')?.detail).toMatch(
      /^fails every run since #21 \(\d+ of \d+ runs failed\); confidence [\d.]+% that it is broken$/,
    );

    const bySubject = new Map(report.suggestions.map((s) => [s.subject, s]));
    expect(bySubject.get(BROKEN.id)?.impact.basis?.assumption).toBe('fails-every-run');
    expect(bySubject.get(FLAKY.id)?.impact.basis?.assumption).toBe('failure-rate');

    const panel = await call<PrPanel>('getPullRequestPanel', {}, caller({ pullRequestId: 7 }));
    const onPr = panel.failingTests.find((t) => t.testId === FLAKY.id);
    expect(onPr).toMatchObject({
      verdict: 'known-flaky',
      failureRate: flaky?.failureRate,
      confidence: flaky?.confidence,
      failures: flaky?.failures,
      runs: flaky?.runs,
    });
    expect(onPr?.evidence.map((e) => e.detail)).toContain(
      flaky?.evidence.find((e) => e.kind === 'score')?.detail,
    );
  });
});

describe('getPullRequestPanel', () => {
  const pr = (pullRequestId: number) => caller({ pullRequestId });

  it('gives each failing test of the latest pipeline its verdict', async () => {
    const store = await seededStore([
      { build: 50, minute: 50 * 60, branch: 'feature/tax', pullRequestId: 7, failed: [FRESH] },
      { build: 51, minute: 51 * 60, branch: 'feature/tax', pullRequestId: 7, failed: [BROKEN, FLAKY, FRESH] },
    ]);
    const call = hostWith(store);
    const panel = await call<PrPanel>('getPullRequestPanel', {}, pr(7));
    expect(panel.pipelines.map((p) => [p.buildNumber, p.result])).toEqual([[51, 'FAILED']]);
    expect(panel.pipelines[0]?.url).toBe('https://bitbucket.org/acme/shop/pipelines/results/51');
    expect(Object.fromEntries(panel.failingTests.map((t) => [t.name, t.verdict]))).toEqual({
      [BROKEN.name]: 'broken-on-default',
      [FLAKY.name]: 'known-flaky',
      [FRESH.name]: 'new',
    });
    expect(panel.flakyHits).toEqual([]);

    await call('setQuarantine', { testId: FLAKY.id, quarantined: true });
    const again = await call<PrPanel>('getPullRequestPanel', {}, pr(7));
    expect(again.failingTests.find((t) => t.testId === FLAKY.id)?.verdict).toBe('quarantined');
  });

  it('lists the flaky tests a green pull request hit on the way', async () => {
    const store = await seededStore([
      { build: 60, minute: 60 * 60, branch: 'feature/pay', pullRequestId: 8, failed: [FLAKY] },
      { build: 60, minute: 60 * 60 + 5, runNumber: 2, branch: 'feature/pay', pullRequestId: 8 },
    ]);
    const panel = await hostWith(store)<PrPanel>('getPullRequestPanel', {}, pr(8));
    expect(panel.pipelines.map((p) => p.result)).toEqual(['SUCCESSFUL']);
    expect(panel.failingTests).toEqual([]);
    expect(panel.flakyHits.map((t) => [t.name, t.verdict])).toEqual([[FLAKY.name, 'known-flaky']]);
  });

  it('reads the same entries whatever the history: 10 or 400 earlier pull-request pipelines', async () => {
    const readsWith = async (earlier: number) => {
      const history = Array.from({ length: earlier }, (_, i) => ({
        build: 100 + i,
        minute: 40 * 60 + i,
        branch: `feature/${i}`,
        pullRequestId: 100 + (i % 37),
        failed: i % 3 ? [] : [FRESH],
      }));
      const store = new MeteredStore(
        await seededStore([
          ...history,
          { build: 900, minute: 900 * 60, branch: 'feature/x', pullRequestId: 9, failed: [BROKEN, FRESH] },
        ]),
      );
      store.reset();
      const panel = (await createResolverHost({
        store,
        access: localAccess,
        jira: createJiraGateway({ tokens: tokenStore(), fetch: fakeFetch(500, {}) }),
        now: () => NOW,
        workspace: WORKSPACE,
      }).handle('getPullRequestPanel', {}, pr(9))) as PrPanel;
      expect(panel.failingTests).toHaveLength(2);
      return store.stats().reads;
    };
    const few = await readsWith(10);
    expect(few).toBeLessThanOrEqual(8);
    expect(await readsWith(400)).toBe(few);
  });

  it('needs a pull request in the caller', async () => {
    const answer = await hostWith(await seededStore())('getPullRequestPanel', {});
    expect(answer).toMatchObject({ error: { code: 'invalid' } });
  });
});
