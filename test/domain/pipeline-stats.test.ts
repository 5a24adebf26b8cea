import type { PipelineRunRecord } from '../../src/domain/attempt';
import { histogramCount } from '../../src/domain/histogram';
import { recordRun } from '../../src/services/record-run';
import * as keys from '../../src/storage/keys';
import { SqliteStore } from '../../src/storage/sqlite-store';

const REPO = '11111111-2222-4333-8444-555555555555';
const opts = { retentionDays: 90, now: () => new Date('2026-03-02T12:00:00Z') };

function aRun(
  build: number,
  runNumber: number,
  result: PipelineRunRecord['result'],
  over: Partial<PipelineRunRecord> = {},
): PipelineRunRecord {
  const created = Date.parse('2026-02-24T08:00:00Z') + build * 3_600_000;
  return {
    repoUuid: REPO,
    pipelineUuid: `00000000-0000-4000-8000-${String(build).padStart(12, '0')}`,
    buildNumber: build,
    runNumber,
    result,
    branch: 'main',
    isDefaultBranch: true,
    createdOn: new Date(created).toISOString(),
    completedOn: new Date(created + runNumber * 600_000).toISOString(),
    durationSeconds: 300 * runNumber,
    buildSecondsUsed: 400 * runNumber,
    deployed: false,
    steps: [],
    ...over,
  };
}

async function statsAfter(runs: PipelineRunRecord[]) {
  const store = new SqliteStore({ path: ':memory:' });
  for (const r of runs) await recordRun(store, r, opts);
  return (await store.getDoc(keys.pipelineStats(REPO)))?.value;
}

describe('pipeline statistics', () => {
  const failed = aRun(7, 1, 'FAILED');
  const rerunGreen = aRun(7, 2, 'SUCCESSFUL');
  const other = aRun(8, 1, 'SUCCESSFUL');

  it('counts a pipeline once, by its final state: failed then green on rerun is one successful pipeline and one rerun', async () => {
    const stats = await statsAfter([failed, other, rerunGreen]);
    expect(stats?.totals).toEqual({
      runs: 2,
      successful: 2,
      failed: 0,
      stopped: 0,
      error: 0,
      expired: 0,
      buildSeconds: 800 + 400,
      deployments: 0,
      reruns: 1,
      rerunAttempts: 1,
    });
    const week = stats?.weeks[0];
    expect(week).toMatchObject({ runs: 2, successful: 2, failed: 0, reruns: 1 });
    expect(histogramCount(week?.duration ?? [])).toBe(2);
  });

  it('ends in the same state whatever the order and however often runs arrive', async () => {
    const inOrder = await statsAfter([failed, rerunGreen, other]);
    const orders = [
      [rerunGreen, failed, other],
      [other, rerunGreen, failed, failed, rerunGreen],
      [failed, failed, other, rerunGreen, other, failed],
      [rerunGreen, other],
    ];
    for (const runs of orders) {
      const stats = await statsAfter(runs);
      expect({ totals: stats?.totals, weeks: stats?.weeks }).toEqual({
        totals: inOrder?.totals,
        weeks: inOrder?.weeks,
      });
    }
  });

  it('counts a pipeline first seen at its third run as rerun twice', async () => {
    const stats = await statsAfter([aRun(9, 3, 'FAILED')]);
    expect(stats?.totals).toMatchObject({ runs: 1, failed: 1, reruns: 1, rerunAttempts: 2 });
  });
});
