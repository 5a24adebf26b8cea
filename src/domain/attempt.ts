/**
 * One completed step attempt, keyed by (pipeline uuid, step uuid, run number): the unit of ingestion.
 * "Rerun failed steps" keeps the pipeline and bumps the step's run number, and the API then shows only the newest
 * attempt, so each attempt is recorded when it completes. Fixed-size: failed test names are capped.
 */
import type {
  FailureClassification,
  Pipeline,
  PipelineResult,
  Step,
  StepResult,
  TestReportSummary,
  Uuid,
} from './types';
import { appendWithin, jsonBytes } from './json-size';
import { secondsBetween } from './time';

export const MAX_FAILED_TESTS_PER_ATTEMPT = 100;

export interface FailedTestRef {
  id: string;
  name: string;
  /** ERROR rather than FAILED. */
  errored?: boolean;
  message?: string;
  /** As Bitbucket reported it; exported to the history backend. */
  durationMs?: number;
}

export interface AttemptRecord {
  repoUuid: Uuid;
  pipelineUuid: Uuid;
  buildNumber: number;
  pipelineRunNumber: number;
  stepUuid: Uuid;
  stepName: string;
  runNumber: number;
  /** The step ran again on the same pipeline ("Rerun failed steps"). */
  isRerun: boolean;
  /** The pipeline was started by hand ("Run pipeline", a whole-pipeline rerun): it may run an older commit. */
  manualPipeline?: boolean;
  result: StepResult;
  commit?: string;
  branch?: string;
  isDefaultBranch: boolean;
  pullRequestId?: number;
  pipelineCreatedOn: string;
  startedOn?: string;
  completedOn: string;
  durationSeconds?: number;
  /** From pipeline creation (first steps) or the step's own start delay. */
  queueSeconds?: number;
  buildSecondsUsed?: number;
  sizeMultiplier: number;
  maxTimeMinutes?: number;
  tests?: TestReportSummary;
  failedTests: FailedTestRef[];
  /** Failed tests counted but not named: beyond MAX_FAILED_TESTS_PER_ATTEMPT, not reached in a large suite, or past the record's bytes. */
  failedTestsOmitted: number;
  failure?: FailureClassification;
  /** The tail of the log was read (it costs a call). */
  logRead: boolean;
  /**
   * Why the log of a failed step could not be read (no log, refused or expired storage, a timeout): the attempt is
   * recorded anyway and classified from what is known (step result, tests, error key).
   */
  logUnreadReason?: string;
}

/**
 * The attempt within `maxBytes` of JSON, as the store will hold it: failed tests stay named in order while they fit
 * and the rest are counted in `failedTestsOmitted`. Names are never cut: a test's name is its identity. (A name is at
 * most 2,000 characters and a message 500, so a record holding a hundred of them can pass Forge's 240 KiB.)
 */
export function boundAttempt(a: AttemptRecord, maxBytes: number): AttemptRecord {
  if (jsonBytes(a) <= maxBytes) return a;
  const bounded: AttemptRecord = {
    ...a,
    failedTests: [],
    failedTestsOmitted: a.failedTestsOmitted + a.failedTests.length,
  };
  appendWithin(bounded.failedTests, a.failedTests, maxBytes - jsonBytes(bounded));
  bounded.failedTestsOmitted -= bounded.failedTests.length;
  return bounded;
}

export interface PipelineRunRecord {
  repoUuid: Uuid;
  pipelineUuid: Uuid;
  buildNumber: number;
  runNumber: number;
  result: PipelineResult;
  commit?: string;
  branch?: string;
  isDefaultBranch: boolean;
  pullRequestId?: number;
  createdOn: string;
  completedOn?: string;
  durationSeconds?: number;
  buildSecondsUsed?: number;
  /** A step that deploys (name or deployment environment) succeeded in this run. */
  deployed: boolean;
  /** Step timings of this run (bounded), for the critical path. */
  steps: StepTiming[];
}

export interface StepTiming {
  name: string;
  startedOn?: string;
  completedOn?: string;
  durationSeconds?: number;
  result: StepResult;
}

export const MAX_STEP_TIMINGS = 40;

export function attemptId(a: { pipelineUuid: Uuid; stepUuid: Uuid; runNumber: number }): string {
  return `${a.pipelineUuid}:${a.stepUuid}:${a.runNumber}`;
}

export function isTerminalStep(step: Step): boolean {
  return step.status === 'COMPLETED' && step.result !== undefined && step.result !== 'NOT_RUN';
}

/** The branch a pipeline ran for: the ref name, or the source branch of a pull-request pipeline. */
export function pipelineBranch(p: Pipeline): string | undefined {
  return p.target.sourceBranch ?? p.target.refName;
}

const DEPLOY_NAME = /\b(deploy|deployment|release|publish|promote)\b/i;

export function isDeploymentStep(step: Pick<Step, 'name'>): boolean {
  return DEPLOY_NAME.test(step.name);
}

/**
 * Queue wait of a step: the gap between the moment it could start (pipeline creation for the first step of a
 * run, else the end of the latest step that finished before it started) and its actual start.
 */
export function queueSeconds(step: Step, allSteps: Step[], pipeline: Pipeline): number | undefined {
  if (!step.startedOn) return undefined;
  const start = Date.parse(step.startedOn);
  let ready = Date.parse(pipeline.createdOn);
  for (const other of allSteps) {
    if (other.uuid === step.uuid || !other.completedOn) continue;
    const end = Date.parse(other.completedOn);
    if (end <= start && end > ready) ready = end;
  }
  if (step.isRerun) return undefined; // a rerun waits for a person, not for a runner
  const wait = secondsBetween(new Date(ready).toISOString(), step.startedOn);
  return wait === undefined ? undefined : Math.max(0, wait);
}
