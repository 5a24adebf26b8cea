/**
 * Every storage key is built here, and nowhere else; each builder is tied to the type of its value.
 *
 * Forge key rules: ≤ 500 chars of `[a-zA-Z0-9:._\s-#]`. Bitbucket UUIDs are stored without braces; names that
 * can hold any character (step names, test names, branch names) are hashed (`nameId`).
 * Layout: `<area>:<repoUuid>:...`, so one repository's entries of one area share a prefix.
 */
import { createHash } from 'node:crypto';
import type { DocKey, Key, KeyPrefix } from './store';

/** A short, key-safe id for any string (step names, test names, branches): 16 hex chars of SHA-256. */
export function nameId(name: string): string {
  return createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 16);
}

export const key = <T>(s: string): Key<T> => s as Key<T>;
export const prefix = <T>(s: string): KeyPrefix<T> => s as KeyPrefix<T>;
export const doc = <T>(s: string): DocKey<T> => s as DocKey<T>;

/** The stored counter of one workspace and clock hour. */
export interface ApiBudgetDoc {
  /** Calls reserved so far this hour, by every job of the workspace. */
  reserved: number;
}

/** The API calls reserved by a workspace in one clock hour (`hourIso` like `2026-01-31T09`): see `src/bitbucket/budget.ts`. */
export function apiBudget(workspaceId: string, hourIso: string): DocKey<ApiBudgetDoc> {
  return doc(`budget:${workspaceId.replace(/[{}]/g, '').toLowerCase()}:${hourIso}`);
}

/* ---- Ingestion records (plain entries, expire after the retention window) ---- */
import type { AttemptRecord, PipelineRunRecord } from '../domain/attempt';
import type { FailureCategory, RepoRef } from '../domain/types';
import type { WorkspaceSettings } from '../contract/settings';
import type { BackfillStatus } from '../contract/resolvers';
import type { SuggestionStatus } from '../contract/insights';
import type { StepStats } from '../domain/step-stats';
import type { PipelineStats, PipelineTally } from '../domain/pipeline-stats';
import type { FailureRecord, FailureStats } from '../domain/failure-stats';
import type { StoredTestState } from '../domain/flakiness/test-state';
import type { TestLabel } from '../domain/flakiness/types';
import type { RunScope, StoredRunList } from '../domain/slowdown';
import type { StoredStepTrack } from '../domain/flakiness/track-codec';

const bare = (uuid: string): string => uuid.replace(/[{}]/g, '').toLowerCase();
/** Sortable compact time for keys: `20260131T090501Z`. */
export const keyTime = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\.\d+/, '').slice(0, 16);

/** One step attempt, ordered by completion time inside the repository. */
export function attempt(
  repo: string,
  a: Pick<AttemptRecord, 'completedOn' | 'pipelineUuid' | 'stepUuid' | 'runNumber'>,
): Key<AttemptRecord> {
  return key(
    `attempt:${bare(repo)}:${keyTime(a.completedOn)}:${bare(a.pipelineUuid)}:${bare(a.stepUuid)}:${a.runNumber}`,
  );
}
export const attemptsOf = (repo: string): KeyPrefix<AttemptRecord> => prefix(`attempt:${bare(repo)}:`);

/**
 * Newest first in key order: 13 digits of (10^13 − 1 − epoch ms). Keys sort ascending, so the latest failure of a
 * repository is its failure listing's first entry, and a page of the listing is one prefix query.
 */
export const invertedTime = (iso: string): string =>
  String(9_999_999_999_999 - Date.parse(iso)).padStart(13, '0');

type AttemptPlace = Pick<AttemptRecord, 'completedOn' | 'pipelineUuid' | 'stepUuid' | 'runNumber'>;
const failurePlace = (a: AttemptPlace): string =>
  `${invertedTime(a.completedOn)}:${bare(a.pipelineUuid)}:${bare(a.stepUuid)}:${a.runNumber}`;

/** One failed step attempt (src/domain/failure-stats `FailureRecord`), newest first inside the repository. */
export function failure(repo: string, a: AttemptPlace): Key<FailureRecord> {
  return key(`failure:${bare(repo)}:${failurePlace(a)}`);
}
export const failuresOf = (repo: string): KeyPrefix<FailureRecord> => prefix(`failure:${bare(repo)}:`);
/**
 * The same failure under its category, newest first: the category filter reads one prefix. The value is only a
 * marker; the record is read under `failure(...)`, whose key `failureOfCategoryEntry` rebuilds from this one.
 */
export function failureInCategory(repo: string, category: FailureCategory, a: AttemptPlace): Key<1> {
  return key(`failurecat:${bare(repo)}:${category}:${failurePlace(a)}`);
}
export const failuresInCategory = (repo: string, category: FailureCategory): KeyPrefix<1> =>
  prefix(`failurecat:${bare(repo)}:${category}:`);
export function failureOfCategoryEntry(
  repo: string,
  category: FailureCategory,
  entryKey: string,
): Key<FailureRecord> {
  return key(`failure:${bare(repo)}:${entryKey.slice(failuresInCategory(repo, category).length)}`);
}

/** One completed pipeline run (uuid + run number), ordered by creation time. */
export function pipelineRun(
  repo: string,
  r: Pick<PipelineRunRecord, 'createdOn' | 'pipelineUuid' | 'runNumber'>,
): Key<PipelineRunRecord> {
  return key(`run:${bare(repo)}:${keyTime(r.createdOn)}:${bare(r.pipelineUuid)}:${r.runNumber}`);
}
export const pipelineRunsOf = (repo: string): KeyPrefix<PipelineRunRecord> => prefix(`run:${bare(repo)}:`);

/** What is already recorded of a pipeline: lets reconcile skip it without an API call. */
export interface PipelineSeen {
  runNumber: number;
  /** The pipeline was COMPLETED at this run number and every terminal step attempt was recorded. */
  complete: boolean;
  /** step uuid → highest recorded run number */
  steps: Record<string, number>;
  /** This run's ingestion was given up for good (a limit no retry passes): why. The sweep does not queue it again. */
  gaveUp?: string;
}
export const pipelineSeen = (repo: string, pipelineUuid: string): Key<PipelineSeen> =>
  key(`seen:${bare(repo)}:${bare(pipelineUuid)}`);

/* ---- Exactly-once markers (versioned documents, created in the same transaction as the aggregates) ---- */
export interface RecordedMark {
  at: string;
}
export const attemptMark = (
  repo: string,
  pipelineUuid: string,
  stepUuid: string,
  runNumber: number,
): DocKey<RecordedMark> => doc(`mark:${bare(repo)}:${bare(pipelineUuid)}:${bare(stepUuid)}:${runNumber}`);
/** What a pipeline counts for in the pipeline statistics (its newest recorded run): the exactly-once marker of runs. */
export const pipelineTally = (repo: string, pipelineUuid: string): DocKey<PipelineTally> =>
  doc(`pipetally:${bare(repo)}:${bare(pipelineUuid)}`);

/* ---- Fixed-size aggregates (versioned documents) ---- */
export const stepStats = (repo: string, stepName: string): DocKey<StepStats> =>
  doc(`stepstats:${bare(repo)}:${nameId(stepName)}`);
export const pipelineStats = (repo: string): DocKey<PipelineStats> => doc(`pipelinestats:${bare(repo)}`);
export const failureStats = (repo: string): DocKey<FailureStats> => doc(`failurestats:${bare(repo)}`);
/** A step's recent successful runs on the default branch, or on other branches (bounded), for src/domain/slowdown.ts. */
export const stepRuns = (repo: string, stepName: string, scope: RunScope): DocKey<StoredRunList> =>
  doc(`stepruns:${bare(repo)}:${nameId(stepName)}:${scope === 'defaultBranch' ? 'main' : 'other'}`);
/** Step names of a repository (bounded), so a report knows which step documents to read. */
export interface StepCatalog {
  steps: { id: string; name: string; lastSeenAt: string }[];
}
export const stepCatalog = (repo: string): DocKey<StepCatalog> => doc(`steps:${bare(repo)}`);

/* ---- Flaky / broken detector (src/domain/flakiness): one track per step, one state per test that ever failed ---- */
export const stepTrack = (repo: string, stepName: string): DocKey<StoredStepTrack> =>
  doc(`track:${bare(repo)}:${nameId(stepName)}`);
export const testState = (repo: string, testId: string): DocKey<StoredTestState> =>
  doc(`test:${bare(repo)}:${testId}`);
/**
 * The tests of a step that ever failed in the retention window, with their latest label: what pages list. No name:
 * a name is shown verbatim (up to 2,000 characters), so it is read from the test's state.
 */
export interface TestIndexEntry {
  id: string;
  label: TestLabel;
  score: number;
  failures: number;
  lastFailureAt?: string;
}
export interface TestIndex {
  stepName: string;
  tests: TestIndexEntry[];
}
export const testIndex = (repo: string, stepName: string): DocKey<TestIndex> =>
  doc(`testindex:${bare(repo)}:${nameId(stepName)}`);

/* ---- Pull requests: the attempts of each PR's newest commit (src/domain/pr-index), and what Code Insights holds ---- */
export const pullRequestIndex = (
  repo: string,
  pullRequestId: number,
): DocKey<import('../domain/pr-index').PrIndex> => doc(`pr:${bare(repo)}:${pullRequestId}`);
/**
 * One attempt of a branch pipeline (no pull request, not the default branch), by the 12 characters of its commit
 * that the pull-request API gives: the merge check lists a commit's attempts with one prefix query.
 */
export const commitAttempt = (
  repo: string,
  commit: string,
  a: Pick<AttemptRecord, 'pipelineUuid' | 'stepUuid' | 'runNumber'>,
): Key<import('../domain/pr-index').PrAttempt> =>
  key(
    `commitattempt:${bare(repo)}:${commit.slice(0, 12).toLowerCase()}:${bare(a.pipelineUuid)}:${bare(a.stepUuid)}:${a.runNumber}`,
  );
export const commitAttemptsOf = (
  repo: string,
  commit: string,
): KeyPrefix<import('../domain/pr-index').PrAttempt> =>
  prefix(`commitattempt:${bare(repo)}:${commit.slice(0, 12).toLowerCase()}:`);
/** The Code Insights report last published on a commit: how many annotations it holds, so a re-report starts clean. */
export interface PublishedReport {
  at: string;
  buildNumber: number;
  annotations: number;
}
export const publishedReport = (repo: string, commit: string): Key<PublishedReport> =>
  key(`insights:${bare(repo)}:${nameId(commit)}`);
/** Bitbucket's last refusal of a report for this repository (no permission...), shown on the admin page until one succeeds. */
export interface InsightsRefusal {
  at: string;
  why: string;
}
export const insightsRefusal = (repo: string): Key<InsightsRefusal> => key(`insightsrefused:${bare(repo)}`);

/* ---- What ingestion could not do, per repository: shown on the admin page (src/services/ingestion-problems.ts) ---- */
export interface IngestionProblem {
  at: string;
  /** `sweep`: the hourly sweep could not list the repository; `ingest`: the ingestion of a pipeline was given up. */
  stage: 'sweep' | 'ingest';
  /** One line: what Bitbucket or the store answered (ids and counts, never a token or a signed URL). */
  why: string;
  buildNumber?: number;
}
export const ingestionProblem = (
  workspace: string,
  repo: string,
  stage: IngestionProblem['stage'],
): Key<IngestionProblem> => key(`problem:${bare(workspace)}:${bare(repo)}:${stage}`);
export const ingestionProblemsOf = (workspace: string): KeyPrefix<IngestionProblem> =>
  prefix(`problem:${bare(workspace)}:`);

/* ---- Repositories, settings, user decisions ---- */
export const repository = (workspace: string, repoUuid: string): Key<RepoRef> =>
  key(`repo:${bare(workspace)}:${bare(repoUuid)}`);
export const repositoriesOf = (workspace: string): KeyPrefix<RepoRef> => prefix(`repo:${bare(workspace)}:`);
/**
 * Settings a person edits are versioned documents: every save is a conditional write on the version it read, so two
 * saves (two admins, or the settings form and the Jira form) cannot overwrite each other unseen.
 */
export const settings = (workspace: string): DocKey<WorkspaceSettings> => doc(`settings:${bare(workspace)}`);
/** The backfill's status, with per-repository progress so a retried chunk counts once (src/services/backfill.ts). */
export interface StoredBackfill extends BackfillStatus {
  /** Per repository: chunks listed, pipelines queued, listing ended, every queued pipeline recorded. */
  progress?: Record<string, { chunks: number; queued: number; listed: boolean; complete: boolean }>;
  /** The last listing chunk or completion that changed this document. */
  updatedAt?: string;
}
export const backfill = (workspace: string): DocKey<StoredBackfill> => doc(`backfill:${bare(workspace)}`);
/** Pipelines a backfill has ingested in one repository (one document per repository: no workspace-wide contention). */
export interface BackfillCount {
  /** Which backfill: its `startedAt`. */
  startedAt: string;
  ingested: number;
  /** When the last one was counted: a backfill that still moves is not stalled. */
  at?: string;
}
export const backfillCount = (repo: string): DocKey<BackfillCount> => doc(`backfillcount:${bare(repo)}`);
/** A pipeline counted by the backfill started at `startedAt`: a duplicated job counts once. */
export const backfillMark = (repo: string, pipelineUuid: string, startedAt: string): Key<true> =>
  key(`backfillmark:${bare(repo)}:${bare(pipelineUuid)}:${keyTime(startedAt)}`);
/** Where the last reconcile sweep of a repository stopped. */
export interface ReconcileState {
  /** Pipelines created before this moment, and not listed as unfinished, are all recorded. */
  watermark?: string;
  /** The oldest `since` the sweeps behind the watermark listed from: it says nothing about pipelines before that. */
  coveredFrom?: string;
  lastSweepAt?: string;
}
export const reconcileState = (repo: string): Key<ReconcileState> => key(`reconcile:${bare(repo)}`);
export interface SuggestionState {
  status: SuggestionStatus;
  jiraIssueKey?: string;
  jiraIssueUrl?: string;
  updatedAt: string;
  updatedBy?: string;
}
/** One document per suggestion: its status and its Jira link are changed by conditional writes, never lost. */
export const suggestionState = (repo: string, suggestionId: string): DocKey<SuggestionState> =>
  doc(`suggestion:${bare(repo)}:${suggestionId}`);
export interface QuarantineList {
  tests: { id: string; name: string; at: string; by?: string }[];
}
export const quarantine = (repo: string): DocKey<QuarantineList> => doc(`quarantine:${bare(repo)}`);
/** The repository's parsed `bitbucket-pipelines.yml`, refreshed at most daily and re-parsed only when it changed. */
export interface StoredPipelinesConfig {
  fetchedAt: string;
  ref: string;
  sha256?: string;
  config?: import('../domain/analysis/pipelines-config').PipelinesConfig;
  error?: string;
}
export const pipelinesConfig = (repo: string): Key<StoredPipelinesConfig> => key(`config:${bare(repo)}`);
/** The Jira API token lives in Forge's secret store (or an env var locally), never in a plain entry. */
export const JIRA_TOKEN_SECRET = 'jira-api-token';

/* ---- Where people act (src/contract/gates.ts): merge check, notifications, the Slack command ---- */
export const mergeCheckSettings = (
  workspace: string,
): DocKey<import('../contract/gates').MergeCheckSettings> => doc(`mergecheck:${bare(workspace)}`);
export const notificationSettings = (
  workspace: string,
): DocKey<import('../contract/gates').NotificationSettings> => doc(`notify:${bare(workspace)}`);
/** An alert or digest already handed to a channel: its event key, hashed. Kept for ALERT_MEMORY_DAYS, then it expires. */
export interface SentMark {
  at: string;
  what: string;
  state: 'queued' | 'sent' | 'failed';
}
export const sentMark = (workspace: string, channel: string, eventKey: string): Key<SentMark> =>
  key(`sent:${bare(workspace)}:${channel}:${nameId(eventKey)}`);
/** The last delivery outcome of a channel, shown on the admin page. */
export type ChannelDelivery = Omit<import('../contract/gates').ChannelStatus, 'configured' | 'hint'>;
export const channelDelivery = (workspace: string, channel: string): Key<ChannelDelivery> =>
  key(`delivery:${bare(workspace)}:${channel}`);
/** Webhook URLs and the Slack signing secret: Forge's secret store (or env vars locally), never plain entries. */
export const SECRET_NAMES = {
  slack: 'notify-slack-webhook',
  teams: 'notify-teams-webhook',
  slackSigningSecret: 'slack-signing-secret',
} as const;
/* ---- History export (src/services/export): a journal of what ingestion recorded, and the exporter's own state ---- */
/**
 * A record ingestion wrote while the export was on, by the time it was written: the exporter reads these in order,
 * takes those older than its settle delay, and deletes them once their batch is staged and delivered.
 */
export interface ExportJournalEntry {
  /** The plain key of the attempt or run record. */
  record: string;
}
export const exportJournal = (repo: string, writtenAt: string, recordKey: string): Key<ExportJournalEntry> =>
  key(`exportq:${bare(repo)}:${keyTime(writtenAt)}:${nameId(recordKey)}`);
export const exportJournalOf = (repo: string): KeyPrefix<ExportJournalEntry> =>
  prefix(`exportq:${bare(repo)}:`);
/** Attempt and run records of one repository in one month (`YYYYMM`): the one-time export walks these. */
export const attemptsOfMonth = (repo: string, yyyymm: string): KeyPrefix<AttemptRecord> =>
  prefix(`attempt:${bare(repo)}:${yyyymm}`);
export const pipelineRunsOfMonth = (repo: string, yyyymm: string): KeyPrefix<PipelineRunRecord> =>
  prefix(`run:${bare(repo)}:${yyyymm}`);
export const exportConfig = (
  workspace: string,
): DocKey<import('../services/export/export-state').ExportConfig> => doc(`exportcfg:${bare(workspace)}`);
export const exportState = (
  workspace: string,
): DocKey<import('../services/export/export-state').ExportState> => doc(`exportstate:${bare(workspace)}`);
export const exportPending = (
  workspace: string,
): DocKey<import('../services/export/export-state').PendingBatch> => doc(`exportpending:${bare(workspace)}`);
export const exportSnapshot = (
  repo: string,
): DocKey<import('../services/export/export-state').ExportSnapshot> => doc(`exportsnap:${bare(repo)}`);
/** The export's signing secret lives in Forge's secret store (or an env var locally), never in a plain entry. */
export const EXPORT_SECRET = 'history-export-secret';
