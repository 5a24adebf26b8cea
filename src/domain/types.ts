/**
 * Domain types: what the rest of the app knows about Bitbucket Pipelines, after the boundary mappers in
 * `src/bitbucket/mappers.ts` have validated and normalised the API's JSON. Nothing downstream sees raw API JSON.
 *
 * UUIDs are kept without braces and lower-cased (see `src/domain/uuid.ts`); times are ISO-8601 strings (UTC).
 */

/** A Bitbucket UUID without braces, lower case, e.g. `27e63c0b-2997-43e1-ba1e-7c43a3b0d9ef`. */
export type Uuid = string;

export interface RepoRef {
  /** Workspace slug or `{uuid}`, as accepted in API paths. */
  workspace: string;
  /** Repository slug or `{uuid}`, as accepted in API paths. */
  repoSlug: string;
  /** Repository UUID (no braces): the stable identity used in storage keys. */
  repoUuid: Uuid;
  workspaceUuid?: Uuid;
  /** Default branch name (`mainbranch.name`), when known. */
  defaultBranch?: string;
  fullName?: string;
}

export type PipelineStatus = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED' | 'UNKNOWN';
/** Pipeline outcome once COMPLETED. */
export type PipelineResult = 'SUCCESSFUL' | 'FAILED' | 'ERROR' | 'STOPPED' | 'EXPIRED' | 'UNKNOWN';
/** Step outcome once COMPLETED; NOT_RUN marks steps skipped because an earlier one failed, or manual ones. */
export type StepResult = 'SUCCESSFUL' | 'FAILED' | 'ERROR' | 'STOPPED' | 'EXPIRED' | 'NOT_RUN' | 'UNKNOWN';

export interface PipelineTarget {
  /** `branch`, `tag`, `bookmark`, `named_branch`, `pullrequest` or another value Bitbucket adds later. */
  refType?: string;
  refName?: string;
  commit?: string;
  /** `default`, `branches`, `pull-requests`, `custom`, `tags`... */
  selectorType?: string;
  selectorPattern?: string;
  /** Pull request targets: the PR id and its branches. */
  pullRequestId?: number;
  sourceBranch?: string;
  destinationBranch?: string;
}

export interface Pipeline {
  uuid: Uuid;
  buildNumber: number;
  runNumber: number;
  status: PipelineStatus;
  /** Only set when status is COMPLETED. */
  result?: PipelineResult;
  /** In-progress stage such as PAUSED or HALTED. */
  stage?: string;
  target: PipelineTarget;
  /** e.g. `pipeline_trigger_push`, `pipeline_trigger_manual`. */
  triggerType?: string;
  createdOn: string;
  /** When this run (attempt) was created: `run_creation_date`, later than `createdOn` after a rerun. */
  runCreatedOn?: string;
  completedOn?: string;
  durationSeconds?: number;
  buildSecondsUsed?: number;
  /** API `error` on ERROR results (`{ key, message }`). */
  errorKey?: string;
  errorMessage?: string;
}

export interface Step {
  uuid: Uuid;
  pipelineUuid: Uuid;
  name: string;
  /** 1 for the first attempt, bumped by "Rerun failed steps"; the API only shows the newest attempt. */
  runNumber: number;
  status: PipelineStatus;
  result?: StepResult;
  /** `pipeline_step_trigger_automatic`, `..._manual`, `..._redeploy` (rerun). */
  triggerType?: string;
  isRerun: boolean;
  startedOn?: string;
  completedOn?: string;
  durationSeconds?: number;
  buildSecondsUsed?: number;
  /** Step time limit in minutes (`max_time` or `maxTime`). */
  maxTimeMinutes?: number;
  image?: string;
  /** Step size multiplier (1x, 2x, 4x, 8x) when the API reports it; 1 otherwise. */
  sizeMultiplier: number;
  errorKey?: string;
  errorMessage?: string;
}

export interface TestReportSummary {
  total: number;
  successful: number;
  failed: number;
  error: number;
  skipped: number;
}

export type TestCaseStatus = 'PASSED' | 'FAILED' | 'ERROR' | 'SKIPPED' | 'UNKNOWN';

export interface TestCase {
  uuid?: Uuid;
  /** Fully qualified name as Bitbucket reports it (else package + name); kept readable, at most 2,000 chars. */
  name: string;
  packageName?: string;
  status: TestCaseStatus;
  durationMs?: number;
  /** Failure message from `test_case_reasons`, when fetched. */
  message?: string;
}

/** The failure categories of DESIGN.md §3 "Failures". */
export type FailureCategory =
  'test' | 'build' | 'dependency' | 'infrastructure' | 'timeout' | 'configuration' | 'deployment' | 'unknown';

/** Finer causes, mostly for `infrastructure`. */
export type FailureCause =
  | 'out-of-memory'
  | 'network'
  | 'docker-rate-limit'
  | 'rate-limit'
  | 'system-error'
  | 'disk-full'
  | 'runner'
  | 'time-limit'
  | 'compile'
  | 'lint'
  | 'test-failure'
  | 'missing-config'
  | 'invalid-config'
  | 'install'
  | 'deploy'
  | 'stopped'
  | 'expired';

export interface FailureClassification {
  category: FailureCategory;
  cause?: FailureCause;
  /** The most telling line, trimmed (≤ 300 chars), for people. */
  message?: string;
  /** Stable hash of the normalised message (numbers, hashes, paths, times removed): same failure, same print. */
  fingerprint: string;
  /** Id of the pattern-table rule that matched, for evidence and tests. */
  rule?: string;
}

/** A pull request as the merge check needs it: where it comes from and where it goes. */
export interface PullRequest {
  id: number;
  /** `OPEN`, `MERGED`, `DECLINED`, `SUPERSEDED`, or what Bitbucket adds later. */
  state: string;
  /** The source commit as Bitbucket gives it (the API shortens it to 12 characters). */
  sourceCommit?: string;
  sourceBranch?: string;
  destinationBranch?: string;
}
