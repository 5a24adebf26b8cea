/**
 * The ingestion path of one pipeline, shared by the Forge queue consumer, the reconcile sweep and `sync`:
 * fetch the pipeline and its steps, then for each completed step attempt not recorded yet fetch only what it needs
 * (the test-report summary; the failed test cases only when the summary has failures; the log tail only when the
 * step failed), normalise it into one AttemptRecord and record it exactly once with the aggregates.
 *
 * API calls per pipeline, the floor of DESIGN.md "The budget that binds": 1 (pipeline) + 1 (steps) + 1 summary per
 * step that ran tests + test-case pages for steps with failures + 1 log tail per failed step.
 */
import {
  isDeploymentStep,
  isTerminalStep,
  MAX_FAILED_TESTS_PER_ATTEMPT,
  MAX_STEP_TIMINGS,
  pipelineBranch,
  queueSeconds,
  type AttemptRecord,
  type FailedTestRef,
  type PipelineRunRecord,
} from '../domain/attempt';
import { classifyFailure } from '../domain/failures/classify';
import { stepTestId } from '../domain/test-identity';
import type { DetectorConfig } from '../domain/flakiness/types';
import type { Pipeline, RepoRef, Step, TestCase, TestReportSummary } from '../domain/types';
import * as keys from '../storage/keys';
import { readDocs } from '../storage/read-docs';
import type { ServiceContext } from './context';
import { publishCodeInsights, type InsightsResult } from './code-insights';
import { InvalidJobError } from './job-errors';
import type { IngestJob } from './jobs';
import { recordAttempt } from './record-attempt';
import { recordRun } from './record-run';

export { InvalidJobError };

export interface IngestOutcome {
  /** The pipeline the job was about, once known (a build-status job knows only its build number). */
  pipelineUuid: string;
  attemptsRecorded: number;
  attemptsDuplicate: number;
  runRecorded: boolean;
  /** The pipeline was already fully recorded at this run number: nothing fetched beyond the pipeline. */
  alreadyComplete: boolean;
  completed: boolean;
  /** What became of the Code Insights report, for a completed pull-request pipeline. */
  insights?: InsightsResult;
}

export interface IngestOptions {
  retentionDays: number;
  /** Publish a Code Insights report on a completed pull-request pipeline's commit (workspace setting, on by default). */
  codeInsights?: boolean;
  /** Thresholds and branch scope from the workspace settings (`detectorConfigFor`); the defaults when absent. */
  detector?: DetectorConfig;
  /** The history export is on: note each record written in its journal. */
  exportJournal?: boolean;
}

/**
 * A step that reported no tests this many times in a row is not asked for a summary on every run (a lint, build or
 * deploy step: failing does not make it publish tests). It is probed again when its streak reaches 4, 8, 16, 32 and
 * then every PROBE_EVERY runs, so a step that starts publishing tests is noticed soon after, at a cost that falls
 * to one call in PROBE_EVERY runs.
 */
const NO_REPORT_STREAK = 3;
const PROBE_EVERY = 50;

const isProbeRun = (streak: number): boolean =>
  (streak < PROBE_EVERY && (streak & (streak - 1)) === 0) || streak % PROBE_EVERY === 0;

export async function ingestPipeline(
  ctx: ServiceContext,
  job: IngestJob,
  opts: IngestOptions,
): Promise<IngestOutcome> {
  const { store, client } = ctx;
  const repo = job.repo;
  const pipeline = await fetchPipeline(ctx, job);
  const seenKey = keys.pipelineSeen(repo.repoUuid, pipeline.uuid);
  const seen = await store.get(seenKey);
  const outcome: IngestOutcome = {
    pipelineUuid: pipeline.uuid,
    attemptsRecorded: 0,
    attemptsDuplicate: 0,
    runRecorded: false,
    alreadyComplete: false,
    completed: pipeline.status === 'COMPLETED',
  };
  if (seen?.complete && seen.runNumber === pipeline.runNumber) {
    outcome.alreadyComplete = true;
    return outcome;
  }
  const steps = await client.listSteps(repo, pipeline.uuid);
  const terminal = steps.filter(isTerminalStep);
  const marks = await readDocs(
    store,
    Object.fromEntries(
      terminal.map((s) => [
        `${s.uuid}:${s.runNumber}`,
        keys.attemptMark(repo.repoUuid, pipeline.uuid, s.uuid, s.runNumber),
      ]),
    ),
  );
  const record = {
    retentionDays: opts.retentionDays,
    now: ctx.now,
    ...(opts.detector ? { detector: opts.detector } : {}),
    ...(opts.exportJournal ? { exportJournal: true } : {}),
  };
  for (const step of terminal) {
    if (marks[`${step.uuid}:${step.runNumber}`]) continue;
    const attempt = await buildAttempt(ctx, repo, pipeline, step, steps);
    const result = await recordAttempt(store, attempt, record);
    if (result === 'recorded') outcome.attemptsRecorded += 1;
    else outcome.attemptsDuplicate += 1;
  }
  if (pipeline.status === 'COMPLETED' && pipeline.result) {
    const run = runRecord(repo, pipeline, steps);
    outcome.runRecorded = (await recordRun(store, run, record)) === 'recorded';
    // Before the seen marker: a job retried after a rate-limited publish publishes again.
    if (opts.codeInsights && pipeline.target.pullRequestId !== undefined)
      outcome.insights = await publishCodeInsights(ctx, repo, pipeline, opts.detector);
  }
  await store.set(
    seenKey,
    {
      runNumber: pipeline.runNumber,
      complete: pipeline.status === 'COMPLETED',
      steps: Object.fromEntries(terminal.map((s) => [s.uuid, s.runNumber])),
    },
    { ttlSeconds: opts.retentionDays * 86_400 },
  );
  ctx.log.info(
    `pipeline #${pipeline.buildNumber} of ${repo.fullName ?? repo.repoSlug}: ${outcome.attemptsRecorded} attempt(s) recorded`,
  );
  return outcome;
}

/** How far back a build number is looked for: events arrive within minutes, so the first page nearly always has it. */
const BUILD_NUMBER_PAGES = 3;

async function fetchPipeline(ctx: ServiceContext, job: IngestJob): Promise<Pipeline> {
  if (job.listed && (job.pipelineUuid === undefined || job.listed.uuid === job.pipelineUuid))
    return job.listed;
  if (job.pipelineUuid) return ctx.client.getPipeline(job.repo, job.pipelineUuid);
  if (job.buildNumber === undefined)
    throw new InvalidJobError('an ingest job needs a pipeline uuid or a build number');
  // The listing carries the same fields as a single GET, so finding the pipeline here costs no extra call.
  let pageUrl: string | undefined;
  for (let page = 0; page < BUILD_NUMBER_PAGES; page++) {
    const listed = await ctx.client.listPipelinesPage(job.repo, {
      sort: '-created_on',
      pagelen: 50,
      pageUrl,
    });
    const found = listed.pipelines.find((p) => p.buildNumber === job.buildNumber);
    if (found) return found;
    if (!listed.next || listed.pipelines.every((p) => p.buildNumber < (job.buildNumber ?? 0))) break;
    pageUrl = listed.next;
  }
  throw new InvalidJobError(
    `pipeline #${job.buildNumber} not found in ${job.repo.fullName ?? job.repo.repoSlug}`,
  );
}

async function shouldAskForTests(ctx: ServiceContext, repo: RepoRef, step: Step): Promise<boolean> {
  const stats = await ctx.store.getDoc(keys.stepStats(repo.repoUuid, step.name));
  const streak = stats?.value.noReportStreak ?? 0;
  return streak < NO_REPORT_STREAK || isProbeRun(streak);
}

/**
 * The step's test summary and its failed cases, as far as a bounded read finds them: a suite of many thousand tests
 * costs at most the client's page limit, and failures it could not reach are counted (`unread`), not named.
 */
async function fetchTests(
  ctx: ServiceContext,
  repo: RepoRef,
  step: Step,
): Promise<{ summary?: TestReportSummary; failed: TestCase[]; unread: number }> {
  if (!(await shouldAskForTests(ctx, repo, step))) return { failed: [], unread: 0 };
  const summary = await ctx.client.getTestReportSummary(repo, step.pipelineUuid, step.uuid);
  const failures = summary ? summary.failed + summary.error : 0;
  if (!summary || failures === 0) return { summary, failed: [], unread: 0 };
  const cases = await ctx.client.findFailedTestCases(repo, step.pipelineUuid, step.uuid, { failures });
  return { summary, failed: cases.failed, unread: cases.complete ? 0 : failures - cases.failed.length };
}

function failedRefs(stepName: string, failed: TestCase[]): { refs: FailedTestRef[]; omitted: number } {
  const byId = new Map<string, FailedTestRef>();
  for (const c of failed) {
    const id = stepTestId(stepName, c.name);
    if (!byId.has(id)) {
      byId.set(id, {
        id,
        // Verbatim: a test's name is its identity, shown and published exactly as Bitbucket reported it.
        name: c.name,
        ...(c.status === 'ERROR' ? { errored: true } : {}),
        ...(c.message ? { message: c.message.slice(0, 500) } : {}),
        ...(c.durationMs !== undefined ? { durationMs: c.durationMs } : {}),
      });
    }
  }
  const refs = [...byId.values()].sort((x, y) => x.id.localeCompare(y.id));
  return {
    refs: refs.slice(0, MAX_FAILED_TESTS_PER_ATTEMPT),
    omitted: Math.max(0, refs.length - MAX_FAILED_TESTS_PER_ATTEMPT),
  };
}

async function buildAttempt(
  ctx: ServiceContext,
  repo: RepoRef,
  pipeline: Pipeline,
  step: Step,
  allSteps: Step[],
): Promise<AttemptRecord> {
  const tests = await fetchTests(ctx, repo, step);
  const failed = step.result !== 'SUCCESSFUL';
  const log = failed ? await ctx.client.getLogTail(repo, pipeline.uuid, step.uuid) : undefined;
  const named = failedRefs(step.name, tests.failed);
  const refs = named.refs;
  const omitted = named.omitted + tests.unread;
  const branch = pipelineBranch(pipeline);
  const completedOn = step.completedOn ?? pipeline.completedOn ?? ctx.now().toISOString();
  const failure = failed
    ? classifyFailure({
        stepResult: step.result ?? 'UNKNOWN',
        logTail: log?.read ? log.tail.text : undefined,
        tests: tests.summary,
        failedTestCount: refs.length + omitted,
        errorKey: step.errorKey ?? pipeline.errorKey,
        errorMessage: step.errorMessage ?? pipeline.errorMessage,
        maxTimeMinutes: step.maxTimeMinutes,
        durationSeconds: step.durationSeconds,
        stepName: step.name,
      })
    : undefined;
  return {
    repoUuid: repo.repoUuid,
    pipelineUuid: pipeline.uuid,
    buildNumber: pipeline.buildNumber,
    pipelineRunNumber: pipeline.runNumber,
    stepUuid: step.uuid,
    stepName: step.name,
    runNumber: step.runNumber,
    isRerun: step.isRerun,
    ...(pipeline.triggerType === 'pipeline_trigger_manual' ? { manualPipeline: true } : {}),
    result: step.result ?? 'UNKNOWN',
    commit: pipeline.target.commit,
    branch,
    isDefaultBranch: isDefaultBranch(repo, pipeline),
    pullRequestId: pipeline.target.pullRequestId,
    pipelineCreatedOn: pipeline.createdOn,
    startedOn: step.startedOn,
    completedOn,
    durationSeconds: step.durationSeconds,
    queueSeconds: queueSeconds(step, allSteps, pipeline),
    buildSecondsUsed: step.buildSecondsUsed,
    sizeMultiplier: step.sizeMultiplier,
    maxTimeMinutes: step.maxTimeMinutes,
    tests: tests.summary,
    failedTests: refs,
    failedTestsOmitted: omitted,
    failure,
    logRead: log?.read === true,
    ...(log && !log.read ? { logUnreadReason: log.reason } : {}),
  };
}

function isDefaultBranch(repo: RepoRef, pipeline: Pipeline): boolean {
  if (pipeline.target.pullRequestId !== undefined) return false;
  const branch = pipeline.target.refName;
  if (
    !branch ||
    (pipeline.target.refType &&
      pipeline.target.refType !== 'branch' &&
      pipeline.target.refType !== 'named_branch')
  ) {
    return false;
  }
  return repo.defaultBranch ? branch === repo.defaultBranch : ['main', 'master'].includes(branch);
}

function runRecord(repo: RepoRef, pipeline: Pipeline, steps: Step[]): PipelineRunRecord {
  return {
    repoUuid: repo.repoUuid,
    pipelineUuid: pipeline.uuid,
    buildNumber: pipeline.buildNumber,
    runNumber: pipeline.runNumber,
    result: pipeline.result ?? 'UNKNOWN',
    commit: pipeline.target.commit,
    branch: pipelineBranch(pipeline),
    isDefaultBranch: isDefaultBranch(repo, pipeline),
    pullRequestId: pipeline.target.pullRequestId,
    createdOn: pipeline.createdOn,
    completedOn: pipeline.completedOn,
    durationSeconds: pipeline.durationSeconds,
    buildSecondsUsed: pipeline.buildSecondsUsed,
    deployed: steps.some((s) => isDeploymentStep(s) && s.result === 'SUCCESSFUL'),
    steps: steps.slice(0, MAX_STEP_TIMINGS).map((s) => ({
      name: s.name,
      startedOn: s.startedOn,
      completedOn: s.completedOn,
      durationSeconds: s.durationSeconds,
      result: s.result ?? 'UNKNOWN',
    })),
  };
}
