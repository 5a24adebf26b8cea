/**
 * `npm run bench:growth`: cost of recording one attempt as history grows. Records 10,000 attempts of one step
 * (a 500-test suite, ~2% of attempts with a failing test, a few flaky tests, a rerun now and then) through the real
 * recorder into a metered SQLite store, and prints reads, writes, bytes written and CPU per attempt for the first
 * and the last 500 attempts. Flat numbers mean no cost grows with the length of the history.
 */
import { createRng } from '../src/sim/prng';
import { MeteredStore } from '../src/storage/metered-store';
import { SqliteStore } from '../src/storage/sqlite-store';
import { recordAttempt } from '../src/services/record-attempt';
import type { AttemptRecord } from '../src/domain/attempt';
import { stepTestId } from '../src/domain/test-identity';

const TOTAL = 10_000;
const WINDOW = 500;
const SUITE = 500;

function attemptAt(i: number, random: () => number): AttemptRecord {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 15 * 60_000).toISOString();
  const failing = random() < 0.02 ? [`suite.Flaky${Math.floor(random() * 5)}.test`] : [];
  const rerun = failing.length > 0 && random() < 0.3;
  return {
    repoUuid: '00000000-0000-4000-8000-000000000001',
    pipelineUuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    buildNumber: i + 1,
    pipelineRunNumber: 1,
    stepUuid: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    stepName: 'Unit tests',
    runNumber: rerun ? 2 : 1,
    isRerun: rerun,
    result: failing.length && !rerun ? 'FAILED' : 'SUCCESSFUL',
    commit: (i * 2654435761).toString(16).padStart(40, '0').slice(-40),
    branch: 'main',
    isDefaultBranch: true,
    pipelineCreatedOn: at,
    startedOn: at,
    completedOn: at,
    durationSeconds: 200 + random() * 40,
    queueSeconds: 10,
    buildSecondsUsed: 230,
    sizeMultiplier: 1,
    tests: {
      total: SUITE,
      successful: SUITE - failing.length,
      failed: rerun ? 0 : failing.length,
      error: 0,
      skipped: 0,
    },
    failedTests: rerun ? [] : failing.map((name) => ({ id: stepTestId('Unit tests', name), name })),
    failedTestsOmitted: 0,
    ...(failing.length && !rerun
      ? {
          failure: {
            category: 'test' as const,
            cause: 'test-failure' as const,
            fingerprint: 'f'.repeat(16),
            message: 'Tests: 1 failed',
          },
        }
      : {}),
    logRead: failing.length > 0 && !rerun,
  };
}

async function main(): Promise<void> {
  const store = new MeteredStore(new SqliteStore({ path: ':memory:' }));
  const prng = createRng(7);
  const random = (): number => prng.next();
  const rows: { from: number; reads: number; writes: number; bytes: number; cpuMs: number }[] = [];
  let cpu = process.cpuUsage();
  for (let i = 0; i < TOTAL; i++) {
    if (i % WINDOW === 0) {
      store.reset();
      cpu = process.cpuUsage();
    }
    await recordAttempt(store, attemptAt(i, random), { retentionDays: 90, now: () => new Date() });
    if ((i + 1) % WINDOW === 0) {
      const s = store.stats();
      const used = process.cpuUsage(cpu);
      rows.push({
        from: i + 1 - WINDOW,
        reads: s.reads / WINDOW,
        writes: s.writes / WINDOW,
        bytes: s.bytesWritten / WINDOW,
        cpuMs: (used.user + used.system) / 1000 / WINDOW,
      });
    }
  }
  console.log('attempts          reads/attempt  writes/attempt  bytes written/attempt  CPU ms/attempt');
  for (const r of [rows[0], rows[rows.length - 1]]) {
    if (!r) continue;
    console.log(
      `${String(r.from + 1).padStart(5)}–${String(r.from + WINDOW).padEnd(6)}  ${r.reads.toFixed(2).padStart(13)}  ${r.writes.toFixed(2).padStart(14)}  ${r.bytes.toFixed(0).padStart(21)}  ${r.cpuMs.toFixed(2).padStart(14)}`,
    );
  }
}

void main();
