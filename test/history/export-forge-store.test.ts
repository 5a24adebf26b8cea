/**
 * The export over Forge KVS (the fake of test/support/forge-fakes.ts, with Forge's value and transaction limits):
 * the one-time export waits out the settle delay after the switch, journal entries younger than it wait too, an
 * attempt with a hundred 1,200-character test names is split so every batch stays under 200 KB and every staged
 * batch fits one stored value, and every record arrives.
 */
import { updateDoc } from '../../src/services/commit-with-retry';
import {
  BATCH_SCHEMA_VERSION,
  MAX_BATCH_BYTES,
  parseBatch,
  type ExportBatch,
} from '../../history/src/contract';
import type { AttemptRecord } from '../../src/domain/attempt';
import type { RepoRef } from '../../src/domain/types';
import { recordAttempt } from '../../src/services/record-attempt';
import { runExport, type ExportSink } from '../../src/services/export/history-export';
import { ForgeKvsStore } from '../../src/storage/forge-kvs-store';
import * as keys from '../../src/storage/keys';
import { FakeClock, FakeKvs } from '../support/forge-fakes';

const WORKSPACE = '0e0e0e0e-0000-4000-8000-000000000001';
const REPO: RepoRef = {
  workspace: WORKSPACE,
  repoSlug: 'monorepo',
  repoUuid: '0e0e0e0e-0000-4000-8000-0000000000aa',
  fullName: 'acme/monorepo',
  defaultBranch: 'main',
};
const T0 = Date.UTC(2026, 2, 2, 12);
const MINUTE = 60_000;
const SETTLE = 960;
const silent = { info: () => undefined, warn: () => undefined };

function attempt(n: number, at: number, failedTests = 0): AttemptRecord {
  const hex = n.toString(16).padStart(12, '0');
  return {
    repoUuid: REPO.repoUuid,
    pipelineUuid: `0e0e0e0e-0000-4000-8000-${hex}`,
    buildNumber: n,
    pipelineRunNumber: 1,
    stepUuid: `0f0f0f0f-0000-4000-8000-${hex}`,
    stepName: 'Tests',
    runNumber: 1,
    isRerun: false,
    result: failedTests ? 'FAILED' : 'SUCCESSFUL',
    isDefaultBranch: true,
    pipelineCreatedOn: new Date(at - 5 * MINUTE).toISOString(),
    completedOn: new Date(at).toISOString(),
    sizeMultiplier: 1,
    tests: { total: 500, successful: 500 - failedTests, failed: failedTests, error: 0, skipped: 0 },
    failedTests: Array.from({ length: failedTests }, (_, i) => ({
      id: `${n}-${i}`.padStart(16, '0'),
      name: `suite ${i} ${'parametrised case with a very long generated name '.repeat(40)}`.slice(0, 1200),
      message: 'x'.repeat(500),
      durationMs: 1200,
    })),
    failedTestsOmitted: 0,
    logRead: false,
  };
}

it('exports everything over Forge KVS, after the settle delay, in batches that fit', async () => {
  const clock = new FakeClock(T0 - 60 * MINUTE);
  const store = new ForgeKvsStore({ kvs: new FakeKvs({ now: () => clock.now() }) });
  const now = () => new Date(clock.now());
  await store.set(keys.repository(WORKSPACE, REPO.repoUuid), REPO);
  // Stored before the export was switched on: no journal.
  for (let n = 1; n <= 20; n++)
    await recordAttempt(store, attempt(n, clock.now() + n * MINUTE, n === 7 ? 100 : 0), {
      retentionDays: 90,
      now,
    });
  clock.advanceTo(T0);
  await updateDoc(store, keys.exportConfig(WORKSPACE), () => ({
    enabled: true,
    destination: 'https://history.example.com/batches',
    generation: 'g1',
    enabledAt: now().toISOString(),
  }));
  for (let n = 21; n <= 25; n++)
    await recordAttempt(store, attempt(n, clock.now(), 0), { retentionDays: 90, now, exportJournal: true });

  const batches: ExportBatch[] = [];
  const sink: ExportSink = {
    deliver: async (batch, body) => {
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_BATCH_BYTES);
      batches.push(parseBatch(body));
      return { kind: 'accepted' };
    },
  };
  const run = () =>
    runExport({ store, now, log: silent }, { workspace: WORKSPACE, sink, settleSeconds: SETTLE });

  clock.advance(5 * MINUTE);
  expect(await run()).toMatchObject({
    outcome: 'waiting',
    retryAt: new Date(T0 + SETTLE * 1000).toISOString(),
  });
  expect(batches).toEqual([]);

  clock.advanceTo(T0 + 17 * MINUTE);
  await recordAttempt(store, attempt(26, clock.now(), 0), { retentionDays: 90, now, exportJournal: true });
  expect((await run()).outcome).toBe('up-to-date');
  const attempts = (list: ExportBatch[]) =>
    new Set(
      list.flatMap((b) => b.records.flatMap((r) => (r.type === 'step-attempt' ? [r.buildNumber] : []))),
    );
  expect([...attempts(batches)].sort((a, b) => a - b)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
  const big = batches
    .flatMap((b) => b.records)
    .filter((r) => r.type === 'step-attempt' && r.buildNumber === 7);
  expect(big.length).toBeGreaterThan(1);
  expect(big.reduce((n, r) => n + (r.type === 'step-attempt' ? r.failedTests.length : 0), 0)).toBe(100);
  expect(batches.every((b) => b.schemaVersion === BATCH_SCHEMA_VERSION)).toBe(true);

  // Noted after this run's settle cut-off (#26 and #27): waits 16 minutes, then goes.
  const before = batches.length;
  await recordAttempt(store, attempt(27, clock.now(), 0), { retentionDays: 90, now, exportJournal: true });
  clock.advance(5 * MINUTE);
  expect(await run()).toMatchObject({ outcome: 'up-to-date', records: 0 });
  clock.advance(SETTLE * 1000);
  expect(await run()).toMatchObject({ outcome: 'up-to-date' });
  expect([...attempts(batches.slice(before))].sort()).toEqual([26, 27]);
  expect((await store.query(keys.exportJournalOf(REPO.repoUuid))).items).toEqual([]);
});
