/**
 * Exponentially decayed failure/pass sums with O(1) lazy catch-up.
 *
 * Each counted observation first multiplies both sums by `d`, then adds its own weight (passes weigh 1). After k
 * passes in a row, by induction:
 *   failures_k = failures·d^k
 *   passes_k   = passes·d^k + (1 + d + … + d^(k−1)) = passes·d^k + (1 − d^k)/(1 − d)
 * so a test's state can stay untouched while the step records passes, and be brought up to date when next read.
 */
import type { DecayedCounts, ScopeSeq } from './types';

/** Sum of the geometric series 1 + d + … + d^(k−1); d = 1 means no decay. */
export function decayedPassWeight(k: number, decay: number): number {
  if (k <= 0) return 0;
  if (decay === 1) return k;
  return (1 - Math.pow(decay, k)) / (1 - decay);
}

/** Apply k passes at once. */
export function applyPasses(counts: DecayedCounts, k: number, decay: number): DecayedCounts {
  if (k <= 0) return counts;
  const factor = Math.pow(decay, k);
  return {
    failures: counts.failures * factor,
    passes: counts.passes * factor + decayedPassWeight(k, decay),
    asOf: counts.asOf,
  };
}

/** Apply one observation of the given weight: a failure adds to `failures`, a pass to `passes`. */
export function applyObservation(
  counts: DecayedCounts,
  outcome: 'pass' | 'fail',
  weight: number,
  decay: number,
): DecayedCounts {
  return {
    failures: counts.failures * decay + (outcome === 'fail' ? weight : 0),
    passes: counts.passes * decay + (outcome === 'pass' ? weight : 0),
    asOf: counts.asOf,
  };
}

/** Counted attempts between two sequence points, over the scopes a view covers. */
export function attemptsBetween(from: ScopeSeq, to: ScopeSeq, includeOther: boolean): number {
  const defaultSteps = Math.max(0, to.default - from.default);
  const otherSteps = includeOther ? Math.max(0, to.other - from.other) : 0;
  return defaultSteps + otherSteps;
}

/**
 * Bring counts up to `to`: every counted attempt since `asOf` in which the test did not fail is a pass.
 * Sequence numbers never move backwards, so a stale `to` leaves the counts as they are.
 */
export function catchUp(
  counts: DecayedCounts,
  to: ScopeSeq,
  includeOther: boolean,
  decay: number,
): DecayedCounts {
  const k = attemptsBetween(counts.asOf, to, includeOther);
  const asOf = {
    default: Math.max(counts.asOf.default, to.default),
    other: Math.max(counts.asOf.other, to.other),
  };
  return { ...applyPasses(counts, k, decay), asOf };
}

/** Weight that an observation added `k` attempts ago still carries. */
export function decayedWeight(weight: number, k: number, decay: number): number {
  return weight * Math.pow(decay, Math.max(0, k));
}
