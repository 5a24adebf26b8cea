/**
 * The insights model: what `report --format json` prints (schema `pipeline-insights/report`, versioned by
 * `schemaVersion`) and what the resolvers return to the UI. Documented in docs/report-schema.md.
 * Pure data: no methods, JSON-safe, bounded in size (lists are capped by the services that build them).
 */
import type { FailureCategory, FailureCause } from '../domain/types';

export const REPORT_SCHEMA_VERSION = 1;

/** Every failure category, for filters and validation: the record makes the compiler check the list is complete. */
const CATEGORY_SET: Record<FailureCategory, true> = {
  test: true,
  build: true,
  dependency: true,
  infrastructure: true,
  timeout: true,
  configuration: true,
  deployment: true,
  unknown: true,
};
export const FAILURE_CATEGORIES = Object.keys(CATEGORY_SET) as [FailureCategory, ...FailureCategory[]];

export type TestClassification = 'flaky' | 'broken' | 'fixed' | 'healthy';

/**
 * Pipelines of the window. Each pipeline (build number) counts once, by its final state: a pipeline that failed and
 * passed on "Rerun failed steps" is one successful pipeline, and its rerun shows in `reruns`.
 */
export interface PipelineCounts {
  /** Distinct pipelines (build numbers) that completed. */
  total: number;
  successful: number;
  failed: number;
  stopped: number;
  error: number;
  expired: number;
  /** Pipelines rerun at least once ("Rerun failed steps": same build number, run number above 1). */
  reruns: number;
  /** Reruns in all: each pipeline's run number − 1, summed. */
  rerunAttempts: number;
}

export interface PipelineHealth extends PipelineCounts {
  /** successful / (total - stopped) by each pipeline's final state, 0..1; undefined with no finished pipelines. */
  successRate?: number;
  medianDurationSeconds?: number;
  p95DurationSeconds?: number;
  buildMinutes: number;
  /** Default branch: mean time from the first red pipeline to the next green one, in hours. */
  mttrHours?: number;
  /** Build minutes spent per successful deployment pipeline. */
  buildMinutesPerSuccessfulDeployment?: number;
  /** Per ISO week (Monday, `YYYY-MM-DD`): pipelines (`runs`), reruns, success rate, median duration, build minutes. */
  weekly: {
    week: string;
    runs: number;
    reruns: number;
    successRate?: number;
    medianDurationSeconds?: number;
    buildMinutes: number;
  }[];
}

export interface StepDurationTrendPoint {
  week: string;
  runs: number;
  p50Seconds?: number;
}

export interface StepRegression {
  /** Relative change of the median since the first slow run against the median before it, e.g. 0.25 = 25% slower. */
  change: number;
  baselineP50Seconds: number;
  recentP50Seconds: number;
  /** The pipeline (build number) of the first slow run: where the step's runs changed speed. */
  firstAffectedPipeline?: number;
  /** The commit of that pipeline (its first 7 hex characters). */
  firstAffectedCommit?: string;
  /** When the first slow run completed. */
  since?: string;
  /** Runs since the change, the first slow one included. */
  runsSince?: number;
  /** Which runs were compared: the default branch's, or every branch's when the default branch has too few. */
  scope?: 'default-branch' | 'all-branches';
}

export interface StepReport {
  name: string;
  runs: number;
  /** successes / runs, 0..1 */
  successRate: number;
  p50Seconds?: number;
  p95Seconds?: number;
  queueP50Seconds?: number;
  queueP95Seconds?: number;
  reruns: number;
  buildMinutes: number;
  sizeMultiplier: number;
  trend: StepDurationTrendPoint[];
  regression?: StepRegression;
}

export interface FailureReport {
  /** Build number. */
  pipeline: number;
  pipelineUuid: string;
  step: string;
  /** Step run number (attempt). */
  attempt: number;
  category: FailureCategory;
  cause?: FailureCause;
  message?: string;
  fingerprint: string;
  at: string;
  commit?: string;
  branch?: string;
  /** Link to the Bitbucket result page. */
  url?: string;
}

export interface FailureCategoryCount {
  category: FailureCategory;
  count: number;
  share: number;
}

export interface FingerprintReport {
  fingerprint: string;
  category: FailureCategory;
  cause?: FailureCause;
  message?: string;
  count: number;
  lastSeenAt: string;
  examples: { pipeline: number; step: string; url?: string }[];
}

export interface EvidenceItem {
  kind: 'same-commit' | 'rerun-passed' | 'failure' | 'pass-after-fail' | 'broken-start' | 'fixed' | 'score';
  detail: string;
  commit?: string;
  pipeline?: number;
  pipelineUuid?: string;
  attempt?: number;
  at?: string;
  url?: string;
}

export interface TestReport {
  /** Stable id (hash of the normalised name). */
  id: string;
  /** Fully qualified name as Bitbucket reports it. */
  name: string;
  step: string;
  classification: TestClassification;
  quarantined: boolean;
  /**
   * How often the test fails, 0..1: the detector's estimate, recent runs weighing more. `failures` of `runs` are the
   * counts behind it. Not how sure the verdict is: that is `confidence`.
   */
  failureRate: number;
  /** How sure the verdict in `classification` is, 0..1. */
  confidence: number;
  /** Kept for compatibility: the same figure as `confidence` (it never meant "fails this often"). */
  flakinessScore: number;
  /** Runs and failures since the test first failed (in the report's branch scope). */
  runs: number;
  failures: number;
  /** Of those, the runs and failures on the repository's default branch. */
  onDefaultBranch: { runs: number; failures: number };
  /** Branches where the test fails on every run (a regression there, not flakiness). */
  brokenOnBranches?: string[];
  lastFailureAt?: string;
  brokenSince?: { commit: string; pipeline: number; at: string };
  flakySince?: { commit: string; pipeline: number; at: string };
  fixedAt?: string;
  evidence: EvidenceItem[];
}

export type SuggestionKind =
  | 'fix-flaky-test'
  | 'quarantine-flaky-test'
  | 'fix-broken-test'
  | 'increase-step-memory'
  | 'step-regression'
  | 'add-cache'
  | 'parallelise-steps'
  | 'split-test-step'
  | 'reduce-infrastructure-failures';

export type SuggestionStatus = 'open' | 'in-progress' | 'done' | 'dismissed';
export type Priority = 'high' | 'medium' | 'low';

/**
 * What an estimate rests on:
 * - `fails-every-run`: the test is broken on the default branch, so every run of its step there fails until it is
 *   fixed;
 * - `failure-rate`: the test fails a share of its runs (it is not broken), so that share of the runs a week where it
 *   fails;
 * - `observed-per-week`: what happened in the window (out-of-memory kills, infrastructure failures), per week;
 * - `slower-median`: the step's extra median time on each of its runs;
 * - `assumed-cache-share`: a dependency cache saving an assumed share of the step;
 * - `half-the-step`: two parallel shards halving the step's median;
 * - `shorter-step-saved`: the shorter of two steps run in parallel instead of one after the other.
 */
export type ImpactAssumption =
  | 'fails-every-run'
  | 'failure-rate'
  | 'observed-per-week'
  | 'slower-median'
  | 'assumed-cache-share'
  | 'half-the-step'
  | 'shorter-step-saved';

export interface Impact {
  minutesPerWeek?: number;
  buildMinutesPerWeek?: number;
  failedPipelinesPerWeek?: number;
  /** The assumption the figures rest on, and the arithmetic in words; set on every suggestion. */
  basis?: { assumption: ImpactAssumption; detail: string };
}

export interface Suggestion {
  id: string;
  kind: SuggestionKind;
  title: string;
  detail: string;
  priority: Priority;
  impact: Impact;
  evidence: string[];
  status: SuggestionStatus;
  jiraIssueKey?: string;
  jiraIssueUrl?: string;
  /** What it is about: a test id, a step name... */
  subject?: string;
}

export interface CriticalPath {
  pipeline: number;
  pipelineUuid: string;
  wallSeconds: number;
  /** Step names on the path, in order; the step that bounds the wall time is last. */
  steps: { name: string; seconds: number; queueSeconds?: number }[];
}

export interface RepoReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  generatedAt: string;
  workspace: string;
  repository: { slug: string; uuid: string; fullName?: string; defaultBranch?: string };
  /** `branches`: branches with recorded runs in the window (most active first), for the UI's branch filter. */
  window: { since: string; until: string; branch?: string; branches?: string[] };
  pipelines: PipelineHealth;
  steps: StepReport[];
  /** Every failed step attempt of the window, newest first (in the app: the newest page, see `failuresCursor`). */
  failures: FailureReport[];
  /** In the app only: more failures follow `failures`; `getFailures` with this cursor lists the next page. */
  failuresCursor?: string;
  failureCategories: FailureCategoryCount[];
  topFingerprints: FingerprintReport[];
  tests: TestReport[];
  suggestions: Suggestion[];
  criticalPath?: CriticalPath;
  /** Ingestion state: when the last pipeline was recorded, whether a backfill runs. */
  ingestion: {
    lastRecordedAt?: string;
    attempts: number;
    backfill?: { state: 'running' | 'done'; done: number; total?: number };
  };
  /** In the app only: what the calling user may change (quarantine, suggestion status need write access). */
  viewer?: { canChange: boolean };
}
