/**
 * Long test names at Forge's limits, through the real recording path into Forge KVS (the fake service measures what
 * the package sends): the per-pull-request index and the attempt record stay within 240 KiB, names stay exact, and
 * every later attempt of the pull request still records.
 */
import type { AttemptRecord } from '../../src/domain/attempt';
import { judgeJobError } from '../../src/services/job-errors';
import { recordAttempt } from '../../src/services/record-attempt';
import { ForgeKvsStore } from '../../src/storage/forge-kvs-store';
import * as keys from '../../src/storage/keys';
import { FORGE_KVS_LIMITS, jsonBytes } from '../../src/storage/limits';
import { StoreLimitError } from '../../src/storage/store';
import { anAttempt, REPO } from '../resolvers/resolver-fixtures';
import { FakeKvs } from '../support/forge-fakes';

const NOW = new Date('2026-02-21T00:00:00Z');
const opts = { retentionDays: 90, now: () => NOW };
/** Bitbucket keeps up to 2,000 characters of a name; `é` takes two bytes. */
const longName = (tag: string) => `${tag} ${'é'.repeat(2000 - tag.length - 1)}`;

function failing(run: number, count: number, message?: string): AttemptRecord['failedTests'] {
  return Array.from({ length: count }, (_, i) => ({
    id: `r${run}t${i}`,
    name: longName(`com.acme.checkout.Run${run}Test.case${i}`),
    ...(message ? { message } : {}),
  }));
}

describe('records at the byte limits', () => {
  it('a pull request with hundreds of long failing names: every attempt records, the index keeps exact names', async () => {
    const store = new ForgeKvsStore({ kvs: new FakeKvs({ now: () => NOW.getTime() }) });
    const names = new Map<string, string>();
    for (let run = 1; run <= 8; run++) {
      const failed = failing(run, 45);
      for (const t of failed) names.set(t.id, t.name);
      const a = anAttempt({
        build: 70,
        minute: run * 10,
        runNumber: run,
        pullRequestId: 12,
        commit: 'eee',
        failed,
      });
      expect(await recordAttempt(store, a, opts)).toBe('recorded');
    }
    const index = await store.getDoc(keys.pullRequestIndex(REPO.repoUuid, 12));
    const attempts = index?.value.attempts ?? [];
    expect(attempts).toHaveLength(8);
    const named = attempts.flatMap((a) => a.failedTests);
    expect(named.length + attempts.reduce((n, a) => n + a.failedTestsOmitted, 0)).toBe(8 * 45);
    expect(named.length).toBeGreaterThan(45);
    for (const t of named) expect(t.name).toBe(names.get(t.id));
  });

  it('an attempt with a hundred long names and messages: recorded within one KVS value, the rest counted', async () => {
    const store = new ForgeKvsStore({ kvs: new FakeKvs({ now: () => NOW.getTime() }) });
    const failed = failing(1, 100, `AssertionError: ${'x'.repeat(480)}`);
    const a = anAttempt({ build: 80, minute: 0, failed });
    expect(jsonBytes(a)).toBeGreaterThan(FORGE_KVS_LIMITS.maxValueBytes);
    expect(await recordAttempt(store, a, opts)).toBe('recorded');
    const stored = await store.get(keys.attempt(REPO.repoUuid, a));
    expect(stored).toBeDefined();
    expect(jsonBytes(stored)).toBeLessThanOrEqual(FORGE_KVS_LIMITS.maxValueBytes);
    expect((stored?.failedTests.length ?? 0) + (stored?.failedTestsOmitted ?? 0)).toBe(100);
    expect(stored?.failedTests[0]).toEqual(failed[0]);
    // A redelivery changes nothing and writes the same bounded record.
    expect(await recordAttempt(store, a, opts)).toBe('duplicate');
  });

  it('a value the store cannot hold is final for a job: given up and shown, never retried without end', () => {
    expect(
      judgeJobError(new StoreLimitError('value size limit: 251000 bytes exceeds 245760 (240 KiB)')),
    ).toEqual({ kind: 'final' });
  });
});
