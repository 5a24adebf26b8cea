/**
 * The workspace settings "flag at a score of", "clear below a score of" and the branch scope change the labels the
 * report (and so the pages, the CLI and the PR panel) shows, and ingestion's test index agrees with the report.
 */
import { updateDoc } from '../../src/services/commit-with-retry';
import { buildRepoReport } from '../../src/services/repo-report';
import { pullRequestPanel } from '../../src/services/resolvers/pr-panel';
import { detectorConfigFor, readWorkspaceSettings } from '../../src/services/settings';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../../src/contract/settings';
import * as keys from '../../src/storage/keys';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { FLAKY, NOW, REPO, WORKSPACE, record, type AttemptSpec } from '../resolvers/resolver-fixtures';

/** Two isolated failures of FLAKY on the default branch, far apart, and a branch-only flake of another test. */
const BRANCH_ONLY = { name: 'wishlist.spec.ts › keeps items after login', id: '' };
function history(): AttemptSpec[] {
  const specs: AttemptSpec[] = [];
  for (let build = 1; build <= 120; build++) {
    const failed = build === 40 || build === 100 ? [FLAKY] : [];
    specs.push({ build, minute: build * 30, failed });
  }
  specs.push({ build: 121, minute: 121 * 30, branch: 'feature/wishlist', failed: [{ ...BRANCH_ONLY }] });
  specs.push({ build: 121, minute: 121 * 30 + 10, branch: 'feature/wishlist', runNumber: 2 });
  return specs;
}

async function storeWith(settings: Partial<WorkspaceSettings>): Promise<SqliteStore> {
  const store = new SqliteStore({ path: ':memory:', now: () => NOW.getTime() });
  const saved = { ...DEFAULT_SETTINGS, ...settings };
  await updateDoc(store, keys.settings(WORKSPACE), () => saved);
  // Ingestion takes its configuration from the settings, as sync and the Forge consumer do.
  await record(store, history(), detectorConfigFor(saved));
  return store;
}

async function labels(store: SqliteStore): Promise<Map<string, string>> {
  const report = await buildRepoReport(store, {
    workspace: WORKSPACE,
    repo: REPO,
    since: new Date('2026-02-01T00:00:00Z'),
    until: NOW,
  });
  return new Map(report.tests.map((t) => [t.name, t.classification]));
}

beforeAll(async () => {
  const { stepTestId } = await import('../../src/domain/test-identity');
  BRANCH_ONLY.id = stepTestId('Unit tests', BRANCH_ONLY.name);
});

describe('workspace settings and labels', () => {
  it('uses one default for the recovery threshold in the settings and in the detector', async () => {
    const store = new SqliteStore({ path: ':memory:', now: () => NOW.getTime() });
    const config = detectorConfigFor(await readWorkspaceSettings(store, WORKSPACE));
    expect(config.alarmScore).toBe(DEFAULT_SETTINGS.flakyAlarmThreshold);
    expect(config.recoveryScore).toBe(DEFAULT_SETTINGS.flakyRecoveryThreshold);
  });

  it('flags a test with two isolated failures at the default threshold, and not when the admin raised it', async () => {
    expect((await labels(await storeWith({}))).get(FLAKY.name)).toBe('flaky');
    expect(
      (await labels(await storeWith({ flakyAlarmThreshold: 0.97, flakyRecoveryThreshold: 0.9 }))).get(
        FLAKY.name,
      ),
    ).not.toBe('flaky');
  });

  it('leaves branch-only evidence out when the branch scope is the default branch', async () => {
    expect((await labels(await storeWith({ branchScope: 'all' }))).get(BRANCH_ONLY.name)).toBe('flaky');
    expect((await labels(await storeWith({ branchScope: 'default' }))).get(BRANCH_ONLY.name)).not.toBe(
      'flaky',
    );
  });

  it('records the same label in the step index at ingestion as the report shows', async () => {
    const store = await storeWith({ flakyAlarmThreshold: 0.97, flakyRecoveryThreshold: 0.9 });
    const index = await store.getDoc(keys.testIndex(REPO.repoUuid, 'Unit tests'));
    const entry = index?.value.tests.find((t) => t.id === FLAKY.id);
    expect(entry?.label).toBe((await labels(store)).get(FLAKY.name));
  });

  it('judges a pull request failure with the same thresholds', async () => {
    const store = await storeWith({ flakyAlarmThreshold: 0.97, flakyRecoveryThreshold: 0.9 });
    await record(store, [
      { build: 130, minute: 130 * 30, branch: 'feature/pay', pullRequestId: 7, failed: [FLAKY] },
    ]);
    const settings = await readWorkspaceSettings(store, WORKSPACE);
    const panel = await pullRequestPanel(store, REPO, 7, detectorConfigFor(settings));
    expect(panel.failingTests.find((t) => t.testId === FLAKY.id)?.verdict).not.toBe('known-flaky');
    const lenient = await pullRequestPanel(store, REPO, 7, detectorConfigFor(DEFAULT_SETTINGS));
    expect(lenient.failingTests.find((t) => t.testId === FLAKY.id)?.verdict).toBe('known-flaky');
  });
});
