/**
 * A slowdown found from the runs, end to end: attempts recorded through `recordAttempt` into the SQLite store, the
 * report built by `buildRepoReport`, and its text rendering.
 */
import type { AttemptRecord } from '../../src/domain/attempt';
import type { RepoRef } from '../../src/domain/types';
import { renderText } from '../../src/report/text';
import { recordAttempt } from '../../src/services/record-attempt';
import { buildRepoReport } from '../../src/services/repo-report';
import { createRng } from '../../src/sim/prng';
import * as keys from '../../src/storage/keys';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { anAttempt } from '../support/attempt-builders';

const NOW = new Date('2026-04-15T12:00:00Z');
const DAY = 86_400_000;
const REPO: RepoRef = {
  workspace: 'acme',
  repoSlug: 'shop',
  repoUuid: '11111111-2222-4333-8444-555555555555',
  defaultBranch: 'main',
  fullName: 'acme/shop',
};

function aRun(build: number, completedAt: number, seconds: number): AttemptRecord {
  return anAttempt({
    repoUuid: REPO.repoUuid,
    buildNumber: build,
    completedOn: new Date(completedAt).toISOString(),
    startedOn: new Date(completedAt - seconds * 1000).toISOString(),
    durationSeconds: seconds,
    buildSecondsUsed: seconds,
  });
}

describe('a step that got slower a few days ago', () => {
  it('is flagged from its runs, naming the first slow pipeline and commit in the report and the suggestion', async () => {
    const store = new SqliteStore({ path: ':memory:', now: () => NOW.getTime() });
    await store.set(keys.repository(REPO.workspace, REPO.repoUuid), REPO);
    const rng = createRng(2026);
    // Six weeks of two runs a day at about 5 minutes, then 60 % slower on each of the last 9 runs (five days).
    const attempts: AttemptRecord[] = [];
    const slowFrom = NOW.getTime() - 5 * DAY;
    for (let i = 0; i < 84; i += 1) {
      attempts.push(aRun(1000 + i, slowFrom - (84 - i) * (DAY / 2), 300 * rng.noise(0.08)));
    }
    for (let i = 0; i < 9; i += 1) {
      attempts.push(aRun(1084 + i, slowFrom + i * (DAY / 2), 480 * rng.noise(0.08)));
    }
    for (const a of attempts) await recordAttempt(store, a, { retentionDays: 90, now: () => NOW });

    const report = await buildRepoReport(store, {
      workspace: REPO.workspace,
      repo: REPO,
      since: new Date(NOW.getTime() - 30 * DAY),
      until: NOW,
    });
    const step = report.steps.find((s) => s.name === 'Integration tests');
    expect(step?.regression).toMatchObject({
      firstAffectedPipeline: 1084,
      firstAffectedCommit: attempts[84]?.commit?.slice(0, 7),
      runsSince: 9,
      scope: 'default-branch',
    });
    expect(step?.regression?.change).toBeGreaterThan(0.45);

    const suggestion = report.suggestions.find((s) => s.kind === 'step-regression');
    expect(suggestion?.detail).toContain(
      `first slow in pipeline #1084 (commit ${attempts[84]?.commit?.slice(0, 7)}), 9 runs since`,
    );
    expect(renderText(report, 'week')).toContain('first slow in pipeline #1084');
  });
});
