import { createCallBridge, type BridgeDeps } from '../../src/preview/host/bridge';
import { createDocStore } from '../../src/preview/host/doc-store';
import type { PreviewPageConfig } from '../../src/preview/page-config';

const config: PreviewPageConfig = {
  surface: 'pr-panel',
  routePath: '/pr/acme/web/7',
  context: {
    accountId: 'local-user',
    workspaceId: '{w}',
    localId: 'l',
    moduleKey: 'pr-panel',
    locale: 'en-US',
    timezone: 'UTC',
    environmentType: 'DEVELOPMENT',
    extension: {
      type: 'bitbucket:repoPullRequestOverviewPanel',
      workspace: { uuid: '{w}' },
      repository: { uuid: '{r}' },
      pullRequest: { id: 7 },
    },
  },
};

function bridgeAnswering(status: number, body: unknown) {
  const requests: { url: string; body: unknown }[] = [];
  const opened: [string, string][] = [];
  const store = createDocStore();
  const deps: BridgeDeps = {
    config,
    store,
    fetch: async (url, init) => {
      requests.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    },
    openWindow: (url, target) => opened.push([url, target]),
    reload: () => undefined,
  };
  return { callBridge: createCallBridge(deps), requests, opened, store };
}

describe('preview bridge', () => {
  it('sends invoke to /api/invoke with the page route and answers the result', async () => {
    const { callBridge, requests } = bridgeAnswering(200, { result: { ok: 1 } });
    await expect(callBridge('invoke', { functionKey: 'getPullRequestPanel', payload: {} })).resolves.toEqual({
      ok: 1,
    });
    expect(requests).toEqual([
      {
        url: '/api/invoke',
        body: { name: 'getPullRequestPanel', payload: {}, context: { route: '/pr/acme/web/7' } },
      },
    ]);
  });

  it('answers a resolver error body as a value and rejects on an unexpected failure', async () => {
    const refused = bridgeAnswering(403, { error: { code: 'forbidden', message: 'No access' } });
    await expect(
      refused.callBridge('invoke', { functionKey: 'setQuarantine', payload: {} }),
    ).resolves.toEqual({
      error: { code: 'forbidden', message: 'No access' },
    });
    const broken = bridgeAnswering(500, { error: { code: 'internal', message: 'The x resolver failed.' } });
    await expect(broken.callBridge('invoke', { functionKey: 'startBackfill', payload: {} })).rejects.toThrow(
      /HTTP 500/,
    );
  });

  it('answers getContext with a copy of the route context', async () => {
    const { callBridge } = bridgeAnswering(200, {});
    const context = (await callBridge('getContext')) as PreviewPageConfig['context'];
    expect(context.extension.pullRequest).toEqual({ id: 7 });
    context.extension.pullRequest = { id: 99 };
    expect(((await callBridge('getContext')) as PreviewPageConfig['context']).extension.pullRequest).toEqual({
      id: 7,
    });
  });

  it('opens router links in a new tab and publishes reconciled trees', async () => {
    const { callBridge, opened, store } = bridgeAnswering(200, {});
    await callBridge('navigate', { url: 'https://acme.atlassian.net/browse/CI-1', type: 'new-tab' });
    expect(opened).toEqual([['https://acme.atlassian.net/browse/CI-1', '_blank']]);
    const forgeDoc = { type: 'Root', props: {}, children: [], key: 'root' };
    await callBridge('reconcile', { forgeDoc });
    await callBridge('reconcile', { forgeDoc });
    expect(store.current()).toBe(forgeDoc);
    expect(store.version()).toBe(2);
  });

  it('refuses commands the preview does not provide', async () => {
    const { callBridge } = bridgeAnswering(200, {});
    await expect(callBridge('requestTeamworkGraph', {})).rejects.toThrow(
      /not available in the local preview/,
    );
  });
});
