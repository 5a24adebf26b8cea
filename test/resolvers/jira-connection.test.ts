/**
 * The Jira API token goes only to the site, as the account, it was saved for. Saving another site or email without
 * a new token forgets the stored one, so it is never sent to the new site; a new token saved with them is kept for
 * them. Checked through the resolvers, locally (the preview's gateway) and on Forge (its secret store).
 */
import type { AdminPage, JiraResult } from '../../src/contract/resolvers';
import { localJiraGateway } from '../../src/cli/serve';
import { createForgeResolver } from '../../src/forge/resolver';
import { createResolverHost, localAccess } from '../../src/services/resolvers';
import { JIRA_TOKEN_SECRET } from '../../src/storage/keys';
import type { SqliteStore } from '../../src/storage/sqlite-store';
import { FakeBitbucket, FakeClock, FakeKvs, fakePlatform, FakeQueue } from '../support/forge-fakes';
import { caller, FLAKY, NOW, seededStore, WORKSPACE } from './resolver-fixtures';

const TOKEN = 'jira-token-for-acme-1234';
const NEW_TOKEN = 'jira-token-for-other-5678';
const ACME = { site: 'acme.atlassian.net', projectKey: 'OPS', email: 'ops@acme.test' };

interface Sent {
  url: string;
  authorization: string | undefined;
}

/** Jira, as far as the app can tell: every request is recorded with where it went and the credentials it carried. */
function recordingJira(): { sent: Sent[]; fetch: typeof fetch } {
  const sent: Sent[] = [];
  const jiraFetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    sent.push({ url: String(url), authorization: headers.get('authorization') ?? undefined });
    return new Response(JSON.stringify({ id: '1', key: 'OPS-7' }), { status: 201 });
  };
  return { sent, fetch: jiraFetch };
}

const basic = (email: string, token: string) =>
  `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;

function localHost(store: SqliteStore, fetchImpl: typeof fetch) {
  const host = createResolverHost({
    store,
    access: localAccess,
    jira: localJiraGateway({}, fetchImpl),
    now: () => NOW,
    workspace: WORKSPACE,
  });
  return (name: 'saveJiraConnection' | 'getAdminPage' | 'createJiraIssue', payload: unknown) =>
    host.handle(name, payload, caller());
}

const issueForFlakyTest = { subject: { kind: 'test', testId: FLAKY.id } };

describe('the Jira token and the site it was saved for', () => {
  it('a new site without a new token: the old token is forgotten, never sent to the new site', async () => {
    const jira = recordingJira();
    const call = localHost(await seededStore(), jira.fetch);
    await call('saveJiraConnection', { ...ACME, apiToken: TOKEN });
    await call('saveJiraConnection', { ...ACME, site: 'elsewhere.example.com' });

    expect(((await call('getAdminPage', {})) as AdminPage).jiraTokenSet).toBe(false);
    const answer = (await call('createJiraIssue', issueForFlakyTest)) as JiraResult;
    expect(answer.mode).toBe('open-create-screen');
    expect(new URL(answer.url).host).toBe('elsewhere.example.com');
    expect(jira.sent).toEqual([]);

    // Back to the first site: the token is not there any more either, until it is saved again.
    await call('saveJiraConnection', ACME);
    expect(((await call('createJiraIssue', issueForFlakyTest)) as JiraResult).mode).toBe(
      'open-create-screen',
    );
    expect(jira.sent).toEqual([]);
  });

  it('a new email without a new token: the old token is forgotten', async () => {
    const jira = recordingJira();
    const call = localHost(await seededStore(), jira.fetch);
    await call('saveJiraConnection', { ...ACME, apiToken: TOKEN });
    await call('saveJiraConnection', { ...ACME, email: 'someone-else@acme.test' });
    expect(((await call('getAdminPage', {})) as AdminPage).jiraTokenSet).toBe(false);
    expect(((await call('createJiraIssue', issueForFlakyTest)) as JiraResult).mode).toBe(
      'open-create-screen',
    );
    expect(jira.sent).toEqual([]);
  });

  it('the same site and email without a token keep it; a new site with a new token uses only the new one', async () => {
    const jira = recordingJira();
    const call = localHost(await seededStore(), jira.fetch);
    await call('saveJiraConnection', { ...ACME, apiToken: TOKEN });
    await call('saveJiraConnection', { ...ACME, projectKey: 'CI' });
    expect(await call('createJiraIssue', issueForFlakyTest)).toMatchObject({ mode: 'created', key: 'OPS-7' });
    expect(jira.sent).toEqual([
      { url: 'https://acme.atlassian.net/rest/api/3/issue', authorization: basic(ACME.email, TOKEN) },
    ]);

    await call('saveJiraConnection', { ...ACME, site: 'other.atlassian.net', apiToken: NEW_TOKEN });
    await call('createJiraIssue', issueForFlakyTest);
    expect(jira.sent[1]).toEqual({
      url: 'https://other.atlassian.net/rest/api/3/issue',
      authorization: basic(ACME.email, NEW_TOKEN),
    });
  });

  it("on Forge: a new site without a token deletes the token from Forge's secret store", async () => {
    const clock = new FakeClock(NOW.getTime());
    const kvs = new FakeKvs({ now: () => clock.now() });
    const platform = fakePlatform({
      kvs,
      queue: new FakeQueue('ingest', clock),
      bitbucket: new FakeBitbucket('http://127.0.0.1:9/2.0'),
      now: () => NOW,
    });
    const resolver = createForgeResolver(platform);
    const ws = '{7a1c2b3d-0000-4000-8000-00000000000a}';
    const save = (payload: object) =>
      resolver(
        {
          call: { functionKey: 'saveJiraConnection', payload },
          context: { extension: { workspace: { uuid: ws } } },
        },
        { principal: { accountId: 'owner-1' }, installContext: `ari:cloud:bitbucket::workspace/${ws}` },
      );

    expect(await save({ ...ACME, apiToken: TOKEN })).toMatchObject({ jiraTokenSet: true });
    expect(JSON.stringify(await kvs.getSecret(JIRA_TOKEN_SECRET))).toContain(TOKEN);
    expect(await save({ ...ACME, site: 'elsewhere.example.com' })).toMatchObject({ jiraTokenSet: false });
    expect(await kvs.getSecret(JIRA_TOKEN_SECRET)).toBeUndefined();
  });
});
