/**
 * Runs the browser checks against the real app on demo data: the simulated workspace (fixed seed and clock) is
 * synced into a temporary data folder through the real sync path, the preview server starts with the real
 * resolvers over it, Debian's chromium (through playwright-core) opens every route, and the script prints
 * `N passed, M failed` and exits non-zero on any failure. The repository page and PR panel screenshots are copied
 * to docs/. Usage: `npx tsx test/e2e/run.ts`.
 */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { localResolverHost, localRoutes, pullRequestsWithPipelines } from '../../src/cli/serve';
import type { CallerContext, ResolverHost } from '../../src/contract/caller';
import type { RepoReport } from '../../src/contract/insights';
import type { AdminPage, PrPanel } from '../../src/contract/resolvers';
import { openLocalRuntime, type LocalRuntime } from '../../src/local/runtime';
import { startPreviewServer } from '../../src/preview/server';
import { knownRepositories } from '../../src/services/sweep';
import { runChecks, SCREENSHOT_DIR, type E2eTarget, type RecordedCall } from './browser.e2e';
import { E2E_NOW, E2E_WORKSPACE, syncDemoData } from './demo-data';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const DOCS = path.join(__dirname, '..', '..', 'docs');
const PLAIN_NAME = /^[\w./ ›-]+$/;

/** The demo repository the checks use: one with a pull request whose latest pipeline failed on a plain-named flaky test. */
async function chooseTarget(
  rt: LocalRuntime,
  host: ResolverHost,
): Promise<Omit<E2eTarget, 'baseUrl' | 'calls'>> {
  for (const repo of await knownRepositories(rt, E2E_WORKSPACE)) {
    const caller: CallerContext = { accountId: 'e2e', workspaceUuid: E2E_WORKSPACE, repoUuid: repo.repoUuid };
    const insights = async () => (await host.handle('getRepoInsights', {}, caller)) as RepoReport;
    const flaky = (await insights()).tests.filter(
      (t) => t.classification === 'flaky' && PLAIN_NAME.test(t.name),
    );
    for (const pullRequestId of await pullRequestsWithPipelines(rt.store, repo.repoUuid)) {
      const panel = (await host.handle('getPullRequestPanel', {}, { ...caller, pullRequestId })) as PrPanel;
      const hit = panel.failingTests.find(
        (t) => t.verdict === 'known-flaky' && flaky.some((f) => f.id === t.testId),
      );
      if (!hit) continue;
      return {
        workspace: E2E_WORKSPACE,
        repo: { slug: repo.repoSlug, uuid: repo.repoUuid },
        flakyTest: { id: hit.testId, name: hit.name },
        pullRequestId,
        insights,
        adminPage: async () =>
          (await host.handle(
            'getAdminPage',
            {},
            { accountId: 'e2e', workspaceUuid: E2E_WORKSPACE },
          )) as AdminPage,
      };
    }
  }
  throw new Error('the demo data has no repository with a flaky test and a pull request that hit one');
}

async function main(): Promise<number> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const started = Date.now();
  const data = await syncDemoData();
  console.log(`synced ${data.pipelines} demo pipelines in ${Date.now() - started} ms`);
  const rt = openLocalRuntime({
    dataDir: data.dataDir,
    apiUrl: data.sim.apiUrl,
    env: {},
    log: { info: () => undefined, warn: () => undefined },
    now: () => E2E_NOW,
  });
  const real = localResolverHost(rt, {});
  const calls: RecordedCall[] = [];
  const host: ResolverHost = {
    handle: (name, payload, caller) => {
      calls.push({ name, payload, caller });
      return real.handle(name, payload, caller);
    },
  };
  try {
    const chosen = await chooseTarget(rt, real);
    const server = await startPreviewServer({ host, ...localRoutes(rt.store) });
    console.log(`preview at ${server.url}: ${chosen.repo.slug}, pull request #${chosen.pullRequestId}`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const results = await runChecks(browser, { ...chosen, baseUrl: server.url, calls: () => calls });
      for (const result of results)
        console.log(
          `${result.error ? 'FAIL' : 'ok  '} ${result.name}${result.error ? `: ${result.error}` : ''}`,
        );
      const failed = results.filter((r) => r.error).length;
      if (failed === 0) {
        await copyFile(path.join(SCREENSHOT_DIR, 'repo-page.png'), path.join(DOCS, 'repo-page.png'));
        await copyFile(path.join(SCREENSHOT_DIR, 'pr-panel.png'), path.join(DOCS, 'pr-panel.png'));
      }
      console.log(`${results.length - failed} passed, ${failed} failed`);
      return failed === 0 ? 0 : 1;
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rt.close();
    await data.sim.close();
    await rm(data.dataDir, { recursive: true, force: true });
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
