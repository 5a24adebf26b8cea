/**
 * Scores over a test's decayed counts: the flakiness score, the posterior failure rate, and how long a run of
 * consecutive failures must be before it reads as a regression rather than bad luck.
 */
import { betaIntervalProbability } from './beta-distribution';
import { catchUp } from './decayed-counts';
import type { DecayedCounts, DetectorConfig, ScopeSeq, TestState, ViewScope } from './types';

/** Posterior probability that the failure probability p lies in (lowerBound, 1 − upperMargin). */
export function flakinessScore(counts: DecayedCounts, config: DetectorConfig): number {
  return betaIntervalProbability(
    config.lowerBound,
    1 - config.upperMargin,
    config.priorFailures + counts.failures,
    config.priorPasses + counts.passes,
  );
}

/** Posterior mean of the failure probability. */
export function failureRate(counts: DecayedCounts, config: DetectorConfig): number {
  const failures = config.priorFailures + counts.failures;
  return failures / (failures + config.priorPasses + counts.passes);
}

/**
 * Consecutive failures needed to call a run a regression: at least `brokenRunLength`, and long enough that the
 * test's own flaky rate would produce it with probability below `brokenRunChance` (rate^n < chance).
 */
export function requiredRunLength(rate: number, config: DetectorConfig): number {
  if (rate <= 0) return config.brokenRunLength;
  if (rate >= 1) return Number.POSITIVE_INFINITY;
  const byChance = Math.ceil(Math.log(config.brokenRunChance) / Math.log(rate));
  return Math.max(config.brokenRunLength, byChance);
}

/** Both decayed counts of a state brought up to `to` (the state itself is not changed). */
export function caughtUpCounts(
  state: TestState,
  to: ScopeSeq,
  config: DetectorConfig,
): { default: DecayedCounts; all: DecayedCounts } {
  return {
    default: catchUp(state.counts.default, to, false, config.decay),
    all: catchUp(state.counts.all, to, true, config.decay),
  };
}

export function includesOther(scope: ViewScope): boolean {
  return scope === 'all';
}
