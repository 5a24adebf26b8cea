/**
 * What a person sees for one test: its label, score and evidence as of the step's latest attempt. Pure: the lazy
 * catch-up (passes since the state was last written) and the hysteresis recovery are applied to a copy.
 */
import { attemptsBetween } from './decayed-counts';
import { caughtUpCounts, failureRate, flakinessScore } from './flakiness-score';
import { flakyAfterRecovery } from './test-state';
import type { DetectorConfig, Evidence, StepTrack, TestLabel, TestState, TestView, ViewScope } from './types';
import { DEFAULT_DETECTOR_CONFIG } from './types';

const BRANCH_PREFIX = 'branch:';

function labelOf(state: TestState, track: StepTrack, flaky: boolean, config: DetectorConfig): TestLabel {
  if (state.broken) return 'broken';
  if (state.fixed && track.seq.default - state.fixed.seq <= config.fixedHold) return 'fixed';
  return flaky ? 'flaky' : 'healthy';
}

function labelEvidence(state: TestState, flaky: boolean): Evidence[] {
  const derived: Evidence[] = [];
  if (flaky && state.regimeStart) derived.push({ ...state.regimeStart, kind: 'flaky-since' });
  if (state.broken) derived.push({ ...state.broken, kind: 'broken-since' });
  if (state.fixed)
    derived.push({ ...state.fixed.brokenSince, kind: 'broken-since' }, { ...state.fixed.ref, kind: 'fixed' });
  return [...derived, ...state.evidence];
}

/** The test as of the track's latest counted attempt, for default-branch attempts only or for all of them. */
export function currentView(
  track: StepTrack,
  state: TestState,
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
  scope: ViewScope = 'all',
): TestView {
  const counts = caughtUpCounts(state, track.seq, config);
  const flaky = flakyAfterRecovery(state, counts, track.seq, config)[scope];
  const view: TestView = {
    label: labelOf(state, track, flaky, config),
    score: flakinessScore(counts[scope], config),
    failureRate: failureRate(counts[scope], config),
    runs: attemptsBetween(state.firstSeen, track.seq, scope === 'all'),
    failures: scope === 'all' ? state.failures.default + state.failures.other : state.failures.default,
    brokenOnBranches: state.runs
      .filter((run) => run.broken && run.scopeKey.startsWith(BRANCH_PREFIX))
      .map((run) => run.scopeKey.slice(BRANCH_PREFIX.length)),
    quarantined: state.quarantined,
    evidence: labelEvidence(state, flaky),
  };
  if (state.lastFailureAt) view.lastFailureAt = state.lastFailureAt;
  if (state.broken) view.brokenSince = state.broken;
  if (state.fixed) view.fixedAt = state.fixed.ref;
  if (flaky && state.regimeStart) view.flakySince = state.regimeStart;
  return view;
}
