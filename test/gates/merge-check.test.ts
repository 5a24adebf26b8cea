/**
 * The merge checks on recorded history (the real recordAttempt path into SQLite): what each one tolerates, what it
 * refuses, the pull-request request it makes (exactly one), and the repository setting for a commit with no
 * finished pipeline.
 */
import { updateDoc } from '../../src/services/commit-with-retry';
import { BitbucketClient } from '../../src/bitbucket/client';
import { flakyInChange, runMergeCheck, type MergeCheckRequest } from '../../src/services/merge-check';
import type { PrAttempt } from '../../src/domain/pr-index';
import * as keys from '../../src/storage/keys';
import type { SqliteStore } from '../../src/storage/sqlite-store';
import {
  anAttempt,
  BROKEN,
  FLAKY,
  FRESH,
  record,
  REPO,
  seededStore,
  WORKSPACE,
  type AttemptSpec,
} from '../resolvers/resolver-fixtures';
import { callLog, json, ScriptedTransport } from '../support/scripted-transport';

const PR = 7;
const COMMIT = 'c00000000fa1';
const PR_PATH = `/repositories/${REPO.workspace}/${REPO.repoSlug}/pullrequests/${PR}`;

/** Bitbucket's pull request, as the API gives it: 12-character commit hashes. */
function pullRequestTransport(destination = 'main', commit = COMMIT) {
  return ScriptedTransport.handler((req) =>
    req.url.startsWith(PR_PATH)
      ? json(200, {
          id: PR,
          state: 'OPEN',
          source: { branch: { name: 'feature/tax' }, commit: { hash: commit.slice(0, 12) } },
          destination: { branch: { name: destination }, commit: { hash: 'd00d00d00d00' } },
        })
      : json(404, { type: 'error', error: { message: 'not scripted' } }),
  );
}

/** Records the attempts of a pull-request pipeline on COMMIT and marks the pipeline finished, as ingestion does. */
async function prPipeline(
  store: SqliteStore,
  specs: Omit<AttemptSpec, 'branch' | 'pullRequestId' | 'commit'>[],
  opts: { finished?: boolean; pullRequestId?: number } = {},
): Promise<void> {
  const full = specs.map((s) => ({
    ...s,
    branch: 'feature/tax',
    commit: `${COMMIT}0000000000000000000000000000`,
    ...(opts.pullRequestId === 0 ? {} : { pullRequestId: opts.pullRequestId ?? PR }),
  }));
  await record(store, full);
  for (const s of full) {
    const a = anAttempt(s);
    await store.set(keys.pipelineSeen(REPO.repoUuid, a.pipelineUuid), {
      runNumber: 1,
      complete: opts.finished ?? true,
      steps: {},
    });
  }
}

async function check(
  store: SqliteStore,
  over: Partial<MergeCheckRequest> = {},
  transport = pullRequestTransport(),
) {
  const client = new BitbucketClient({ transport, sleep: async () => undefined });
  const result = await runMergeCheck(
    { store, client },
    { workspace: WORKSPACE, repo: REPO, pullRequestId: PR, check: 'unexplained', ...over },
  );
  return { ...result, calls: callLog(transport) };
}

describe('merge check "No unexplained test failures"', () => {
  it('passes a pull request whose only failures are a known flaky test and a test already broken on main, naming them, with one request', async () => {
    const store = await seededStore();
    await prPipeline(store, [{ build: 50, minute: 50 * 60, failed: [FLAKY, BROKEN] }]);
    const result = await check(store);
    expect(result).toEqual({
      success: true,
      message: `Pipeline #50 on ${COMMIT}: no unexplained failures. Tolerated: already broken on main: "${BROKEN.name}"; known flaky: "${FLAKY.name}".`,
      calls: [`GET ${PR_PATH}?fields=id,state,source.commit.hash,source.branch.name,destination.branch.name`],
    });
  });

  it('fails on a new failure, naming it and what it tolerated', async () => {
    const store = await seededStore();
    await prPipeline(store, [{ build: 50, minute: 50 * 60, failed: [FLAKY, FRESH] }]);
    const result = await check(store);
    expect(result.success).toBe(false);
    expect(result.message).toBe(
      `Pipeline #50 on ${COMMIT}: 1 unexplained failure: test "${FRESH.name}". Tolerated: known flaky: "${FLAKY.name}".`,
    );
  });

  it('judges the latest finished pipeline of the commit, not an older one or one still running', async () => {
    const store = await seededStore();
    await prPipeline(store, [{ build: 50, minute: 50 * 60, failed: [FRESH] }]);
    await prPipeline(store, [{ build: 51, minute: 51 * 60 }]);
    await prPipeline(store, [{ build: 52, minute: 52 * 60, failed: [FRESH] }], { finished: false });
    expect(await check(store)).toMatchObject({
      success: true,
      message: `Pipeline #51 on ${COMMIT}: no unexplained failures.`,
    });
  });

  it('tolerates a test broken on the destination branch only when it is the destination', async () => {
    const store = await seededStore();
    await prPipeline(store, [{ build: 50, minute: 50 * 60, failed: [BROKEN] }]);
    expect((await check(store, {}, pullRequestTransport('release/2.0'))).success).toBe(false);
    expect((await check(store, {}, pullRequestTransport('main'))).success).toBe(true);
  });

  it('tolerates a step that failed for an infrastructure reason, tests included, and refuses a build error', async () => {
    const store = await seededStore();
    const infra = {
      ...anAttempt({
        build: 50,
        minute: 50 * 60,
        failed: [FRESH],
        branch: 'feature/tax',
        pullRequestId: PR,
        commit: `${COMMIT}0000000000000000000000000000`,
      }),
    };
    infra.failure = {
      category: 'infrastructure',
      message: "Container 'Build' exceeded memory limit.",
      fingerprint: 'f-oom',
    };
    const { recordAttempt } = await import('../../src/services/record-attempt');
    await recordAttempt(store, infra, { retentionDays: 90, now: () => new Date() });
    await store.set(keys.pipelineSeen(REPO.repoUuid, infra.pipelineUuid), {
      runNumber: 1,
      complete: true,
      steps: {},
    });
    expect(await check(store)).toMatchObject({
      success: true,
      message: `Pipeline #50 on ${COMMIT}: no unexplained failures. Tolerated: infrastructure fault in "Unit tests".`,
    });

    const build = {
      ...infra,
      pipelineUuid: infra.pipelineUuid.replace(/.$/, 'f'),
      buildNumber: 60,
      stepUuid: infra.stepUuid.replace(/.$/, 'f'),
      failedTests: [],
      tests: undefined,
      failure: { category: 'build' as const, message: 'error TS2345', fingerprint: 'f-build' },
    };
    await recordAttempt(store, build, { retentionDays: 90, now: () => new Date() });
    await store.set(keys.pipelineSeen(REPO.repoUuid, build.pipelineUuid), {
      runNumber: 1,
      complete: true,
      steps: {},
    });
    expect(await check(store)).toMatchObject({
      success: false,
      message: `Pipeline #60 on ${COMMIT}: 1 unexplained failure: step "Unit tests" failed (build).`,
    });
  });

  it('finds branch pipelines of the commit (no pull-request target) through the commit index', async () => {
    const store = await seededStore();
    await prPipeline(store, [{ build: 50, minute: 50 * 60, failed: [FRESH] }], { pullRequestId: 0 });
    expect(await check(store)).toMatchObject({
      success: false,
      message: `Pipeline #50 on ${COMMIT}: 1 unexplained failure: test "${FRESH.name}".`,
    });
  });

  it('fails without a finished pipeline unless the repository lets such pull requests pass', async () => {
    const store = await seededStore();
    await prPipeline(store, [{ build: 50, minute: 50 * 60 }], { finished: false });
    expect(await check(store)).toMatchObject({
      success: false,
      message: `No finished pipeline on ${COMMIT} yet: wait for it, or run one.`,
    });
    await updateDoc(store, keys.mergeCheckSettings(WORKSPACE), () => ({
      passWithoutPipeline: [REPO.repoUuid],
    }));
    expect(await check(store)).toMatchObject({
      success: true,
      message: `No finished pipeline on ${COMMIT}; this repository lets pull requests merge without one.`,
    });
    // A newer push: the pipelines recorded are of another commit.
    await prPipeline(store, [{ build: 51, minute: 51 * 60 }]);
    expect((await check(store, {}, pullRequestTransport('main', 'feedfacefeed'))).message).toMatch(
      /^No finished pipeline on feedfacefeed;/,
    );
  });

  it('cuts long names and lists at most three', async () => {
    const store = await seededStore();
    const many = Array.from({ length: 5 }, (_, i) => ({
      id: `t-long-${i}`,
      name: `${'x'.repeat(200)} ${i}`,
    }));
    await prPipeline(store, [{ build: 50, minute: 50 * 60, failed: many }]);
    const { message, success } = await check(store);
    expect(success).toBe(false);
    expect(message).toContain('5 unexplained failures');
    expect(message).toContain('; and 2 more.');
    expect(message.length).toBeLessThan(600);
  });
});

describe('merge check "No new flaky tests"', () => {
  it('fails when a test failed and passed again on the pull request commit and is not flaky on main', async () => {
    const store = await seededStore();
    await prPipeline(store, [
      { build: 50, minute: 50 * 60, failed: [FRESH] },
      { build: 50, minute: 50 * 60 + 10, runNumber: 2 },
    ]);
    const result = await check(store, { check: 'new-flaky' });
    expect(result).toMatchObject({
      success: false,
      message: `Pipeline #50 on ${COMMIT}: 1 test failed and then passed on the same commit, not flaky on main before: "${FRESH.name}".`,
    });
    expect(result.calls).toHaveLength(1);
  });

  it('passes when the test that failed and passed again is already flaky on main', async () => {
    const store = await seededStore();
    await prPipeline(store, [
      { build: 50, minute: 50 * 60, failed: [FLAKY] },
      { build: 50, minute: 50 * 60 + 10, runNumber: 2 },
    ]);
    expect(await check(store, { check: 'new-flaky' })).toMatchObject({
      success: true,
      message: `Pipeline #50 on ${COMMIT}: no test turned flaky in this pull request. 1 test that failed and passed again is already flaky or quarantined.`,
    });
  });

  it('counts a pass in another pipeline of the same commit, and never a failure that did not pass again', () => {
    const a = (over: Partial<PrAttempt>): PrAttempt => ({
      pipelineUuid: 'p1',
      buildNumber: 1,
      stepUuid: 's1',
      stepName: 'Unit tests',
      runNumber: 1,
      result: 'FAILED',
      completedOn: '2026-01-01T10:00:00.000Z',
      failedTests: [{ id: 'x', name: 'X' }],
      failedTestsOmitted: 0,
      ...over,
    });
    expect(
      flakyInChange([
        a({}),
        a({
          pipelineUuid: 'p2',
          buildNumber: 2,
          stepUuid: 's2',
          result: 'SUCCESSFUL',
          failedTests: [],
          completedOn: '2026-01-01T11:00:00.000Z',
        }),
      ]),
    ).toEqual([{ id: 'x', name: 'X', step: 'Unit tests' }]);
    expect(
      flakyInChange([
        a({}),
        a({
          pipelineUuid: 'p2',
          stepUuid: 's2',
          stepName: 'Lint',
          result: 'SUCCESSFUL',
          failedTests: [],
          completedOn: '2026-01-01T11:00:00.000Z',
        }),
      ]),
    ).toEqual([]);
    expect(
      flakyInChange([
        a({ completedOn: '2026-01-01T12:00:00.000Z' }),
        a({ pipelineUuid: 'p0', stepUuid: 's0', result: 'SUCCESSFUL', failedTests: [] }),
      ]),
    ).toEqual([]);
  });
});
