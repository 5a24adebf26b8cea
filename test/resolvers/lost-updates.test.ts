/**
 * Two changes to the same stored thing at once: a suggestion's status and its Jira link, the workspace settings and
 * the Jira connection, two admins' settings forms, two switches of the history export. Each store read is held until
 * the other change has read too, so both start from the same stored version, as two Forge invocations can; the
 * second writer must then retry on what the first stored, and neither change may be lost. A form loaded before
 * another admin's save must not revert it. Run over SQLite and over Forge KVS (the fake of `@forge/kvs`).
 */
import type { NotificationSettings, NotificationsPage } from '../../src/contract/gates';
import type { RepoReport } from '../../src/contract/insights';
import type { AdminPage, ResolverName } from '../../src/contract/resolvers';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../../src/contract/settings';
import { localJiraGateway } from '../../src/cli/serve';
import { createResolverHost, localAccess } from '../../src/services/resolvers';
import type { ExportSecretStore } from '../../src/services/export/export-admin';
import { ForgeKvsStore } from '../../src/storage/forge-kvs-store';
import * as keys from '../../src/storage/keys';
import { SqliteStore } from '../../src/storage/sqlite-store';
import type { DocKey, Key, Store } from '../../src/storage/store';
import { FakeKvs } from '../support/forge-fakes';
import { caller, NOW, REPO, seededStore, WORKSPACE } from './resolver-fixtures';

/**
 * The store, with the first `readers` reads of `key` (one entry or one document) held until all of them have read:
 * every one of those readers sees the same stored version, whatever order the code awaits in.
 */
function readTogether(store: Store, key: string, readers = 2): Store {
  const held: (() => void)[] = [];
  let reads = 0;
  const gate = async (): Promise<void> => {
    if (reads >= readers) return;
    reads += 1;
    if (reads === readers) held.splice(0).forEach((release) => release());
    else await new Promise<void>((release) => held.push(release));
  };
  const gated = async <T>(read: Promise<T>, k: string): Promise<T> => {
    const value = await read;
    if (k === key) await gate();
    return value;
  };
  return new Proxy(store, {
    get(target, name) {
      if (name === 'get') return (k: Key<unknown>) => gated(target.get(k), k);
      if (name === 'getDoc') return (k: DocKey<unknown>) => gated(target.getDoc(k), k);
      return bound(target, name);
    },
  });
}

function bound(target: Store, name: string | symbol): unknown {
  const member: unknown = Reflect.get(target, name);
  return typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(target) : member;
}

/** The store, noting every export generation stored in it (plain entries or committed documents). */
function noteGenerations(store: Store, generations: Set<string>): Store {
  return new Proxy(store, {
    get(target, name) {
      if (name !== 'set' && name !== 'commit') return bound(target, name);
      return async (...args: unknown[]) => {
        const written = await (bound(target, name) as (...a: unknown[]) => Promise<unknown>)(...args);
        for (const m of JSON.stringify(args).matchAll(/"generation":"([^"]+)"/g)) generations.add(m[1] ?? '');
        return written;
      };
    },
  });
}

/** Jira, answering every create with the next issue key. */
function jiraFetch(): typeof fetch {
  let n = 0;
  return async () => {
    n += 1;
    return new Response(JSON.stringify({ id: String(n), key: `OPS-${n}` }), { status: 201 });
  };
}

function hostOn(store: Store) {
  const secret: { value?: string } = {};
  const secrets: ExportSecretStore = {
    get: async () => secret.value,
    set: async (s) => void (secret.value = s),
  };
  const host = createResolverHost({
    store,
    access: localAccess,
    jira: localJiraGateway({}, jiraFetch()),
    now: () => NOW,
    workspace: WORKSPACE,
    secrets: { get: async () => undefined, set: async () => undefined, delete: async () => undefined },
    historyExport: { secrets, fetch: async () => ({ status: 200, text: async () => '' }) },
  });
  return async <T>(name: ResolverName, payload: object): Promise<T> => {
    const answer = await host.handle(name, payload, caller());
    if (answer && typeof answer === 'object' && 'error' in answer) throw new Error(JSON.stringify(answer));
    return answer as T;
  };
}

const ACME = { site: 'acme.atlassian.net', projectKey: 'OPS', email: 'ops@acme.test' };

const STORES: [string, () => Store][] = [
  ['SQLite', () => new SqliteStore({ path: ':memory:' })],
  ['Forge KVS', () => new ForgeKvsStore({ kvs: new FakeKvs() })],
];

describe('a suggestion changed twice at once (SQLite, with recorded history)', () => {
  async function setUp() {
    const seeded = await seededStore();
    const report = await hostOn(seeded)<RepoReport>('getRepoInsights', {});
    const [first, second] = report.suggestions;
    if (!first || !second) throw new Error('the seeded history gives fewer than two suggestions');
    return { seeded, first, second };
  }
  /** A host whose Jira connection has a token, so issues are created directly and linked to the suggestion. */
  async function withJira(store: Store) {
    const call = hostOn(store);
    await call('saveJiraConnection', { ...ACME, apiToken: 'jira-token-1234' });
    return call;
  }
  const statusOf = async (store: Store, id: string) =>
    (await hostOn(store)<RepoReport>('getRepoInsights', {})).suggestions.find((s) => s.id === id);

  it('its status and its Jira link both stick', async () => {
    const { seeded, first } = await setUp();
    const call = await withJira(readTogether(seeded, keys.suggestionState(REPO.repoUuid, first.id)));
    await Promise.all([
      call('setSuggestionStatus', { suggestionId: first.id, status: 'dismissed' }),
      call('createJiraIssue', { subject: { kind: 'suggestion', id: first.id } }),
    ]);
    expect(await statusOf(seeded, first.id)).toMatchObject({
      status: 'dismissed',
      jiraIssueKey: 'OPS-1',
      jiraIssueUrl: 'https://acme.atlassian.net/browse/OPS-1',
    });
  });

  it('two different suggestions: both statuses stick', async () => {
    const { seeded, first, second } = await setUp();
    const call = hostOn(seeded);
    await Promise.all([
      call('setSuggestionStatus', { suggestionId: first.id, status: 'done' }),
      call('setSuggestionStatus', { suggestionId: second.id, status: 'in-progress' }),
    ]);
    expect((await statusOf(seeded, first.id))?.status).toBe('done');
    expect((await statusOf(seeded, second.id))?.status).toBe('in-progress');
  });
});

describe.each(STORES)('settings changed twice at once (%s)', (_name, open) => {
  const adminPage = (store: Store) => hostOn(store)<AdminPage>('getAdminPage', {});

  it('a settings save and a Jira connection save: both stick', async () => {
    const store = open();
    const base = (await adminPage(store)).settings;
    const call = hostOn(readTogether(store, keys.settings(WORKSPACE)));
    await Promise.all([
      call('saveSettings', { settings: { ...base, retentionDays: 30 }, base }),
      call('saveJiraConnection', ACME),
    ]);
    const saved = (await adminPage(store)).settings;
    expect(saved.retentionDays).toBe(30);
    expect(saved.jira).toEqual(ACME);
  });

  it("a form loaded before another admin's save does not revert it", async () => {
    const store = open();
    const loadedByA = (await adminPage(store)).settings;
    const loadedByB = (await adminPage(store)).settings;
    const call = hostOn(store);
    await call('saveSettings', { settings: { ...loadedByB, retentionDays: 30 }, base: loadedByB });
    const answer = await call<WorkspaceSettings>('saveSettings', {
      settings: { ...loadedByA, codeInsights: false },
      base: loadedByA,
    });
    const expected = { ...DEFAULT_SETTINGS, retentionDays: 30, codeInsights: false };
    expect(answer).toEqual(expected);
    expect((await adminPage(store)).settings).toEqual(expected);
  });

  it("two admins' notification forms: each change is kept, in both documents", async () => {
    const store = open();
    const page = await hostOn(store)<NotificationsPage>('getNotifications', {});
    const base = { settings: page.settings, mergeCheck: page.mergeCheck };
    const daily: NotificationSettings = {
      ...page.settings,
      digest: { ...page.settings.digest, frequency: 'day' },
    };
    const call = hostOn(store);
    await call('saveNotificationSettings', { settings: daily, mergeCheck: page.mergeCheck, base });
    await call('saveNotificationSettings', {
      settings: { ...page.settings, buildMinutesPerWeek: 2500 },
      mergeCheck: { passWithoutPipeline: [REPO.repoUuid] },
      base,
    });
    const after = await hostOn(store)<NotificationsPage>('getNotifications', {});
    expect(after.settings).toEqual({ ...daily, buildMinutesPerWeek: 2500 });
    expect(after.mergeCheck).toEqual({ passWithoutPipeline: [REPO.repoUuid] });
  });

  it('the history export switched on twice at once starts once', async () => {
    const generations = new Set<string>();
    const call = hostOn(readTogether(noteGenerations(open(), generations), keys.exportConfig(WORKSPACE)));
    const url = 'https://history.example.com/batches';
    await Promise.all([
      call('saveHistoryExport', { enabled: true, endpointUrl: url }),
      call('saveHistoryExport', { enabled: true, endpointUrl: url }),
    ]);
    // A second generation would restart the export from the beginning, discarding what the first had sent.
    expect(generations.size).toBe(1);
  });
});
