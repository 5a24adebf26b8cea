/**
 * Types of the flaky / broken test detector (DESIGN.md §3 "Flaky, broken, fixed").
 *
 * The detector is incremental and pure. Per attempt it reads and writes one `StepTrack` (per repository and step
 * name) and only the `TestState`s of the tests that failed in the attempt plus a few "watched" ones; passes of all
 * other tests are applied lazily from the step's sequence counters. Both documents have a fixed maximum size
 * whatever the length of the history.
 */
import type { StepResult } from '../types';

/** Branch scope of an attempt: the repository's default branch, or any other branch / pull request. */
export type Scope = 'default' | 'other';

/** What a view covers: default-branch attempts only, or all attempts (other branches weighted down). */
export type ViewScope = 'default' | 'all';

/** The computed label. `quarantined` is a user flag on `TestState`, never a computed label. */
export type TestLabel = 'flaky' | 'broken' | 'fixed' | 'healthy';

/** Why an attempt does not count against (or for) individual tests. */
export type ExclusionReason = 'infrastructure' | 'mass-failure' | 'no-tests' | 'unnamed-failures';

/** One attempt of one step that reported tests: what ingestion knows after fetching the test report. */
export interface TestObservation {
  stepName: string;
  commit: string;
  branch: string;
  isDefaultBranch: boolean;
  pipelineUuid: string;
  buildNumber: number;
  stepUuid: string;
  /** 1 for the first attempt of the step, bumped by "Rerun failed steps". */
  runNumber: number;
  /** When the attempt completed (ISO-8601, UTC). */
  at: string;
  /** The step's test report summary; `failed + error` is the number of failing tests. */
  summary: { total: number; failed: number; error: number; skipped: number };
  /**
   * Every test that failed or errored in this attempt (fetched only when the summary reports failures).
   * `id` is the normalised, hashed test identity; `name` the readable fully qualified name.
   * Every test of the step that is not listed is taken to have passed.
   */
  failedTests: { id: string; name: string }[];
  stepResult: StepResult;
  /** `runNumber > 1` and the step SUCCESSFUL: something failed on this commit, then passed. */
  stepSucceededOnRerun: boolean;
  /** Set by the caller when the failure classifier blamed infrastructure; such attempts count for nothing. */
  excluded?: 'infrastructure' | 'mass-failure' | undefined;
}

/** Sequence numbers of counted (not excluded) test-reporting attempts of a step, per scope. */
export interface ScopeSeq {
  default: number;
  other: number;
}

/** Where one attempt happened, enough for a person to open it in Bitbucket. */
export interface AttemptRef {
  commit: string;
  pipelineUuid: string;
  buildNumber: number;
  stepUuid: string;
  runNumber: number;
  at: string;
}

export type EvidenceKind =
  /** The test failed in this attempt. */
  | 'failed'
  /** The test passed in this attempt, on a commit where it also failed: hard evidence of flakiness. */
  | 'passed-same-commit'
  /** The step succeeded on rerun after the test had failed on this commit: hard evidence of flakiness. */
  | 'step-passed-on-rerun'
  /** First failure of a run of consecutive failures judged to be a regression. */
  | 'broken-since'
  /** First pass after a broken run. */
  | 'fixed'
  /** First failure of the current flaky regime. */
  | 'flaky-since';

export interface Evidence extends AttemptRef {
  kind: EvidenceKind;
}

/** One commit recently seen by a step: the ground for same-commit hard evidence. */
export interface CommitEntry {
  commit: string;
  /** Counted attempts of the step on this commit. */
  attempts: number;
  /** `[testId, attempts it failed in]`, bounded by `DetectorConfig.commitFailedTestsLimit`. */
  failed: [string, number][];
  /** More tests failed on this commit than `failed` can hold; the ones missing are unknown. */
  overflow: boolean;
  /** An attempt on this commit, for evidence: the latest one with no failing test, else the latest one. */
  ref: AttemptRef;
  /** `ref` had no failing test. */
  refClean: boolean;
}

/** A test with an open run of failures in a branch scope: the next attempt of that scope must load it. */
export interface WatchedTest {
  id: string;
  /** `default`, or `branch:<name>` for another branch. */
  scopeKey: string;
  at: string;
}

/** Per (repository, step name) document: fixed size whatever the number of tests or attempts. */
export interface StepTrack {
  stepName: string;
  seq: ScopeSeq;
  /** Attempts not counted, by reason. */
  excluded: Record<ExclusionReason, number>;
  /** Most recently seen commits, oldest first. */
  commits: CommitEntry[];
  watched: WatchedTest[];
}

/** Exponentially decayed evidence sums (the prior is added when scoring), as of the given sequence numbers. */
export interface DecayedCounts {
  /** Decayed weight of counted failures. */
  failures: number;
  /** Decayed weight of passes. */
  passes: number;
  asOf: ScopeSeq;
}

/** A run of consecutive failures of one test in one branch scope: the change-point state. */
export interface FailureRun {
  scopeKey: string;
  /** First failure of the run; the whole attempt is kept on the default branch only, where it is reported. */
  startAt: string;
  start?: AttemptRef;
  length: number;
  /** Sequence number (in the run's scope) of its latest failure. */
  lastSeq: number;
  lastAt: string;
  /** The run was long enough to be a regression. */
  broken: boolean;
}

/** A failure counted into the posteriors, kept so a later change point can take it out again. */
export interface CountedFailure {
  /** Sequence numbers including the failing attempt. */
  seq: ScopeSeq;
  scopeKey: string;
  at: string;
}

/** Per test document, created when the test first fails: fixed size whatever the history length. */
export interface TestState {
  id: string;
  name: string;
  /** Sequence numbers just before the test was first seen (it passed every counted attempt before, unseen). */
  firstSeen: ScopeSeq;
  /** Raw counted failures per scope, for display. */
  failures: ScopeSeq;
  counts: { default: DecayedCounts; all: DecayedCounts };
  /**
   * Closed failure episodes: runs of consecutive failures that ended with a pass before reading as a regression.
   * Only closed episodes let the score raise a flaky label: an open run may still turn out to be a regression.
   */
  episodes: { default: number; all: number };
  recentFailures: CountedFailure[];
  runs: FailureRun[];
  /** First counted failure since the test was last healthy: the `flakySince` of a flaky label. */
  regimeStart?: AttemptRef;
  /** Hysteresis state per view scope: the test is currently labelled flaky. */
  flaky: { default: boolean; all: boolean };
  /** Latest same-commit hard evidence and the sequence numbers when it was found. */
  hardEvidence?: { at: string; seq: ScopeSeq; onDefault: boolean };
  /** Open default-branch regression. */
  broken?: AttemptRef;
  /** Last default-branch fix, the default sequence number at that time, and where the regression began. */
  fixed?: { ref: AttemptRef; seq: number; brokenSince: AttemptRef };
  lastFailureAt?: string;
  /**
   * Failures and same-commit hard evidence, bounded. The `broken-since`, `fixed` and `flaky-since` items are not
   * stored twice: views derive them from `broken`, `fixed` and `regimeStart`.
   */
  evidence: Evidence[];
  /** User decision; does not change the computed label. */
  quarantined: boolean;
}

export interface TestView {
  label: TestLabel;
  /** Posterior probability that the test fails sometimes but not always. */
  score: number;
  /** Posterior mean failure probability (decayed). */
  failureRate: number;
  /** Counted attempts of the scope since the test was first seen (including the first failure). */
  runs: number;
  failures: number;
  lastFailureAt?: string;
  brokenSince?: AttemptRef;
  fixedAt?: AttemptRef;
  flakySince?: AttemptRef;
  /** Branches where the test currently fails on every attempt (a regression on that branch, not flakiness). */
  brokenOnBranches: string[];
  quarantined: boolean;
  /** Label evidence first (flaky since, broken since, fixed), then failures and same-commit evidence. */
  evidence: Evidence[];
}

/**
 * Every tunable of the detector, with its default and the reason for it. Tuned on `npm run bench:detection`.
 */
export interface DetectorConfig {
  /** Decay per counted attempt; 1/(1−decay) is the effective memory in attempts. */
  decay: number;
  /** Beta prior pseudo-counts for the failure probability. */
  priorFailures: number;
  priorPasses: number;
  /** The score is P(lowerBound < p < 1 − upperMargin): "fails sometimes, but not always". */
  lowerBound: number;
  upperMargin: number;
  /** Score at or above which a test becomes flaky (if `minEpisodes` is met). */
  alarmScore: number;
  /** Score below which a flaky test becomes healthy again (lower than `alarmScore`: hysteresis). */
  recoveryScore: number;
  /** Counted failure episodes (runs of consecutive failures) needed for a flaky label without hard evidence. */
  minEpisodes: number;
  /**
   * Closed episodes needed when none is on the default branch: a feature-branch failure may be the author's own
   * change being fixed, so branch-only evidence must repeat more often.
   */
  minEpisodesOffDefault: number;
  /** Counted attempts during which same-commit hard evidence keeps a test flaky whatever its score. */
  hardEvidenceHold: number;
  /** Weight of a failure on a non-default branch (default-branch failures weigh 1). */
  otherBranchWeight: number;
  /** Minimum length of a run of consecutive failures to call it a regression. */
  brokenRunLength: number;
  /**
   * A run is also only a regression when its chance under the test's own flaky rate is below this
   * (so a test that fails 20% of the time needs a longer run than a healthy one).
   */
  brokenRunChance: number;
  /** Counted default-branch attempts a `fixed` label is shown before it falls back to the score. */
  fixedHold: number;
  /** An attempt where at least this share of the suite failed, and at least `massFailureMinTests`, is excluded. */
  massFailureShare: number;
  massFailureMinTests: number;
  /** Bounds that keep the documents at a fixed size. */
  commitsLimit: number;
  commitFailedTestsLimit: number;
  watchedLimit: number;
  evidenceLimit: number;
  recentFailuresLimit: number;
  /** Open failure runs kept per test (the default branch's and the most recent other branches'). */
  runsLimit: number;
  nameLimit: number;
}

export const DEFAULT_DETECTOR_CONFIG: Readonly<DetectorConfig> = Object.freeze({
  decay: 0.998,
  priorFailures: 0.1,
  priorPasses: 10,
  lowerBound: 0.001,
  upperMargin: 0.05,
  alarmScore: 0.8,
  recoveryScore: 0.4,
  minEpisodes: 2,
  minEpisodesOffDefault: 3,
  hardEvidenceHold: 500,
  otherBranchWeight: 0.5,
  brokenRunLength: 3,
  brokenRunChance: 0.001,
  fixedHold: 50,
  massFailureShare: 0.3,
  massFailureMinTests: 5,
  commitsLimit: 20,
  commitFailedTestsLimit: 10,
  watchedLimit: 48,
  evidenceLimit: 5,
  recentFailuresLimit: 5,
  runsLimit: 3,
  nameLimit: 160,
});
