import { startPreviewServer, type PreviewServer } from '../../src/preview/server';
import type { PreviewBundles } from '../../src/preview/bundle';
import { PAGE_CONFIG_GLOBAL } from '../../src/preview/page-config';
import { createFakeResolverHost, type FakeResolverHost } from '../fixtures/preview/fake-resolver-host';
import { SAMPLE_REPO, SAMPLE_WORKSPACE } from '../fixtures/preview/sample-data';

const bundles: PreviewBundles = {
  assets: new Map([
    ['host.js', 'window.hostLoaded = true;'],
    ['host.css', 'body{}'],
    ['app.js', 'window.appLoaded = true;'],
  ]),
  pages: {
    'repo-page': { scripts: ['host.js', 'app.js'], styles: ['host.css'] },
    'pr-panel': { scripts: ['host.js', 'app.js'], styles: ['host.css'] },
    'admin-page': { scripts: ['host.js', 'app.js'], styles: ['host.css'] },
  },
};

let server: PreviewServer;
let host: FakeResolverHost;
const unexpected: unknown[] = [];

beforeEach(async () => {
  host = createFakeResolverHost();
  unexpected.length = 0;
  server = await startPreviewServer({
    host,
    bundles,
    resolveRoute: async (workspace, repo) => {
      if (workspace !== SAMPLE_WORKSPACE.slug) return undefined;
      if (repo === undefined) return { workspaceUuid: SAMPLE_WORKSPACE.uuid };
      return repo === SAMPLE_REPO.slug
        ? { workspaceUuid: SAMPLE_WORKSPACE.uuid, repoUuid: SAMPLE_REPO.uuid }
        : undefined;
    },
    listSurfaces: async () => [
      { title: 'acme/web', url: '/repo/acme/web' },
      { title: 'Settings', url: '/workspace/acme/settings' },
    ],
    onError: (error) => unexpected.push(error),
  });
});

afterEach(() => server.close());

function invoke(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** The page config a surface shell hands to the browser host. */
async function pageConfig(path: string): Promise<Record<string, unknown>> {
  const html = await (await fetch(server.url + path)).text();
  const match = new RegExp(`window\\["${PAGE_CONFIG_GLOBAL}"\\] = (.*);</script>`).exec(html);
  if (!match?.[1]) throw new Error(`no page config in ${path}`);
  return JSON.parse(match[1]) as Record<string, unknown>;
}

describe('pages', () => {
  it('binds to 127.0.0.1 and lists the surfaces on the index', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const html = await (await fetch(server.url + '/')).text();
    expect(html).toContain('<a href="/repo/acme/web">acme/web</a>');
    expect(html).toContain('<a href="/workspace/acme/settings">Settings</a>');
  });

  it('serves a repository page whose context names the repository, host script before app script', async () => {
    const response = await fetch(server.url + '/repo/acme/web');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html.indexOf('/assets/host.js')).toBeGreaterThan(html.indexOf(PAGE_CONFIG_GLOBAL));
    expect(html.indexOf('/assets/app.js')).toBeGreaterThan(html.indexOf('/assets/host.js'));
    const config = await pageConfig('/repo/acme/web');
    expect(config).toMatchObject({
      surface: 'repo-page',
      routePath: '/repo/acme/web',
      context: {
        accountId: 'local-user',
        workspaceId: SAMPLE_WORKSPACE.uuid,
        extension: { type: 'bitbucket:repoMainMenuPage', repository: { uuid: SAMPLE_REPO.uuid } },
      },
    });
  });

  it('gives the pull request panel the pull request id and the settings page no repository', async () => {
    const pr = await pageConfig('/pr/acme/web/7');
    expect(pr.context).toMatchObject({
      extension: { repository: { uuid: SAMPLE_REPO.uuid }, pullRequest: { id: 7 } },
    });
    const admin = await pageConfig('/workspace/acme/settings');
    expect(admin.surface).toBe('admin-page');
    expect((admin.context as { extension: object }).extension).toEqual({
      type: 'bitbucket:workspaceSettingsMenuPage',
      workspace: { uuid: SAMPLE_WORKSPACE.uuid },
    });
  });

  it('answers an unknown repository with a 404 page that names it', async () => {
    const response = await fetch(server.url + '/repo/acme/nope');
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('Unknown repository “acme/nope”');
    expect((await fetch(server.url + '/workspace/other/settings')).status).toBe(404);
    expect((await fetch(server.url + '/pr/acme/web/not-a-number')).status).toBe(404);
  });

  it('serves bundles with their content type and 404s unknown assets', async () => {
    const js = await fetch(server.url + '/assets/host.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toBe('window.hostLoaded = true;');
    expect((await fetch(server.url + '/assets/host.css')).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fetch(server.url + '/assets/secret.js')).status).toBe(404);
  });
});

describe('POST /api/invoke', () => {
  it('runs the resolver and answers { result }', async () => {
    const response = await invoke({
      name: 'getRepoInsights',
      payload: {},
      context: { route: '/repo/acme/web' },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { repository: { slug: string } } };
    expect(body.result.repository.slug).toBe('web');
  });

  it('rejects a name outside the resolver contract without calling the host', async () => {
    const response = await invoke({
      name: 'requestBitbucket',
      payload: { path: '/2.0/user' },
      context: { route: '/repo/acme/web' },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'invalid', message: 'Unknown resolver: "requestBitbucket".' },
    });
    expect(host.calls).toHaveLength(0);
  });

  it('builds the caller from the route, ignoring identities in the payload', async () => {
    await invoke({
      name: 'setQuarantine',
      payload: { testId: 't-checkout-retry', quarantined: true, accountId: 'attacker', repoUuid: '{other}' },
      context: { route: '/pr/acme/web/7', repoUuid: '{other}', accountId: 'attacker' },
    });
    expect(host.calls).toHaveLength(1);
    expect(host.calls[0]?.caller).toEqual({
      accountId: 'local-user',
      workspaceUuid: SAMPLE_WORKSPACE.uuid,
      repoUuid: SAMPLE_REPO.uuid,
      pullRequestId: 7,
    });
  });

  it('refuses calls from a route that names no known page', async () => {
    const response = await invoke({
      name: 'getRepoInsights',
      payload: {},
      context: { route: '/repo/acme/nope' },
    });
    expect(response.status).toBe(404);
    expect(host.calls).toHaveLength(0);
    expect((await invoke({ name: 'getRepoInsights', payload: {} })).status).toBe(400);
  });

  it('passes a resolver error body through with its status', async () => {
    const response = await invoke({
      name: 'setQuarantine',
      payload: { testId: 'nope', quarantined: true },
      context: { route: '/repo/acme/web' },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not-found', message: 'No such test' } });
    const notConfigured = await invoke({
      name: 'createJiraIssue',
      payload: {},
      context: { route: '/repo/acme/web' },
    });
    expect(notConfigured.status).toBe(409);
  });

  it('answers an unexpected failure with a 500 that hides its detail and reports it', async () => {
    const response = await invoke({
      name: 'startBackfill',
      payload: { days: 30 },
      context: { route: '/workspace/acme/settings' },
    });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { code: 'internal', message: 'The startBackfill resolver failed.' },
    });
    expect(unexpected).toHaveLength(1);
  });

  it('refuses non-JSON bodies, other origins, oversized payloads and GET', async () => {
    const plain = await fetch(`${server.url}/api/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(plain.status).toBe(400);
    const foreign = await invoke(
      { name: 'getRepoInsights', payload: {}, context: { route: '/repo/acme/web' } },
      { origin: 'http://evil.example' },
    );
    expect(foreign.status).toBe(403);
    const huge = await invoke({
      name: 'saveSettings',
      payload: { blob: 'x'.repeat(600 * 1024) },
      context: { route: '/workspace/acme/settings' },
    });
    expect(huge.status).toBe(413);
    expect((await fetch(`${server.url}/api/invoke`)).status).toBe(405);
    expect(host.calls).toHaveLength(0);
  });
});
