/**
 * The per-(repository, step name) `StepTrack`: sequence counters of counted attempts per scope, a bounded table of
 * recent commits (for same-commit hard evidence) and a bounded list of watched tests (tests with an open run of
 * failures, which the next attempt of their scope must load to notice a pass).
 */
import type {
  AttemptRef,
  CommitEntry,
  DetectorConfig,
  ExclusionReason,
  Scope,
  ScopeSeq,
  StepTrack,
  TestObservation,
  WatchedTest,
} from './types';

/** Branch names are cut in scope keys to keep the watched list small; longer names rarely differ only at the end. */
const BRANCH_KEY_LIMIT = 60;

export function newStepTrack(stepName: string): StepTrack {
  return {
    stepName,
    seq: { default: 0, other: 0 },
    excluded: { infrastructure: 0, 'mass-failure': 0, 'no-tests': 0, 'unnamed-failures': 0 },
    commits: [],
    watched: [],
  };
}

export function scopeOf(obs: TestObservation): Scope {
  return obs.isDefaultBranch ? 'default' : 'other';
}

/**
 * Branch scope key of an attempt. Runs of failures are tracked per branch because a regression on a feature branch
 * (the author broke the test, then fixed it) interleaves with passes elsewhere and would otherwise look flaky.
 */
export function scopeKeyOf(obs: TestObservation): string {
  return obs.isDefaultBranch ? 'default' : `branch:${obs.branch.slice(0, BRANCH_KEY_LIMIT)}`;
}

export function attemptRefOf(obs: TestObservation): AttemptRef {
  return {
    commit: obs.commit,
    pipelineUuid: obs.pipelineUuid,
    buildNumber: obs.buildNumber,
    stepUuid: obs.stepUuid,
    runNumber: obs.runNumber,
    at: obs.at,
  };
}

export function failingCount(obs: TestObservation): number {
  return obs.summary.failed + obs.summary.error;
}

/**
 * Why an attempt must not count against (or for) individual tests, if it must not:
 * - the caller blamed infrastructure;
 * - an unusual share of the suite failed at once (an outage the caller did not recognise);
 * - no tests ran, so there is nothing to say about any test;
 * - the summary reports failures but the failing tests are unknown, so passes cannot be told from failures.
 */
export function exclusionOf(obs: TestObservation, config: DetectorConfig): ExclusionReason | undefined {
  if (obs.excluded === 'infrastructure') return 'infrastructure';
  if (obs.excluded === 'mass-failure') return 'mass-failure';
  const failing = Math.max(failingCount(obs), obs.failedTests.length);
  const total = Math.max(obs.summary.total, failing);
  if (total === 0) return 'no-tests';
  if (failing >= config.massFailureMinTests && failing / total >= config.massFailureShare)
    return 'mass-failure';
  if (failingCount(obs) > 0 && obs.failedTests.length === 0) return 'unnamed-failures';
  return undefined;
}

export function advanceSeq(seq: ScopeSeq, scope: Scope): ScopeSeq {
  return scope === 'default' ? { ...seq, default: seq.default + 1 } : { ...seq, other: seq.other + 1 };
}

export function findCommit(track: StepTrack, commit: string): CommitEntry | undefined {
  return track.commits.find((entry) => entry.commit === commit);
}

/** Attempts on this commit in which the test failed, or undefined when the table cannot tell (overflow). */
export function failuresOnCommit(entry: CommitEntry, testId: string): number | undefined {
  const found = entry.failed.find(([id]) => id === testId);
  if (found) return found[1];
  return entry.overflow ? undefined : 0;
}

/** Record a counted attempt in the commit table; the entry moves to the end (most recent), the oldest drop out. */
export function recordCommitAttempt(
  commits: CommitEntry[],
  obs: TestObservation,
  failedIds: string[],
  config: DetectorConfig,
): CommitEntry[] {
  const ref = attemptRefOf(obs);
  const previous = commits.find((entry) => entry.commit === obs.commit);
  const failed: [string, number][] = previous ? previous.failed.map(([id, n]) => [id, n]) : [];
  let overflow = previous?.overflow ?? false;
  for (const id of failedIds) {
    const existing = failed.find(([known]) => known === id);
    if (existing) existing[1] += 1;
    else if (failed.length < config.commitFailedTestsLimit) failed.push([id, 1]);
    else overflow = true;
  }
  const clean = failedIds.length === 0;
  const keepPrevious = previous !== undefined && previous.refClean && !clean;
  const entry: CommitEntry = {
    commit: obs.commit,
    attempts: (previous?.attempts ?? 0) + 1,
    failed,
    overflow,
    ref: keepPrevious ? previous.ref : ref,
    refClean: keepPrevious || clean,
  };
  const others = commits.filter((existing) => existing.commit !== obs.commit);
  return [...others, entry].slice(-config.commitsLimit);
}

/** Replace the watched entries of one test by its open runs; keep the list bounded, dropping the stalest first. */
export function rewatch(
  watched: WatchedTest[],
  testId: string,
  openScopeKeys: { scopeKey: string; at: string }[],
  limit: number,
): WatchedTest[] {
  const others = watched.filter((entry) => entry.id !== testId);
  const mine = openScopeKeys.map(({ scopeKey, at }) => ({ id: testId, scopeKey, at }));
  const merged = [...others, ...mine];
  if (merged.length <= limit) return merged;
  // A dropped entry only delays noticing a pass until the test fails again or is read; keep the freshest.
  return [...merged].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}

/** Test ids whose state the attempt touches although they did not fail in it. */
export function passingTestsToLoad(track: StepTrack, obs: TestObservation, failedIds: Set<string>): string[] {
  const scopeKey = scopeKeyOf(obs);
  const ids = new Set<string>();
  for (const entry of track.watched) {
    if (entry.scopeKey === scopeKey && !failedIds.has(entry.id)) ids.add(entry.id);
  }
  for (const [id] of findCommit(track, obs.commit)?.failed ?? []) {
    if (!failedIds.has(id)) ids.add(id);
  }
  return [...ids];
}
