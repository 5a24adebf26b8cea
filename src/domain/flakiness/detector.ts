/**
 * The flaky / broken test detector: pure, incremental functions over one step's attempts.
 *
 * Per attempt the caller:
 *   1. reads the step's `StepTrack` and the `TestState`s named by `testsToLoad(track, obs)`;
 *   2. calls `observeAttempt`, then writes the returned track and the changed test states.
 * No other test state is read or written: a test that passes is a test absent from the attempt's timeline entry.
 * Verdicts are computed when read (`currentView`), from the state and the ordered timeline.
 *
 * Assumptions and guarantees:
 * - Every test-reporting attempt of a step runs all the step's tests, so an attempt in which a test is not listed
 *   as failing is a pass for it. (A test added later is credited with the earlier passes of its step; this only
 *   makes the detector slower to call it flaky, never quicker.)
 * - Each attempt is delivered once: the caller's idempotent attempt record (pipeline, step, run number) guarantees
 *   it. (Two parallel steps of one name in one pipeline are two attempts of that step.)
 * - Order does not matter within the timeline: attempts are placed by their commit's place in history (`OrderKey`),
 *   so a late event, a pipeline run later on an older commit, or a sync that ingests newest first reach the same
 *   verdict as an in-order stream. Arrival order only sets the counters used for gaps between failures.
 * - Excluded attempts (infrastructure, mass failure, no tests, unnamed failures) are not counted at all.
 * - Bounded memory has edges: the timeline holds the last `timelineLimit` attempts in history order; what fell out
 *   is known from the tests' states as last written (a test with an open run is watched, so its state is
 *   refreshed by the next attempt of that scope). An attempt older than everything in a full timeline counts its
 *   failures but cannot place them among passes.
 */
import { newTestState, recordFailure, refreshState } from './test-state';
import {
  advanceSeq,
  attemptRefOf,
  entryOf,
  exclusionOf,
  insertEntry,
  newStepTrack,
  scopeKeyOf,
  shortCommit,
  scopeOf,
} from './timeline';
import type {
  DetectorConfig,
  ExclusionReason,
  StepTrack,
  TestObservation,
  TestState,
  WatchedTest,
} from './types';
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

/** Tests that failed on the attempt's commit before: this attempt may be their same-commit evidence. */
function failedOnCommit(track: StepTrack, commit: string): string[] {
  const ids = new Set<string>();
  const short = shortCommit(commit);
  for (const entry of track.timeline) if (entry.commit === short) for (const id of entry.failed) ids.add(id);
  return [...ids];
}

function passingTestsToLoad(track: StepTrack, obs: TestObservation, failed: Set<string>): string[] {
  const scopeKey = scopeKeyOf(obs);
  const ids = new Set<string>();
  for (const entry of track.watched)
    if (entry.scopeKey === scopeKey && !failed.has(entry.id)) ids.add(entry.id);
  for (const id of failedOnCommit(track, obs.commit)) if (!failed.has(id)) ids.add(id);
  return [...ids];
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

/** Replace the watched entries of one test by its open runs; keep the list bounded, dropping the stalest first. */
function rewatch(
  watched: WatchedTest[],
  testId: string,
  open: { scopeKey: string; at: string }[],
  limit: number,
): WatchedTest[] {
  const merged = [
    ...watched.filter((entry) => entry.id !== testId),
    ...open.map(({ scopeKey, at }) => ({ id: testId, scopeKey, at })),
  ];
  if (merged.length <= limit) return merged;
  return [...merged].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
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
  const excluded = exclusionOf(obs, config);
  if (excluded) {
    return {
      track: { ...current, excluded: { ...current.excluded, [excluded]: current.excluded[excluded] + 1 } },
      updates: new Map(),
      excluded,
    };
  }
  const failed = failedTestsOf(obs);
  const passing = passingTestsToLoad(current, obs, new Set(failed.keys()));
  const scope = scopeOf(obs);
  const seqBefore = current.seq;
  const seq = advanceSeq(seqBefore, scope);
  const next = insertEntry(
    { ...current, seq },
    entryOf(obs, seq, [...failed.keys()], config),
    config.timelineLimit,
  );
  const ref = attemptRefOf(obs);
  const updates = new Map<string, TestState>();
  for (const [id, name] of failed) {
    const state = recordFailure(
      tests.get(id) ?? newTestState(id, name, seqBefore),
      ref,
      scope === 'default',
      config,
    );
    updates.set(id, refreshState(state, next, config, ref));
  }
  for (const id of passing) {
    const state = tests.get(id);
    if (state) updates.set(id, refreshState(state, next, config, ref));
  }
  let watched = next.watched;
  for (const [id, state] of updates) {
    // `refreshState` stored the runs as the new timeline shows them.
    const open = state.runs
      .filter((run) => !run.closedBy)
      .map((run) => ({ scopeKey: run.scopeKey, at: run.end.at }));
    watched = rewatch(watched, id, open, config.watchedLimit);
  }
  return { track: { ...next, watched }, updates };
}
