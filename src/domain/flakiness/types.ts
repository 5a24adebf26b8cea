/**
 * Types of the flaky / broken test detector (DESIGN.md §3 "Flaky, broken, fixed").
 *
 * The detector is incremental and pure, and its verdicts do not depend on the order in which attempts arrive.
 * Per step it keeps one `StepTrack`: a bounded timeline of the step's counted attempts, ordered by the commits'
 * place in history (not by arrival), each with the ids of the tests that failed in it. Per test it keeps one
 * `TestState`, created when the test first fails: its runs of consecutive failures older than the timeline, its
 * same-commit evidence and its name. A verdict is recomputed from both whenever it is read, so a late attempt, a
 * pipeline run on an older commit or a changed threshold changes it at once. Both documents have a fixed maximum
 * size whatever the length of the history.
 */
import type { StepResult } from '../types';

/** Branch scope of an attempt: the repository's default branch, or any other branch / pull request. */
export type Scope = 'default' | 'other';

/** What a verdict covers: default-branch attempts only, or all attempts. */
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
   * `id` is the hashed test identity; `name` the fully qualified name exactly as Bitbucket reported it.
   * Every test of the step that is not listed is taken to have passed.
   */
  failedTests: { id: string; name: string }[];
  stepResult: StepResult;
  /** `runNumber > 1` and the step SUCCESSFUL: something failed on this commit, then passed. */
  stepSucceededOnRerun: boolean;
  /** The pipeline was started by hand, so its commit may be older than the branch's head (see `TimelineEntry`). */
  manualPipeline?: boolean;
  /** Set by the caller when the failure classifier blamed infrastructure; such attempts count for nothing. */
  excluded?: 'infrastructure' | 'mass-failure' | undefined;
}

/** Counted (not excluded) test-reporting attempts of a step, per scope, in arrival order. */
export interface ScopeSeq {
  default: number;
  other: number;
}

/**
 * Where an attempt happened, enough for a person to open it in Bitbucket (links use the build number). The
 * uuids are kept where the attempt is a test's own failure; an attempt known only from the timeline has none.
 */
export interface AttemptRef {
  commit: string;
  buildNumber: number;
  runNumber: number;
  at: string;
  pipelineUuid?: string;
  stepUuid?: string;
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

/**
 * The place of an attempt in the step's history: `[commit, build, run]` where `commit` is the lowest build
 * number seen on the attempt's commit. Build numbers grow with pipeline creation, so a pipeline run later on an
 * older commit (a rerun, a manual run) sorts with that commit, not at the end; attempts of one commit sort by
 * pipeline, then by run number.
 */
export type OrderKey = [number, number, number];

/** One counted attempt in a step's timeline. */
export interface TimelineEntry {
  commit: string;
  /** `default`, or `branch:<name>`: the scope in which runs of consecutive failures are followed. */
  scopeKey: string;
  buildNumber: number;
  runNumber: number;
  /** Completion time, epoch seconds. */
  at: number;
  /** The step's counters right after this attempt was counted (arrival order): gaps between failures. */
  seq: ScopeSeq;
  /** Ids of the failing tests the detector followed in this attempt. */
  failed: string[];
  /** How many tests failed in the attempt in all (a common cause is likelier when many fail together). */
  crowd: number;
  /**
   * Started by hand. A manual pipeline on a commit the timeline has not seen built before may run code from
   * anywhere in history (a re-deploy, a bisect), so it has no place among the runs of failures: it only counts for
   * same-commit evidence, until a pipeline that built the commit earlier places it.
   */
  manual?: boolean;
}

/** A test with an open run of failures in a branch scope: the next attempt of that scope must load it. */
export interface WatchedTest {
  id: string;
  scopeKey: string;
  at: string;
}

/** Per (repository, step name) document: fixed size whatever the number of tests or attempts. */
export interface StepTrack {
  stepName: string;
  seq: ScopeSeq;
  /** Attempts not counted, by reason. */
  excluded: Record<ExclusionReason, number>;
  /** Counted attempts in history order (see `OrderKey`), at most `timelineLimit`; the oldest drop out. */
  timeline: TimelineEntry[];
  /**
   * Set once older attempts have dropped out (or were recorded before this timeline existed): what happened
   * before `timeline[0]` is known only from the tests' own states.
   */
  truncated: boolean;
  watched: WatchedTest[];
}

/** A run of consecutive failures of one test in one branch scope, in history order. */
export interface FailureRun {
  scopeKey: string;
  start: AttemptRef;
  startKey: OrderKey;
  /** The run's latest failure. */
  end: AttemptRef;
  endKey: OrderKey;
  /** Step counters at the arrival of the first and of the latest failure. */
  seqStart: ScopeSeq;
  seqEnd: ScopeSeq;
  /** Failing attempts, and distinct commits among them. */
  attempts: number;
  commits: number;
  /** Every failing attempt of the run had many tests failing with it. */
  crowded: boolean;
  /** The first pass after the run in its scope; absent while the run is open. */
  closedBy?: AttemptRef;
  closedKey?: OrderKey;
}

/** The test failed and passed on one commit (same code): hard evidence of flakiness. */
export interface SameCommitEvidence {
  failed: AttemptRef;
  passed: AttemptRef;
  key: OrderKey;
  scopeKey: string;
  seq: ScopeSeq;
  /** The pass was the step's own rerun ("Rerun failed steps"). */
  rerun: boolean;
  /** The failing attempt had many tests failing with it (a likelier common cause). */
  crowded: boolean;
}

/** Per test document, created when the test first fails: fixed size whatever the history length. */
export interface TestState {
  /** Document version: 2 since verdicts are recomputed from the ordered timeline. */
  v: 2;
  id: string;
  /** The fully qualified name exactly as Bitbucket reported it. */
  name: string;
  /** Step counters just before the test first failed (it passed every counted attempt before, unseen). */
  firstSeen: ScopeSeq;
  /** Counted failures per scope. */
  failures: ScopeSeq;
  /** Runs of failures as of the last write, history order, bounded; the timeline overrides what it covers. */
  runs: FailureRun[];
  /** Same-commit evidence as of the last write, bounded. */
  sameCommit: SameCommitEvidence[];
  lastFailureAt?: string;
  /** Recent failures, for a person to check (bounded). */
  evidence: Evidence[];
  /** User decision; does not change the computed label. */
  quarantined: boolean;
}

export interface TestView {
  label: TestLabel;
  /**
   * Posterior probability that the test is flaky now: the figure the alarm and recovery thresholds act on.
   * (Not how often it fails: see `failureRate`.)
   */
  score: number;
  /** How sure the label is, 0..1: the flaky score for `flaky`, its complement for `healthy`, and for `broken`
   *  and `fixed` one minus the chance that a flaky test would have produced the run of failures. */
  confidence: number;
  /** How often the test failed: counted failures / counted runs of the view's scope since it was first seen. */
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
  /** Label evidence first (flaky since, broken since, fixed), then same-commit evidence, then failures. */
  evidence: Evidence[];
}

/**
 * Every tunable of the detector, with its default and the reason for it. The two thresholds come from the
 * workspace settings (`detectorConfigFor`); the rest were set on both evaluation generators
 * (`npm run bench:detection`).
 */
export interface DetectorConfig {
  /** Flaky score at or above which a test becomes flaky (settings: "flag at a score of"). */
  alarmScore: number;
  /** Score below which a flaky test becomes healthy again (settings: "clear below a score of"); hysteresis. */
  recoveryScore: number;
  /** Which attempts the labels rest on (settings: branch scope). */
  scope: ViewScope;
  /** Prior odds that a test which failed once is flaky. */
  priorOdds: number;
  /** Likelihood ratio of a further isolated failure on the default branch. */
  episodeRatio: number;
  /**
   * ... of an isolated failure on a branch not seen failing before. An author breaks a given test on a given branch
   * rarely, so failures on distinct branches weigh as much as on the default branch; repeats on one branch do not.
   */
  branchEpisodeRatio: number;
  /** ... of a further isolated failure on a branch already seen. */
  repeatBranchEpisodeRatio: number;
  /** ... of a failure among many others (`crowdSize` or more tests failing together: likely a common cause). */
  crowdedEpisodeRatio: number;
  /** ... of a failure and a pass on one commit. */
  sameCommitRatio: number;
  /** ... of the same when the failure was crowded. */
  crowdedSameCommitRatio: number;
  /** Tests failing together from which an attempt is "crowded". */
  crowdSize: number;
  /**
   * A test is taken to have stopped flaking once its run of passes would be this unlikely for a test still
   * failing at its own rate.
   */
  recoveryChance: number;
  /** Minimum failing attempts in a row for a default-branch regression (`broken`). */
  brokenRunLength: number;
  /** A run of failures is a regression only when the test's own flaky rate makes it less likely than this. */
  regressionChance: number;
  /** Failures on branches that start this long before a default-branch regression belong to it (the PR). */
  regressionLeadSeconds: number;
  /** ... and this long after it was fixed (branches that have not merged the fix yet). */
  regressionTrailSeconds: number;
  /** A single branch failure with no later attempt of its branch for this long counts as an isolated failure. */
  staleBranchSeconds: number;
  /** Counted default-branch attempts a `fixed` label is shown before it falls back to healthy. */
  fixedHold: number;
  /** An attempt where at least this share of the suite failed, and at least `massFailureMinTests`, is excluded. */
  massFailureShare: number;
  massFailureMinTests: number;
  /** Bounds that keep the documents at a fixed size. */
  timelineLimit: number;
  failedIdsPerEntry: number;
  watchedLimit: number;
  runsLimit: number;
  sameCommitLimit: number;
  evidenceLimit: number;
}

export const DEFAULT_DETECTOR_CONFIG: Readonly<DetectorConfig> = Object.freeze({
  alarmScore: 0.8,
  recoveryScore: 0.5,
  scope: 'all',
  priorOdds: 1 / 9,
  episodeRatio: 9,
  branchEpisodeRatio: 9,
  repeatBranchEpisodeRatio: 1.5,
  crowdedEpisodeRatio: 1.5,
  sameCommitRatio: 30,
  crowdedSameCommitRatio: 2,
  crowdSize: 5,
  recoveryChance: 0.01,
  brokenRunLength: 3,
  regressionChance: 0.001,
  regressionLeadSeconds: 3 * 86_400,
  regressionTrailSeconds: 86_400,
  staleBranchSeconds: 86_400,
  fixedHold: 50,
  massFailureShare: 0.3,
  massFailureMinTests: 5,
  timelineLimit: 300,
  failedIdsPerEntry: 24,
  watchedLimit: 48,
  runsLimit: 24,
  sameCommitLimit: 6,
  evidenceLimit: 5,
});
