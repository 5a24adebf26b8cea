/** Ground truth the evaluation generator keeps beside the workspace it serves. */

/** How a test behaves, decided per (test, code, run). */
export type TestKind = 'stable' | 'flaky' | 'becomes-flaky' | 'broken' | 'short-breakage' | 'branch-breakage';

/** What a correct product says about the test at the end of the history. */
export type ExpectedLabel = 'healthy' | 'flaky' | 'broken' | 'fixed';

export interface CommitRef {
  hash: string;
  /** Position on the default branch (absent for a feature-branch commit). */
  mainPosition?: number;
  at: string;
}

export interface TruthTest {
  /** The exact fully qualified name the API serves. */
  name: string;
  step: string;
  kind: TestKind;
  expected: ExpectedLabel;
  /** Failure probability per run while flaky. */
  rate?: number;
  /** becomes-flaky: from this commit on; broken kinds: the breaking commit. */
  since?: CommitRef;
  fixedAt?: CommitRef;
  /** A planted twin: the name this one differs from only in whitespace or after character 160. */
  twinOf?: string;
}

export type FailureCause = 'own' | 'outage';

export interface TruthAttempt {
  pipelineUuid: string;
  buildNumber: number;
  stepUuid: string;
  step: string;
  runNumber: number;
  scheduledOn: string;
  completedOn: string;
  result: 'SUCCESSFUL' | 'FAILED' | 'ERROR' | 'NOT_RUN';
  commit: string;
  branch: string;
  defaultBranch: boolean;
  /** The step ran tests and published a report. */
  tested: boolean;
  /** Planted tests whose behaviour applies to the code this attempt ran (flaky, becomes-flaky, broken). */
  active: string[];
  /** Planted breakages whose fix this code contains. */
  fixed: string[];
  /** Tests that failed, and why. */
  failures: { name: string; cause: FailureCause }[];
  /** Why the step failed when it was not (only) tests: the log tail's category. */
  stepFailure?: { category: string; cause: string; outage: boolean };
}

export interface TruthSlowdown {
  step: string;
  factor: number;
  commit: CommitRef;
  /** Build number of the first pipeline (by creation) that ran the step on code containing the commit. */
  firstPipeline: number;
  /** Pipelines that ran the step on code containing the commit. */
  runsAfter: number;
}

export interface TruthRepo {
  slug: string;
  uuid: string;
  mainBranch: string;
  /** Every test that is not plainly stable, and the stable twins. Tests not listed are stable. */
  tests: TruthTest[];
  suiteSize: number;
  /** Step names as served (shards named apart). */
  steps: string[];
  noisySteps: string[];
  /** Planted slowdowns, one per served step it applies to (a sharded step has several). */
  slowdowns: TruthSlowdown[];
  pipelines: { uuid: string; buildNumber: number; createdOn: string; commit: string; rerunsOn: string[] }[];
  attempts: TruthAttempt[];
  outages: { from: string; to: string }[];
  /** Share of pipelines whose final state is green. */
  greenRate: number;
}

export interface TruthWorkspace {
  slug: string;
  repos: TruthRepo[];
  outages: { from: string; to: string }[];
}

export const attemptKey = (stepUuid: string, runNumber: number): string => `${stepUuid}#${runNumber}`;
