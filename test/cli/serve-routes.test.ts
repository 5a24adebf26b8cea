/**
 * The local preview over a recorded store: a page address whose workspace or repository is not a slug is a page
 * that does not exist (404), never a server failure.
 */
import { localRoutes } from '../../src/cli/serve';
import { startPreviewServer, type PreviewServer } from '../../src/preview/server';
import type { PreviewBundles } from '../../src/preview/bundle';
import { SqliteStore } from '../../src/storage/sqlite-store';
import * as keys from '../../src/storage/keys';
import { createFakeResolverHost } from '../fixtures/preview/fake-resolver-host';

const bundles: PreviewBundles = {
  assets: new Map([['app.js', '']]),
  pages: {
    'repo-page': { scripts: ['app.js'], styles: [] },
    'pr-panel': { scripts: ['app.js'], styles: [] },
    'admin-page': { scripts: ['app.js'], styles: [] },
  },
};

describe('serve: page addresses', () => {
  let store: SqliteStore;
  let server: PreviewServer;
  const errors: unknown[] = [];

  beforeAll(async () => {
    store = new SqliteStore({ path: ':memory:' });
    const repoUuid = '0b7d1f0e-3c1a-4c55-9f3e-2d7e2f1a9c10';
    await store.set(keys.repository('acme', repoUuid), {
      workspace: 'acme',
      repoUuid,
      repoSlug: 'web-app',
    });
    server = await startPreviewServer({
      host: createFakeResolverHost(),
      bundles,
      ...localRoutes(store),
      onError: (error) => errors.push(error),
    });
  });
  afterAll(async () => {
    await server.close();
    store.close();
  });

  it.each(['/repo/acme/web-app', '/workspace/acme/settings'])('%s: the recorded page', async (page) => {
    expect((await fetch(`${server.url}${page}`)).status).toBe(200);
  });

  it.each([
    '/repo/ac:me/web-app',
    '/repo/acme/web%20app',
    '/repo/acme/..',
    '/pr/acme/web%3Aapp/3',
    `/workspace/${'%F0%9F%92%A5'}/settings`,
    '/workspace/a%2Fb/settings',
    '/repo/acme/other',
  ])('%s: 404, no failure', async (page) => {
    const res = await fetch(`${server.url}${page}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/at .*\.ts:\d+|Error:/);
    expect(errors).toEqual([]);
  });
});
