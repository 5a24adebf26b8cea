import { suggest, testFailuresPerWeek } from '../../src/domain/analysis/suggestions';
import { emptyFailureStats } from '../../src/domain/failure-stats';
import { aBrokenTest, aStep, aTest } from '../support/ui-builders';

/** A step that ran 83 times a week for two weeks, 4 minutes at the median. */
const STEP = aStep({ name: 'Unit tests', runs: 166, p50Seconds: 240, sizeMultiplier: 1 });
const WEEKS = 2;

const suggestionsFor = (...tests: ReturnType<typeof aTest>[]) =>
  suggest({
    steps: [STEP],
    stepStats: [],
    tests,
    failures: emptyFailureStats(),
    weeks: WEEKS,
    defaultBranch: 'main',
  });

describe('what a failing test costs', () => {
  it('charges a test broken on the default branch every run of its step there, and says so', () => {
    // Broken since #1405; half of the step's runs are on main.
    const broken = aBrokenTest({
      step: 'Unit tests',
      runs: 80,
      failures: 9,
      onDefaultBranch: { runs: 40, failures: 9 },
    });
    const [s] = suggestionsFor(broken);
    expect(s?.kind).toBe('fix-broken-test');
    expect(s?.impact).toMatchObject({
      failedPipelinesPerWeek: 41.5,
      minutesPerWeek: 166,
      buildMinutesPerWeek: 166,
    });
    expect(s?.impact.basis?.assumption).toBe('fails-every-run');
    expect(s?.impact.basis?.detail).toBe(
      'Broken on main since #1405: every run of "Unit tests" there fails until it is fixed, 41.5 runs a week (50% of its 83 runs a week are on main).',
    );
  });

  it('charges a test that fails some runs only that share of them, not every run of its step', () => {
    // Failed 5 of 83 runs: a broken test's projection would be 83 failed runs a week.
    const flaky = aTest({
      step: 'Unit tests',
      failureRate: 0.06,
      failures: 5,
      runs: 83,
      onDefaultBranch: { runs: 60, failures: 3 },
    });
    const { perWeek, basis } = testFailuresPerWeek(flaky, STEP, WEEKS, 'main');
    expect(perWeek).toBeCloseTo(0.06 * 83, 10);
    expect(basis).toEqual({
      assumption: 'failure-rate',
      detail:
        'It fails 6% of runs (5 of 83): 6% of the 83 runs a week of "Unit tests" is 5 failed runs a week.',
    });
  });

  it('projects an old flaky test from its failure rate, not from every failure it ever had over the window', () => {
    const old = aTest({
      step: 'Unit tests',
      failureRate: 0.01,
      failures: 50,
      runs: 5000,
      onDefaultBranch: { runs: 3000, failures: 30 },
    });
    const [s] = suggestionsFor(old);
    expect(s?.impact.failedPipelinesPerWeek).toBe(0.8);
  });

  it('charges a test failing only off the default branch its share of the runs there', () => {
    const branchOnly = aTest({
      step: 'Unit tests',
      failureRate: 0.03,
      failures: 5,
      runs: 83,
      onDefaultBranch: { runs: 63, failures: 0 },
      brokenOnBranches: ['feature/tax'],
    });
    const { perWeek, basis } = testFailuresPerWeek(branchOnly, STEP, WEEKS, 'main');
    // 20 of its 83 runs were off main: 20/83 of the step's 83 runs a week, a quarter of them failing.
    expect(perWeek).toBeCloseTo(0.25 * 20, 10);
    expect(basis.assumption).toBe('failure-rate');
    expect(basis.detail).toBe(
      'It failed only off main (broken on feature/tax): 5 of its 20 runs there (25%); 25% of the 20 runs a week of "Unit tests" off main is 5 failed runs a week.',
    );
  });

  it('says what every suggestion rests on', () => {
    const all = suggestionsFor(aBrokenTest({ step: 'Unit tests' }), aTest({ step: 'Unit tests' }));
    expect(all.length).toBe(2);
    for (const s of all) expect(s.impact.basis?.detail).toMatch(/\S/);
  });
});
