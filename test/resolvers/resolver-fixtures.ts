/**
 * Data for the resolver tests, recorded through the real services (recordAttempt, recordRun) into an in-memory
 * SQLite store: a repository whose default branch has one broken and one flaky test, and pull requests on top.
 */
import type { AttemptRecord, PipelineRunRecord } from '../../src/domain/attempt';
import type { DetectorConfig } from '../../src/domain/flakiness/types';
import type { RepoRef } from '../../src/domain/types';
import type { CallerContext } from '../../src/contract/caller';
import { recordAttempt } from '../../src/services/record-attempt';
import { recordRun } from '../../src/services/record-run';
import * as keys from '../../src/storage/keys';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { stepTestId } from '../../src/domain/test-identity';

export const WORKSPACE = 'acme';
export const NOW = new Date('2026-03-02T12:00:00Z');
export const REPO: RepoRef = {
  workspace: 'acme',
  repoSlug: 'shop',
  repoUuid: '11111111-2222-4333-8444-555555555555',
  defaultBranch: 'main',
  fullName: 'acme/shop',
};
export const caller = (over: Partial<CallerContext> = {}): CallerContext => ({
  accountId: 'u-1',
  workspaceUuid: WORKSPACE,
  repoUuid: REPO.repoUuid,
  ...over,
});

export const BROKEN = { name: 'cart.spec.ts › totals include tax', id: '' };
export const FLAKY = { name: 'checkout.spec.ts › retries the payment', id: '' };
export const FRESH = { name: 'search.spec.ts › finds by sku', id: '' };
BROKEN.id = stepTestId('Unit tests', BROKEN.name);
FLAKY.id = stepTestId('Unit tests', FLAKY.name);
FRESH.id = stepTestId('Unit tests', FRESH.name);

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const uuidOf = (kind: number, n: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;

export interface AttemptSpec {
  build: number;
  failed?: { id: string; name: string }[];
  runNumber?: number;
  branch?: string;
  pullRequestId?: number;
  commit?: string;
  /** Minutes after the start of the history. */
  minute: number;
}

export function anAttempt(s: AttemptSpec): AttemptRecord {
  const start = Date.parse('2026-02-20T08:00:00Z') + s.minute * 60_000;
  const failed = s.failed ?? [];
  const branch = s.branch ?? 'main';
  return {
    repoUuid: REPO.repoUuid,
    pipelineUuid: uuidOf(1, s.build),
    buildNumber: s.build,
    pipelineRunNumber: 1,
    stepUuid: uuidOf(2, s.build),
    stepName: 'Unit tests',
    runNumber: s.runNumber ?? 1,
    isRerun: (s.runNumber ?? 1) > 1,
    result: failed.length ? 'FAILED' : 'SUCCESSFUL',
    commit: s.commit ?? `c${hex(s.build, 11)}`,
    branch,
    isDefaultBranch: branch === 'main',
    ...(s.pullRequestId !== undefined ? { pullRequestId: s.pullRequestId } : {}),
    pipelineCreatedOn: new Date(start - 300_000).toISOString(),
    startedOn: new Date(start - 240_000).toISOString(),
    completedOn: new Date(start).toISOString(),
    durationSeconds: 240,
    buildSecondsUsed: 240,
    sizeMultiplier: 1,
    tests: { total: 40, successful: 40 - failed.length, failed: failed.length, error: 0, skipped: 0 },
    failedTests: failed,
    failedTestsOmitted: 0,
    ...(failed.length
      ? {
          failure: {
            category: 'test' as const,
            message: `${failed.length} test(s) failed`,
            fingerprint: 'f-test',
          },
        }
      : {}),
    logRead: false,
  };
}

function runOf(a: AttemptRecord): PipelineRunRecord {
  return {
    repoUuid: a.repoUuid,
    pipelineUuid: a.pipelineUuid,
    buildNumber: a.buildNumber,
    runNumber: 1,
    result: a.result === 'SUCCESSFUL' ? 'SUCCESSFUL' : 'FAILED',
    ...(a.commit ? { commit: a.commit } : {}),
    ...(a.branch ? { branch: a.branch } : {}),
    isDefaultBranch: a.isDefaultBranch,
    ...(a.pullRequestId !== undefined ? { pullRequestId: a.pullRequestId } : {}),
    createdOn: a.pipelineCreatedOn,
    completedOn: a.completedOn,
    durationSeconds: 300,
    buildSecondsUsed: 240,
    deployed: false,
    steps: [
      {
        name: a.stepName,
        startedOn: a.startedOn,
        completedOn: a.completedOn,
        durationSeconds: 240,
        result: a.result,
      },
    ],
  };
}

export async function record(
  store: SqliteStore,
  specs: AttemptSpec[],
  detector?: DetectorConfig,
): Promise<void> {
  const opts = { retentionDays: 90, now: () => NOW, ...(detector ? { detector } : {}) };
  for (const s of specs) {
    const a = anAttempt(s);
    await recordAttempt(store, a, opts);
    if (a.runNumber === 1) await recordRun(store, runOf(a), opts);
  }
}

/**
 * Default branch: FLAKY fails on first attempts and passes on rerun of the same commit, every third build;
 * BROKEN passes 20 builds, then fails on every build from #21.
 */
export function defaultBranchHistory(): AttemptSpec[] {
  const specs: AttemptSpec[] = [];
  for (let build = 1; build <= 30; build++) {
    const minute = build * 60;
    const failed = build >= 21 ? [BROKEN] : [];
    if (build % 3 === 0) {
      specs.push({ build, minute, failed: [...failed, FLAKY] });
      specs.push({ build, minute: minute + 10, runNumber: 2, failed });
    } else specs.push({ build, minute, failed });
  }
  return specs;
}

export async function seededStore(extra: AttemptSpec[] = []): Promise<SqliteStore> {
  const store = new SqliteStore({ path: ':memory:', now: () => NOW.getTime() });
  await store.set(keys.repository(WORKSPACE, REPO.repoUuid), REPO);
  await record(store, [...defaultBranchHistory(), ...extra]);
  return store;
}
