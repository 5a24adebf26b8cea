/**
 * What a person sees for one test: its label, scores and evidence as of the step's latest attempt. Pure: the
 * verdict is recomputed from the state and the ordered timeline (judge.ts), so it needs no write to stay current.
 */
import { judge, verdictEvidence } from './judge';
import { testHistory } from './merge';
import { attemptsBetween } from './timeline';
import type { DetectorConfig, StepTrack, TestState, TestView, ViewScope } from './types';
import { DEFAULT_DETECTOR_CONFIG } from './types';

/** The test as of the track's latest counted attempt, for default-branch attempts only or for all of them. */
export function currentView(
  track: StepTrack,
  state: TestState,
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
  scope: ViewScope = config.scope,
): TestView {
  const verdict = judge(state, track, testHistory(track, state, config), config, scope);
  const runs = Math.max(1, attemptsBetween(state.firstSeen, track.seq, scope === 'all'));
  const failures = scope === 'all' ? state.failures.default + state.failures.other : state.failures.default;
  const view: TestView = {
    label: verdict.label,
    score: verdict.score,
    confidence: verdict.confidence,
    failureRate: Math.min(1, failures / runs),
    runs,
    failures,
    brokenOnBranches: verdict.brokenOnBranches,
    quarantined: state.quarantined,
    evidence: verdictEvidence(state, verdict, config.evidenceLimit),
  };
  if (state.lastFailureAt) view.lastFailureAt = state.lastFailureAt;
  if (verdict.brokenSince) view.brokenSince = verdict.brokenSince;
  if (verdict.fixedAt) view.fixedAt = verdict.fixedAt;
  if (verdict.flakySince) view.flakySince = verdict.flakySince;
  return view;
}
