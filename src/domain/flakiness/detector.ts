/**
 * The flaky / broken test detector: pure, incremental functions over one step's attempts.
 *
 * Per attempt the caller:
 *   1. reads the step's `StepTrack` and the `TestState`s named by `testsToLoad(track, obs)`;
 *   2. calls `observeAttempt`, then writes the returned track and the changed test states.
 * No other test state is read or written: passes of every other test are implied by the track's sequence
 * counters and applied lazily when the state is next read (`currentView`) or updated.
 *
 * Assumptions and guarantees:
 * - Every test-reporting attempt of a step runs all the step's tests, so an attempt in which a test is not listed
 *   as failing is a pass for it. (A test added later is credited with the earlier passes of its step; this only
 *   makes the detector slower to call it flaky, never quicker.)
 * - Each attempt is delivered once: the caller's idempotent attempt record (pipeline, step, run number) guarantees
 *   it. Observing the same attempt twice would count it twice.
 * - Out-of-order delivery (a late event for an older pipeline): sequence numbers follow arrival, so a late attempt's
 *   passes are counted once, at arrival; a late failure still counts; same-commit hard evidence is found whichever
 *   attempt arrives first, because the commit table records both sides; a late pass older than the first failure of
 *   a regression does not mark it fixed. Decay treats the late attempt as the most recent one.
 * - Excluded attempts (infrastructure, mass failure, no tests, unnamed failures) do not move the counters, so they
 *   count neither as failures nor as passes.
 * - Bounded memory has edges: same-commit evidence is found only while the commit is among the step's last
 *   `commitsLimit` commits; if a watched entry is dropped (more than `watchedLimit` open runs), the pass that ends
 *   a default-branch run is noticed at the test's next failure instead, and a branch run stays open until the
 *   branch fails or passes again with the test watched.
 */
import type { AttemptContext } from './attempt-context';
import { observeFailure, observePass, newTestState } from './test-state';
import {
  advanceSeq,
  attemptRefOf,
  exclusionOf,
  findCommit,
  newStepTrack,
  passingTestsToLoad,
  recordCommitAttempt,
  rewatch,
  scopeKeyOf,
  scopeOf,
} from './step-track';
import type { DetectorConfig, ExclusionReason, StepTrack, TestObservation, TestState } from './types';
import { DEFAULT_DETECTOR_CONFIG } from './types';

export interface AttemptOutcome {
  track: StepTrack;
  /** Only the test states that changed; the caller writes exactly these. */
  updates: Map<string, TestState>;
  /** Set when the attempt does not count against individual tests. */
  excluded?: ExclusionReason;
}

function failedTestsOf(obs: TestObservation): Map<string, string> {
  const failed = new Map<string, string>();
  for (const test of obs.failedTests) if (!failed.has(test.id)) failed.set(test.id, test.name);
  return failed;
}

/** Ids of the test states the caller must read before `observeAttempt`: failed tests, then watched ones. */
export function testsToLoad(
  track: StepTrack | undefined,
  obs: TestObservation,
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): string[] {
  if (exclusionOf(obs, config)) return [];
  const failed = failedTestsOf(obs);
  const passing = track ? passingTestsToLoad(track, obs, new Set(failed.keys())) : [];
  return [...failed.keys(), ...passing];
}

/**
 * Apply one attempt. `tests` holds the states read for `testsToLoad(track, obs)` (undefined for a test never
 * seen); a passing test missing from the map is skipped, a failing one starts a new state.
 */
export function observeAttempt(
  track: StepTrack | undefined,
  tests: ReadonlyMap<string, TestState | undefined>,
  obs: TestObservation,
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): AttemptOutcome {
  const current = track ?? newStepTrack(obs.stepName);
  const exclusion = exclusionOf(obs, config);
  if (exclusion) {
    const excluded = { ...current.excluded, [exclusion]: current.excluded[exclusion] + 1 };
    return { track: { ...current, excluded }, updates: new Map(), excluded: exclusion };
  }
  const scope = scopeOf(obs);
  const seqBefore = current.seq;
  const seq = advanceSeq(seqBefore, scope);
  const failed = failedTestsOf(obs);
  const ctx: AttemptContext = {
    seq,
    scope,
    scopeKey: scopeKeyOf(obs),
    ref: attemptRefOf(obs),
    commitBefore: findCommit(current, obs.commit),
    stepSucceededOnRerun: obs.stepSucceededOnRerun,
    config,
  };
  const updates = new Map<string, TestState>();
  for (const [id, name] of failed) {
    const state = tests.get(id) ?? newTestState(id, name, seqBefore, config);
    updates.set(id, observeFailure(state, ctx));
  }
  for (const id of passingTestsToLoad(current, obs, new Set(failed.keys()))) {
    const state = tests.get(id);
    if (state) updates.set(id, observePass(state, ctx));
  }
  let watched = current.watched;
  for (const [id, state] of updates) {
    const open = state.runs.map((run) => ({ scopeKey: run.scopeKey, at: run.lastAt }));
    watched = rewatch(watched, id, open, config.watchedLimit);
  }
  const commits = recordCommitAttempt(current.commits, obs, [...failed.keys()], config);
  return { track: { ...current, seq, commits, watched }, updates };
}
