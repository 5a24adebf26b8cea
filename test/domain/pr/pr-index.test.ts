/** The per-PR index: what the panel and Code Insights read instead of scanning attempt records. */
import { applyAttemptToPrIndex, MAX_PR_ATTEMPTS, MAX_PR_FAILED_REFS, MAX_PR_NAME, type PrIndex } from '../../../src/domain/pr-index';
import { anAttempt } from '../../resolvers/resolver-fixtures';

const failing = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, name: `${prefix} test ${i}` }));
const apply = (index: PrIndex | undefined, ...specs: Parameters<typeof anAttempt>[0][]): PrIndex | undefined =>
  specs.reduce<PrIndex | undefined>((acc, s) => applyAttemptToPrIndex(acc, anAttempt(s)) ?? acc, index);
const ids = (index: PrIndex | undefined) => (index?.attempts ?? []).map((a) => `${a.buildNumber}.${a.runNumber}`).sort();

describe('the pull request index', () => {
  it('ignores attempts that do not belong to a pull request', () => {
    expect(applyAttemptToPrIndex(undefined, anAttempt({ build: 1, minute: 0 }))).toBeUndefined();
  });

  it('keeps every attempt of the newest commit, reruns included, and drops an older commit when a newer one runs', () => {
    let index = apply(undefined, { build: 10, minute: 0, pullRequestId: 7, commit: 'aaa', failed: failing(2) });
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
    expect(applyAttemptToPrIndex(index, anAttempt({ build: 10, minute: 0, pullRequestId: 7, commit: 'aaa' }))).toBeUndefined();
    expect(applyAttemptToPrIndex(index, anAttempt({ build: 12, minute: 30, pullRequestId: 7, commit: 'bbb' }))).toBeUndefined();
  });

  it('stays bounded: the newest attempts, a cap on named failures with the rest counted, names cut', () => {
    let index: PrIndex | undefined;
    for (let run = 1; run <= MAX_PR_ATTEMPTS + 15; run++) {
      index = apply(index, { build: 20, minute: run, runNumber: run, pullRequestId: 7, commit: 'ccc', failed: failing(20, `r${run}-`) });
    }
    expect(index?.attempts).toHaveLength(MAX_PR_ATTEMPTS);
    expect(Math.min(...(index?.attempts ?? []).map((a) => a.runNumber))).toBe(16);
    const named = (index?.attempts ?? []).reduce((n, a) => n + a.failedTests.length, 0);
    const omitted = (index?.attempts ?? []).reduce((n, a) => n + a.failedTestsOmitted, 0);
    expect(named).toBe(MAX_PR_FAILED_REFS);
    expect(named + omitted).toBe(MAX_PR_ATTEMPTS * 20);
    // The newest attempt keeps its names.
    expect(index?.attempts.find((a) => a.runNumber === MAX_PR_ATTEMPTS + 15)?.failedTests).toHaveLength(20);

    const long = apply(undefined, { build: 30, minute: 0, pullRequestId: 9, failed: [{ id: 'x', name: `<b>${'é'.repeat(5000)}</b>` }] });
    const name = long?.attempts[0]?.failedTests[0]?.name ?? '';
    expect(name.length).toBe(MAX_PR_NAME);
    expect(name.startsWith('<b>é')).toBe(true);
    expect(JSON.stringify(index).length).toBeLessThan(120_000);
  });
});
