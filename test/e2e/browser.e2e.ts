/**
 * Browser checks of the local preview: each route of the app opened in Debian's chromium (driven by
 * playwright-core), its key content checked, quarantine and a suggestion status change clicked through to the
 * resolver host, and a screenshot of each page saved under test/e2e/screenshots/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { RecordedCall } from '../fixtures/preview/fake-resolver-host';

export const SCREENSHOT_DIR = path.join(__dirname, 'screenshots');

/** What the checks need from the running preview. */
export interface E2eTarget {
  baseUrl: string;
  /** Every resolver call the host received so far, with its caller. */
  calls: () => readonly RecordedCall[];
  workspace: { slug: string; uuid: string };
  repo: { slug: string; uuid: string };
  pullRequestId: number;
}

export interface E2eCheck {
  name: string;
  run: (page: Page, target: E2eTarget) => Promise<void>;
}

const TIMEOUT_MS = 15_000;

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function waitForCall(target: E2eTarget, match: (call: RecordedCall) => boolean, what: string): Promise<RecordedCall> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    const call = target.calls().find(match);
    if (call) return call;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the resolver host never received ${what}`);
}

async function open(page: Page, target: E2eTarget, route: string): Promise<void> {
  const response = await page.goto(target.baseUrl + route);
  assert(response?.status() === 200, `${route} answered ${response?.status()}`);
}

const repoRoute = (t: E2eTarget) => `/repo/${t.workspace.slug}/${t.repo.slug}`;

export const CHECKS: E2eCheck[] = [
  {
    name: 'index lists every surface',
    run: async (page, target) => {
      await open(page, target, '/');
      for (const href of [repoRoute(target), `/workspace/${target.workspace.slug}/settings`]) {
        assert((await page.locator(`a[href="${href}"]`).count()) > 0, `the index has no link to ${href}`);
      }
    },
  },
  {
    name: 'repository page shows tests, classifications and a chart',
    run: async (page, target) => {
      await open(page, target, repoRoute(target));
      await page.getByRole('heading', { name: `Pipeline insights for ${target.repo.slug}` }).waitFor({ timeout: TIMEOUT_MS });
      await page.getByText('checkout.spec.ts › retries the payment').first().waitFor();
      await page.getByText('flaky', { exact: true }).first().waitFor();
      await page.getByText('broken', { exact: true }).first().waitFor();
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'repo-page.png'), fullPage: true });
      await page.getByRole('tab', { name: 'Trends' }).click();
      await page.locator('[data-ui-kit-chart] svg.recharts-surface').first().waitFor({ timeout: TIMEOUT_MS });
      await page.getByText('Weekly build minutes').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'repo-trends.png'), fullPage: true });
    },
  },
  {
    name: 'quarantine click reaches the resolver and the page shows it',
    run: async (page, target) => {
      await open(page, target, repoRoute(target));
      await page.getByRole('button', { name: 'Quarantine checkout.spec.ts › retries the payment' }).click({ timeout: TIMEOUT_MS });
      const call = await waitForCall(target, (c) => c.name === 'setQuarantine', 'setQuarantine');
      assert(JSON.stringify(call.payload) === JSON.stringify({ testId: 't-checkout-retry', quarantined: true }), `unexpected payload ${JSON.stringify(call.payload)}`);
      assert(call.caller.repoUuid === target.repo.uuid, 'setQuarantine was not made as the page repository');
      await page.getByText('quarantined', { exact: true }).waitFor({ timeout: TIMEOUT_MS });
      await page.getByRole('button', { name: 'Release checkout.spec.ts › retries the payment' }).waitFor();
    },
  },
  {
    name: 'suggestion status change reaches the resolver',
    run: async (page, target) => {
      await open(page, target, repoRoute(target));
      await page.getByRole('tab', { name: 'Suggestions' }).click({ timeout: TIMEOUT_MS });
      await page.locator('.ui-kit-select__control').first().click();
      await page.locator('.ui-kit-select__option', { hasText: 'Done' }).click({ timeout: TIMEOUT_MS });
      const call = await waitForCall(target, (c) => c.name === 'setSuggestionStatus', 'setSuggestionStatus');
      assert(JSON.stringify(call.payload) === JSON.stringify({ suggestionId: 's-quarantine-checkout', status: 'done' }), `unexpected payload ${JSON.stringify(call.payload)}`);
      await page.locator('.ui-kit-select__single-value', { hasText: 'Done' }).first().waitFor({ timeout: TIMEOUT_MS });
    },
  },
  {
    name: 'pull request panel shows the verdicts of the failing tests',
    run: async (page, target) => {
      await open(page, target, `/pr/${target.workspace.slug}/${target.repo.slug}/${target.pullRequestId}`);
      await page.getByText(`Failures on pull request #${target.pullRequestId}`).waitFor({ timeout: TIMEOUT_MS });
      await page.getByText('known-flaky', { exact: true }).waitFor();
      const call = await waitForCall(target, (c) => c.name === 'getPullRequestPanel', 'getPullRequestPanel');
      assert(call.caller.pullRequestId === target.pullRequestId, 'the panel was not loaded for the route pull request');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'pr-panel.png'), fullPage: true });
    },
  },
  {
    name: 'workspace settings page loads and its toggle answers',
    run: async (page, target) => {
      await open(page, target, `/workspace/${target.workspace.slug}/settings`);
      await page.getByText('Code Insights reports are on').waitFor({ timeout: TIMEOUT_MS });
      await page.locator('input[type="checkbox"]').first().click({ force: true });
      await page.getByText('Code Insights reports are off').waitFor({ timeout: TIMEOUT_MS });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-page.png'), fullPage: true });
    },
  },
  {
    name: 'unknown repository shows a not-found page',
    run: async (page, target) => {
      const response = await page.goto(`${target.baseUrl}/repo/${target.workspace.slug}/no-such-repo`);
      assert(response?.status() === 404, `expected 404, got ${response?.status()}`);
      await page.getByText(`Unknown repository “${target.workspace.slug}/no-such-repo”`).waitFor();
    },
  },
];

export interface CheckResult {
  name: string;
  error?: string;
}

/** Runs every check in a fresh page; a check also fails when the page throws an uncaught error. */
export async function runChecks(browser: Browser, target: E2eTarget, checks: readonly E2eCheck[] = CHECKS): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await check.run(page, target);
      assert(pageErrors.length === 0, `uncaught page error: ${pageErrors.join('; ')}`);
      results.push({ name: check.name });
    } catch (error) {
      results.push({ name: check.name, error: error instanceof Error ? error.message.split('\n')[0] : String(error) });
    } finally {
      await context.close();
    }
  }
  return results;
}
