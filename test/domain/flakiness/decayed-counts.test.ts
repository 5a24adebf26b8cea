import {
  applyObservation,
  applyPasses,
  catchUp,
  decayedPassWeight,
} from '../../../src/domain/flakiness/decayed-counts';
import type { DecayedCounts } from '../../../src/domain/flakiness/types';
import { mulberry32 } from './observation-builder';

function passOneByOne(counts: DecayedCounts, k: number, decay: number): DecayedCounts {
  let current = counts;
  for (let i = 0; i < k; i++) current = applyObservation(current, 'pass', 1, decay);
  return current;
}

describe('lazy catch-up of passes', () => {
  it('equals applying the k passes one by one (500 random cases)', () => {
    const random = mulberry32(20260302);
    for (let trial = 0; trial < 500; trial++) {
      const decay = random() < 0.1 ? 1 : 0.9 + random() * 0.0999;
      const counts: DecayedCounts = {
        failures: random() * 20,
        passes: random() * 800,
        asOf: { default: 0, other: 0 },
      };
      const k = Math.floor(random() * 3000);
      const lazy = applyPasses(counts, k, decay);
      const stepwise = passOneByOne(counts, k, decay);
      expect(lazy.failures).toBeCloseTo(stepwise.failures, 8);
      expect(lazy.passes / stepwise.passes).toBeCloseTo(1, 10);
    }
  });

  it('keeps the weight of passes below the memory 1/(1 − d) however long the history', () => {
    expect(decayedPassWeight(100_000, 0.998)).toBeCloseTo(500, 6);
    expect(decayedPassWeight(0, 0.998)).toBe(0);
    expect(decayedPassWeight(7, 1)).toBe(7);
  });

  it('counts the passes of both scopes for the all-branches view and only default ones for the default view', () => {
    const counts: DecayedCounts = { failures: 1, passes: 10, asOf: { default: 4, other: 9 } };
    const to = { default: 7, other: 19 };
    expect(catchUp(counts, to, true, 0.99)).toEqual({ ...applyPasses(counts, 13, 0.99), asOf: to });
    expect(catchUp(counts, to, false, 0.99)).toEqual({ ...applyPasses(counts, 3, 0.99), asOf: to });
  });

  it('never moves backwards when asked to catch up to an older point', () => {
    const counts: DecayedCounts = { failures: 1, passes: 10, asOf: { default: 4, other: 9 } };
    expect(catchUp(counts, { default: 2, other: 9 }, true, 0.99)).toEqual(counts);
  });
});
