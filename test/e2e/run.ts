/**
 * Runs the browser checks: builds the preview bundles, starts the preview server on 127.0.0.1 against the sample
 * resolver host, drives Debian's chromium through playwright-core, prints `N passed, M failed` and exits non-zero
 * on any failure. Usage: `npx tsx test/e2e/run.ts`.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startPreviewServer } from '../../src/preview/server';
import { createFakeResolverHost } from '../fixtures/preview/fake-resolver-host';
import { SAMPLE_PULL_REQUEST_ID, SAMPLE_REPO, SAMPLE_WORKSPACE } from '../fixtures/preview/sample-data';
import { runChecks, SCREENSHOT_DIR, type E2eTarget } from './browser.e2e';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];
const SAMPLE_SURFACE = path.join(__dirname, '..', 'fixtures', 'preview', 'sample-surface-entry.tsx');

async function main(): Promise<number> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const host = createFakeResolverHost();
  const started = Date.now();
  const server = await startPreviewServer({
    host,
    bundleOptions: { entries: { 'repo-page': SAMPLE_SURFACE, 'pr-panel': SAMPLE_SURFACE, 'admin-page': SAMPLE_SURFACE } },
    resolveRoute: async (workspace, repo) => {
      if (workspace !== SAMPLE_WORKSPACE.slug) return undefined;
      if (repo === undefined) return { workspaceUuid: SAMPLE_WORKSPACE.uuid };
      return repo === SAMPLE_REPO.slug ? { workspaceUuid: SAMPLE_WORKSPACE.uuid, repoUuid: SAMPLE_REPO.uuid } : undefined;
    },
    listSurfaces: async () => [
      { title: `${SAMPLE_WORKSPACE.slug}/${SAMPLE_REPO.slug}`, url: `/repo/${SAMPLE_WORKSPACE.slug}/${SAMPLE_REPO.slug}` },
      { title: `Pull request #${SAMPLE_PULL_REQUEST_ID}`, url: `/pr/${SAMPLE_WORKSPACE.slug}/${SAMPLE_REPO.slug}/${SAMPLE_PULL_REQUEST_ID}` },
      { title: 'Workspace settings', url: `/workspace/${SAMPLE_WORKSPACE.slug}/settings` },
    ],
  });
  console.log(`preview at ${server.url} (bundles ready in ${Date.now() - started} ms)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const target: E2eTarget = {
      baseUrl: server.url,
      calls: () => host.calls,
      workspace: SAMPLE_WORKSPACE,
      repo: SAMPLE_REPO,
      pullRequestId: SAMPLE_PULL_REQUEST_ID,
    };
    const results = await runChecks(browser, target);
    for (const result of results) console.log(`${result.error ? 'FAIL' : 'ok  '} ${result.name}${result.error ? `: ${result.error}` : ''}`);
    const failed = results.filter((r) => r.error).length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    return failed === 0 ? 0 : 1;
  } finally {
    await browser.close();
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
