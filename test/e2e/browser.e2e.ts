/**
 * Browser checks of the local preview over the demo data: each route of the app opened in Debian's chromium
 * (driven by playwright-core), its key content checked, quarantine and a suggestion status change clicked through
 * to the real resolvers and read back from storage, and a screenshot of each page saved under
 * test/e2e/screenshots/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { CallerContext } from '../../src/contract/caller';
import type { RepoReport } from '../../src/contract/insights';
import type { AdminPage, ResolverName } from '../../src/contract/resolvers';

export const SCREENSHOT_DIR = path.join(__dirname, 'screenshots');

export interface RecordedCall {
  name: ResolverName;
  payload: unknown;
  caller: CallerContext;
}

/** What the checks need from the running preview and its data. */
export interface E2eTarget {
  baseUrl: string;
  /** Every resolver call the host received so far, with its caller. */
  calls: () => readonly RecordedCall[];
  workspace: string;
  repo: { slug: string; uuid: string };
  /** A flaky test of the repository, to quarantine. */
  flakyTest: { id: string; name: string };
  /** A pull request whose latest pipeline failed on `flakyTest`. */
  pullRequestId: number;
  /** Straight from the resolvers, to check what a click stored. */
  insights: () => Promise<RepoReport>;
  adminPage: () => Promise<AdminPage>;
}

export interface E2eCheck {
  name: string;
  run: (page: Page, target: E2eTarget) => Promise<void>;
}

const TIMEOUT_MS = 20_000;

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

async function waitForCall(
  target: E2eTarget,
  match: (call: RecordedCall) => boolean,
  what: string,
): Promise<RecordedCall> {
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

const repoRoute = (t: E2eTarget) => `/repo/${t.workspace}/${t.repo.slug}`;
const prRoute = (t: E2eTarget) => `/pr/${t.workspace}/${t.repo.slug}/${t.pullRequestId}`;
const settingsRoute = (t: E2eTarget) => `/workspace/${t.workspace}/settings`;

export const CHECKS: E2eCheck[] = [
  {
    name: 'index lists every surface',
    run: async (page, target) => {
      await open(page, target, '/');
      for (const href of [repoRoute(target), settingsRoute(target)]) {
        assert((await page.locator(`a[href="${href}"]`).count()) > 0, `the index has no link to ${href}`);
      }
      assert(
        (await page.locator(`a[href^="/pr/${target.workspace}/"]`).count()) > 0,
        'the index has no pull request page',
      );
    },
  },
  {
    name: 'repository page shows its health, tests and classifications',
    run: async (page, target) => {
      await open(page, target, repoRoute(target));
      await page.getByRole('heading', { name: 'Pipeline insights' }).waitFor({ timeout: TIMEOUT_MS });
      await page.getByText('Success rate (%)').first().waitFor({ timeout: TIMEOUT_MS });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'repo-page.png'), fullPage: true });
      await page.getByRole('tab', { name: 'Tests' }).click();
      // Hidden tab panels stay in the page (the overview names the same tests): look only in the one shown.
      const tests = page.getByRole('tabpanel');
      await tests.getByText(target.flakyTest.name).first().waitFor({ timeout: TIMEOUT_MS });
      await tests.getByText('Flaky', { exact: true }).first().waitFor();
      // The demo's broken unit test was fixed five default-branch commits after it broke, days before E2E_NOW.
      await tests.getByText('Fixed', { exact: true }).first().waitFor();
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'repo-tests.png'), fullPage: true });
    },
  },
  {
    name: 'quarantine click is stored and shown',
    run: async (page, target) => {
      await open(page, target, repoRoute(target));
      await page.getByRole('tab', { name: 'Tests' }).click({ timeout: TIMEOUT_MS });
      const row = page.locator('tr', { hasText: target.flakyTest.name }).first();
      await row.getByRole('button', { name: 'Quarantine', exact: true }).click({ timeout: TIMEOUT_MS });
      const call = await waitForCall(target, (c) => c.name === 'setQuarantine', 'setQuarantine');
      assert(
        JSON.stringify(call.payload) === JSON.stringify({ testId: target.flakyTest.id, quarantined: true }),
        `unexpected payload ${JSON.stringify(call.payload)}`,
      );
      assert(call.caller.repoUuid === target.repo.uuid, 'setQuarantine was not made as the page repository');
      await row.getByRole('button', { name: 'Unquarantine', exact: true }).waitFor({ timeout: TIMEOUT_MS });
      const stored = (await target.insights()).tests.find((t) => t.id === target.flakyTest.id);
      assert(stored?.quarantined === true, 'the quarantine was not stored');
    },
  },
  {
    name: 'suggestion status change is stored',
    run: async (page, target) => {
      await open(page, target, repoRoute(target));
      await page.getByRole('tab', { name: 'Suggestions' }).click({ timeout: TIMEOUT_MS });
      await page.locator('.ui-kit-select__control').first().click({ timeout: TIMEOUT_MS });
      await page.locator('.ui-kit-select__option', { hasText: 'Done' }).click({ timeout: TIMEOUT_MS });
      const call = await waitForCall(target, (c) => c.name === 'setSuggestionStatus', 'setSuggestionStatus');
      const payload = call.payload as { suggestionId: string; status: string };
      assert(payload.status === 'done', `unexpected payload ${JSON.stringify(payload)}`);
      await page
        .locator('.ui-kit-select__single-value', { hasText: 'Done' })
        .first()
        .waitFor({ timeout: TIMEOUT_MS });
      const stored = (await target.insights()).suggestions.find((s) => s.id === payload.suggestionId);
      assert(stored?.status === 'done', 'the suggestion status was not stored');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'repo-suggestions.png'), fullPage: true });
    },
  },
  {
    name: 'pull request panel shows the verdict of its failing test',
    run: async (page, target) => {
      await open(page, target, prRoute(target));
      // The quarantine check ran first: the PR's flaky failure now reads as quarantined, not as the PR's doing.
      await page.getByText(target.flakyTest.name).first().waitFor({ timeout: TIMEOUT_MS });
      await page.getByText('Quarantined', { exact: true }).first().waitFor({ timeout: TIMEOUT_MS });
      const call = await waitForCall(target, (c) => c.name === 'getPullRequestPanel', 'getPullRequestPanel');
      assert(
        call.caller.pullRequestId === target.pullRequestId,
        'the panel was not loaded for the route pull request',
      );
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'pr-panel.png'), fullPage: true });
    },
  },
  {
    name: 'workspace settings save through the resolver',
    run: async (page, target) => {
      await open(page, target, settingsRoute(target));
      await page
        .getByText('Publish a Code Insights report on pull-request commits')
        .waitFor({ timeout: TIMEOUT_MS });
      const field = page
        .locator('div')
        .filter({ has: page.locator('label', { hasText: 'Publish a Code Insights report' }) })
        .last();
      await field.locator('input[type="checkbox"]').click({ force: true, timeout: TIMEOUT_MS });
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Settings saved').waitFor({ timeout: TIMEOUT_MS });
      assert((await target.adminPage()).settings.codeInsights === false, 'the settings were not stored');
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'admin-page.png'), fullPage: true });
    },
  },
  {
    name: 'unknown repository shows a not-found page',
    run: async (page, target) => {
      const response = await page.goto(`${target.baseUrl}/repo/${target.workspace}/no-such-repo`);
      assert(response?.status() === 404, `expected 404, got ${response?.status()}`);
      await page.getByText(`Unknown repository “${target.workspace}/no-such-repo”`).waitFor();
    },
  },
];

export interface CheckResult {
  name: string;
  error?: string;
}

/** A failure's first line, and what Playwright was waiting for when it gave up. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const [first = '', ...rest] = error.message.split('\n');
  const waiting = rest.find((line) => /waiting for/.test(line));
  return waiting ? `${first} (${waiting.trim()})` : first;
}

/** Runs every check in a fresh page; a check also fails when the page throws an uncaught error. */
export async function runChecks(
  browser: Browser,
  target: E2eTarget,
  checks: readonly E2eCheck[] = CHECKS,
): Promise<CheckResult[]> {
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
      results.push({ name: check.name, error: describeFailure(error) });
      await page
        .screenshot({ path: path.join(SCREENSHOT_DIR, `failed-${results.length}.png`), fullPage: true })
        .catch(() => undefined);
    } finally {
      await context.close();
    }
  }
  return results;
}
