/** The per-PR index: what the panel and Code Insights read instead of scanning attempt records. */
import { jsonBytes } from '../../../src/domain/json-size';
import {
  applyAttemptToPrIndex as applyWithin,
  MAX_PR_ATTEMPTS,
  type PrIndex,
} from '../../../src/domain/pr-index';
import type { AttemptRecord } from '../../../src/domain/attempt';
import { MAX_DOC_DATA_BYTES } from '../../../src/storage/limits';
import { anAttempt } from '../../resolvers/resolver-fixtures';

const applyAttemptToPrIndex = (index: PrIndex | undefined, a: AttemptRecord) =>
  applyWithin(index, a, MAX_DOC_DATA_BYTES);
/** A name of exactly `chars` characters (Bitbucket keeps up to 2,000), unique by `tag`, two bytes per `é`. */
const longName = (tag: string, chars = 2000) => `${tag} ${'é'.repeat(chars - tag.length - 1)}`;

const failing = (n: number, prefix = 't') =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, name: `${prefix} test ${i}` }));
const apply = (
  index: PrIndex | undefined,
  ...specs: Parameters<typeof anAttempt>[0][]
): PrIndex | undefined =>
  specs.reduce<PrIndex | undefined>((acc, s) => applyAttemptToPrIndex(acc, anAttempt(s)) ?? acc, index);
const ids = (index: PrIndex | undefined) =>
  (index?.attempts ?? []).map((a) => `${a.buildNumber}.${a.runNumber}`).sort();

describe('the pull request index', () => {
  it('ignores attempts that do not belong to a pull request', () => {
    expect(applyAttemptToPrIndex(undefined, anAttempt({ build: 1, minute: 0 }))).toBeUndefined();
  });

  it('keeps every attempt of the newest commit, reruns included, and drops an older commit when a newer one runs', () => {
    let index = apply(undefined, {
      build: 10,
      minute: 0,
      pullRequestId: 7,
      commit: 'aaa',
      failed: failing(2),
    });
    index = apply(index, { build: 10, minute: 5, runNumber: 2, pullRequestId: 7, commit: 'aaa' });
    index = apply(index, { build: 11, minute: 6, pullRequestId: 7, commit: 'aaa' });
    expect(index?.commit).toBe('aaa');
    expect(ids(index)).toEqual(['10.1', '10.2', '11.1']);
    index = apply(index, { build: 12, minute: 30, pullRequestId: 7, commit: 'bbb', failed: failing(1) });
    expect(index?.commit).toBe('bbb');
    expect(ids(index)).toEqual(['12.1']);
  });

  it('does not let a late attempt of an older commit replace the newer one, and counts a duplicate once', () => {
    const index = apply(undefined, { build: 12, minute: 30, pullRequestId: 7, commit: 'bbb' });
    expect(
      applyAttemptToPrIndex(index, anAttempt({ build: 10, minute: 0, pullRequestId: 7, commit: 'aaa' })),
    ).toBeUndefined();
    expect(
      applyAttemptToPrIndex(index, anAttempt({ build: 12, minute: 30, pullRequestId: 7, commit: 'bbb' })),
    ).toBeUndefined();
  });

  it('stays bounded by bytes: the newest attempts, whole names that fit, the rest counted', () => {
    let index: PrIndex | undefined;
    for (let run = 1; run <= MAX_PR_ATTEMPTS + 15; run++) {
      index = apply(index, {
        build: 20,
        minute: run,
        runNumber: run,
        pullRequestId: 7,
        commit: 'ccc',
        failed: failing(20, `r${run}-`),
      });
    }
    expect(index?.attempts).toHaveLength(MAX_PR_ATTEMPTS);
    expect(Math.min(...(index?.attempts ?? []).map((a) => a.runNumber))).toBe(16);
    const named = (index?.attempts ?? []).reduce((n, a) => n + a.failedTests.length, 0);
    expect(named).toBe(MAX_PR_ATTEMPTS * 20); // short names all fit
  });

  it('keeps names verbatim and drops whole entries past the byte limit, counting them', () => {
    let index: PrIndex | undefined;
    const names = new Map<string, string>();
    for (let run = 1; run <= 8; run++) {
      const failed = Array.from({ length: 50 }, (_, i) => {
        const t = { id: `r${run}t${i}`, name: longName(`<b>r${run}t${i}</b>`) };
        names.set(t.id, t.name);
        return t;
      });
      index = apply(index, {
        build: 40,
        minute: run,
        runNumber: run,
        pullRequestId: 9,
        commit: 'ddd',
        failed,
      });
    }
    const attempts = index?.attempts ?? [];
    expect(jsonBytes(index)).toBeLessThanOrEqual(MAX_DOC_DATA_BYTES);
    const named = attempts.flatMap((a) => a.failedTests);
    const omitted = attempts.reduce((n, a) => n + a.failedTestsOmitted, 0);
    expect(named.length + omitted).toBe(8 * 50);
    expect(named.length).toBeGreaterThan(50);
    expect(omitted).toBeGreaterThan(0);
    for (const t of named) expect(t.name).toBe(names.get(t.id)); // the exact name, 2,000 characters
    // Newest attempts keep their names first.
    expect(attempts.find((a) => a.runNumber === 8)?.failedTests).toHaveLength(50);
    expect(attempts.find((a) => a.runNumber === 1)?.failedTests).toHaveLength(0);
    expect(attempts.find((a) => a.runNumber === 1)?.failedTestsOmitted).toBe(50);
  });

  it('measures bytes, not characters: a limit that fits some whole names and counts the rest', () => {
    const failed = Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, name: longName(`t${i}`, 1000) }));
    const one = applyWithin(
      undefined,
      anAttempt({ build: 50, minute: 0, pullRequestId: 3, failed }),
      1_000_000,
    );
    const size = jsonBytes(one);
    const perName = jsonBytes(failed[0]) + 1;
    const limit = size - 4 * perName + 1; // the count of 10 omitted takes one digit more than 0 while sizing
    const bounded = applyWithin(
      undefined,
      anAttempt({ build: 50, minute: 0, pullRequestId: 3, failed }),
      limit,
    );
    expect(jsonBytes(bounded)).toBeLessThanOrEqual(limit);
    expect(bounded?.attempts[0]?.failedTests.map((t) => t.id)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    expect(bounded?.attempts[0]?.failedTestsOmitted).toBe(4);
  });
});
