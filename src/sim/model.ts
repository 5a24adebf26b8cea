/**
 * The simulated workspace as a plan: every pipeline with every step attempt, including attempts that start after
 * `now`. What the API shows is a projection of this plan at `now` (see `view.ts`), so moving `now` forward
 * (`advance`) reveals runs that finished, reruns that overwrote earlier attempts, and new pipelines.
 * Everything is plain JSON so two workspaces from one seed compare byte for byte.
 */

import type { RepoSpec } from './repo-specs';

export type SimStepResult = 'SUCCESSFUL' | 'FAILED' | 'ERROR' | 'STOPPED' | 'NOT_RUN';
export type SimPipelineResult = 'SUCCESSFUL' | 'FAILED' | 'ERROR' | 'STOPPED';

/** What made a step fail; `category` uses the product's failure categories. */
export type SimFailureKind =
  | 'test-failure'
  | 'compile'
  | 'lint'
  | 'dependency-install'
  | 'out-of-memory'
  | 'system-error'
  | 'time-limit'
  | 'docker-rate-limit'
  | 'service-outage';

export interface SimFailure {
  kind: SimFailureKind;
  /** The phrase the log ends with. */
  phrase: string;
}

export type SimTestStatus = 'PASSED' | 'FAILED' | 'ERROR' | 'SKIPPED';

export interface SimTestDef {
  name: string;
  packageName: string;
  fullyQualifiedName: string;
  /** Typical duration; each run adds noise. */
  durationMs: number;
  /** Permanently skipped (`it.skip`, `@Disabled`). */
  skipped?: boolean;
}

export interface SimFailedTest {
  fullyQualifiedName: string;
  status: 'FAILED' | 'ERROR';
  message: string;
}

export interface SimTestRun {
  /** Key into `SimRepo.suites`: which tests the step ran. */
  suite: string;
  /** Only the failures are stored; passed and skipped cases are derived from the suite. */
  failed: SimFailedTest[];
}

export type SimStepTrigger =
  'pipeline_step_trigger_automatic' | 'pipeline_step_trigger_manual' | 'pipeline_step_trigger_redeploy';

export interface SimAttempt {
  runNumber: number;
  /** When the attempt was created (pipeline start, rerun, manual trigger); it is PENDING until `startedOn`. */
  scheduledOn: string;
  trigger: SimStepTrigger;
  startedOn: string;
  completedOn: string;
  result: SimStepResult;
  durationSeconds: number;
  buildSecondsUsed: number;
  failure?: SimFailure;
  /** `state.result.error` for ERROR results. */
  error?: { key: string; message: string };
  tests?: SimTestRun;
}

export interface SimStep {
  uuid: string;
  name: string;
  image: string;
  /** Size multiplier from `size: 2x` in bitbucket-pipelines.yml. */
  size: 1 | 2 | 4 | 8;
  maxTimeMinutes: number;
  /** Real responses spell it both ways. */
  maxTimeField: 'maxTime' | 'max_time';
  manual: boolean;
  deploymentEnvironment?: { uuid: string; name: string };
  /** Oldest first; the API shows only the newest attempt that has started by `now`. */
  attempts: SimAttempt[];
}

export type SimTarget =
  | { kind: 'branch'; branch: string; commit: string; selector: 'default' | 'branches'; pattern?: string }
  | {
      kind: 'pullrequest';
      pullRequestId: number;
      title: string;
      source: string;
      destination: string;
      commit: string;
      destinationCommit: string;
    };

export interface SimPipeline {
  uuid: string;
  buildNumber: number;
  createdOn: string;
  trigger: 'PUSH' | 'MANUAL';
  target: SimTarget;
  steps: SimStep[];
  /** Start times of "Rerun failed steps" rounds: each bumps `run_number` and `run_creation_date`. */
  rerunsOn: string[];
  /** A pipeline that never ran steps (invalid bitbucket-pipelines.yml). */
  configError?: { key: string; message: string };
  /** The creator's display name. */
  author: string;
  /** Position of the commit on the default branch (1-based), for default-branch pipelines. */
  mainCommitIndex?: number;
}

export interface SimRepo {
  uuid: string;
  slug: string;
  name: string;
  mainBranch: string;
  language: string;
  createdOn: string;
  /** Test suites by key (`unit`, `integration`). */
  suites: Record<string, SimTestDef[]>;
  pipelines: SimPipeline[];
  /** Commits whose bitbucket-pipelines.yml is invalid; the others hold `pipelinesYml`. */
  brokenYmlCommits: string[];
  pipelinesYml: string;
}

export interface SimFlakyTruth {
  repo: string;
  fullyQualifiedName: string;
  suite: string;
  /** Failure probability per run. */
  rate: number;
  band: 'low' | 'moderate';
  /** Set when the test started flaking at a commit (on the default branch). */
  sinceCommit?: string;
  sinceTime?: string;
}

export interface SimBrokenTruth {
  repo: string;
  fullyQualifiedName: string;
  suite: string;
  brokenAtCommit?: string;
  /** Default-branch commit that fixed it; undefined while still broken. */
  fixedAtCommit?: string;
  /** Default-branch commits between break and fix (the break included). */
  brokenForCommits: number;
}

/** A test a pull request broke: it fails in that pull request's newest pipeline only. */
export interface SimPullRequestBreakage {
  repo: string;
  pullRequestId: number;
  pipelineUuid: string;
  buildNumber: number;
  fullyQualifiedName: string;
  suite: string;
}

export interface SimFailureTruth {
  repo: string;
  pipelineUuid: string;
  buildNumber: number;
  stepName: string;
  runNumber: number;
  kind: SimFailureKind | 'config-error';
  phrase: string;
  at: string;
}

export interface SimAttemptTruth {
  stepUuid: string;
  stepName: string;
  runNumber: number;
  result: SimStepResult;
  completedOn: string;
  /** True when a later attempt of the same step replaced this one in the API. */
  overwritten: boolean;
}

export interface SimPipelineTruth {
  uuid: string;
  buildNumber: number;
  commit: string;
  refName: string;
  createdOn: string;
  state: 'IN_PROGRESS' | 'COMPLETED';
  result?: SimPipelineResult;
  /** Every step attempt that had completed by `now`, overwritten ones included. */
  completedAttempts: SimAttemptTruth[];
}

export interface SimRepoTruth {
  flakyTests: SimFlakyTruth[];
  brokenTests: SimBrokenTruth[];
  /** Tests broken by a pull request (failing only in its newest pipeline). */
  pullRequestBreakages: SimPullRequestBreakage[];
  failures: SimFailureTruth[];
  pipelines: SimPipelineTruth[];
  /** Steps killed for memory again and again (raise their size). */
  oomSteps: { stepName: string; rate: number }[];
  /** Steps getting slower: duration × (1 + dailyGrowth) per day since `since`. */
  slowingSteps: { stepName: string; dailyGrowth: number; since: string }[];
  /** Same commit, new pipeline (new build number). */
  sameCommitReruns: { commit: string; buildNumbers: number[] }[];
  /** Pipelines where "Rerun failed steps" ran (same build number, run_number bumped). */
  stepReruns: { pipelineUuid: string; buildNumber: number; stepName: string; runNumber: number }[];
}

export interface SimTruth {
  repos: Record<string, SimRepoTruth>;
  /** Hours where the platform failed steps at random (not the tests' fault). */
  infraBursts: { from: string; to: string }[];
  /** The test whose name is hostile (markup, right-to-left text, 2,000 chars). */
  hostileTestName: string;
}

export interface SimWorkspace {
  slug: string;
  uuid: string;
  name: string;
  seed: number;
  /** The cursor: the API shows the plan as it stands at this instant. */
  now: string;
  repos: SimRepo[];
  /** Planted facts the generator knows; `pipelines` is recomputed at each `now`. */
  planted: SimPlanted;
  truth: SimTruth;
}

/** Generator state kept between `generateWorkspace` and `advance`. */
export interface SimPlanted {
  specs: RepoSpec[];
  /** Per repo: when the slowing step started getting slower. */
  slowingSince: Record<string, string>;
  infraBursts: { from: string; to: string }[];
  flaky: SimFlakyTruth[];
  broken: SimBrokenPlan[];
  pullRequestBreakages: SimPullRequestBreakage[];
  failures: SimFailureTruth[];
  incidents: SimIncident[];
  hostileTestName: string;
  repoState: Record<string, SimRepoState>;
}

export interface SimBrokenPlan {
  truth: SimBrokenTruth;
  /** The first default-branch commit at or after this time breaks the test. */
  breakAfter: string;
  breakIndex?: number;
}

/** A one-off failure planted at a time: the first matching step to start after `at` gets it. */
export interface SimIncident {
  repo: string;
  at: string;
  kind: SimFailureKind | 'config-error';
  stepName?: string;
  branch: 'default' | 'feature' | 'any';
  consumed: boolean;
}

export interface SimRepoState {
  mainHead: string;
  mainCommits: number;
  nextPullRequestId: number;
  openBranches: { name: string; head: string; pushes: number; pullRequestId?: number; title: string }[];
  branchCounter: number;
}
