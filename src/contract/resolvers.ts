/**
 * The resolver contract: every function the UI may `invoke`, its payload and its result. Imported by both the
 * resolvers (src/forge/resolvers.ts) and the UI (src/ui/), so the two cannot drift. There is no generic
 * pass-through to the Bitbucket API: each resolver does one thing and checks on the server that the caller may.
 */
import type { FailureCategory } from '../domain/types';
import type {
  RepoReport,
  SuggestionStatus,
  TestClassification,
  EvidenceItem,
  FailureReport,
} from './insights';
import type { WorkspaceSettings } from './settings';
import type {
  ChannelStatus,
  ChatChannel,
  MergeCheckSettings,
  NotificationSettings,
  NotificationsPage,
} from './gates';

export type PrVerdict = 'known-flaky' | 'quarantined' | 'broken-on-default' | 'new';

export interface PrFailingTest {
  testId: string;
  name: string;
  step: string;
  verdict: PrVerdict;
  /** Why this verdict: evidence a reviewer can check. */
  evidence: EvidenceItem[];
  /** For a test with recorded history: how often it fails (0..1) and the counts behind it (see `TestReport`). */
  failureRate?: number;
  failures?: number;
  runs?: number;
  /** How sure the test's own verdict (flaky, broken...) is, 0..1. */
  confidence?: number;
  /** Kept for compatibility: the same figure as `confidence`. */
  flakinessScore?: number;
}

export interface PrPanel {
  pullRequestId: number;
  /** The PR's newest commit with a recorded pipeline. */
  commit?: string;
  /** Latest recorded pipeline(s) of the PR's source branch / PR target. */
  pipelines: { buildNumber: number; uuid: string; result: string; at: string; url?: string }[];
  failingTests: PrFailingTest[];
  /** When everything is green: flaky tests this PR's runs hit anyway (passed on rerun). */
  flakyHits: PrFailingTest[];
  /** Failed tests counted but not named (a step with more failures than are kept per attempt). */
  unnamedFailures: number;
  /** Failed steps without test failures (infrastructure, build...). */
  otherFailures: { step: string; category: string; message?: string }[];
}

export interface RepoHealthRow {
  repoUuid: string;
  slug: string;
  monitored: boolean;
  pipelines: number;
  successRate?: number;
  flakyTests: number;
  brokenTests: number;
  buildMinutes: number;
  lastRecordedAt?: string;
  /** Bitbucket refused the last Code Insights report of this repository (until one is accepted). */
  codeInsightsRefused?: { at: string; why: string };
  /** What ingestion could not do here: the sweep could not list it, or a pipeline's ingestion was given up. */
  ingestionProblems?: { stage: 'sweep' | 'ingest'; at: string; why: string; buildNumber?: number }[];
}

export interface BackfillStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  days?: number;
  reposDone: number;
  reposTotal: number;
  pipelinesQueued: number;
  /** Of the queued pipelines, those recorded so far. */
  pipelinesIngested?: number;
  /** Running, but nothing has finished it for hours: some jobs were given up. It may be started again. */
  stalled?: boolean;
  startedAt?: string;
  finishedAt?: string;
  message?: string;
}

export interface AdminPage {
  settings: WorkspaceSettings;
  jiraTokenSet: boolean;
  repos: RepoHealthRow[];
  backfill: BackfillStatus;
  /** Absent where the history export is not available (the local preview without it). */
  historyExport?: HistoryExportStatus;
}

/** The history export on the admin page: where it goes, how far it is, what went wrong last. */
export interface HistoryExportStatus {
  enabled: boolean;
  endpointUrl?: string;
  /** A signing secret is stored (it is never sent to the page after it was first shown). */
  secretSet: boolean;
  /** `initial`: the one-time export of everything already stored; then `journal`: what is recorded since. */
  phase?: 'initial' | 'journal';
  initialProgress?: { reposDone: number; reposTotal: number };
  recordsExported: number;
  batchesSent: number;
  lastBatch?: { id: string; at: string; records: number };
  /** How long the oldest record not yet delivered has waited. */
  lagSeconds?: number;
  lastError?: { at: string; message: string; status?: number };
  /** A failed batch waits until then before it is sent again. */
  nextAttemptAt?: string;
  /** The receiver refused a batch for good: nothing more is sent until an admin retries. */
  parked: boolean;
}

export type HistoryTestResult = { ok: true; message: string } | { ok: false; message: string };

export type JiraResult =
  { mode: 'created'; key: string; url: string } | { mode: 'open-create-screen'; url: string };

export type JiraSubject = { kind: 'suggestion'; id: string } | { kind: 'test'; testId: string };

/** A page of the repository's failed step attempts, newest first; `cursor` is present when more follow. */
export interface FailuresPage {
  failures: FailureReport[];
  cursor?: string;
}

/** name → [payload, result] */
export interface ResolverContract {
  getRepoInsights: [{ branch?: string }, RepoReport];
  getPullRequestPanel: [Record<string, never>, PrPanel];
  getFailures: [{ category?: FailureCategory; cursor?: string }, FailuresPage];
  setQuarantine: [{ testId: string; quarantined: boolean }, { testId: string; quarantined: boolean }];
  setSuggestionStatus: [
    { suggestionId: string; status: SuggestionStatus },
    { suggestionId: string; status: SuggestionStatus },
  ];
  createJiraIssue: [{ subject: JiraSubject }, JiraResult];
  getAdminPage: [Record<string, never>, AdminPage];
  /** `base`: the settings the form was loaded with; only the fields it changed are saved over what is stored. */
  saveSettings: [{ settings: WorkspaceSettings; base: WorkspaceSettings }, WorkspaceSettings];
  saveJiraConnection: [
    { site: string; projectKey: string; email: string; apiToken?: string; issueType?: string },
    { jiraTokenSet: boolean },
  ];
  startBackfill: [{ days: number }, BackfillStatus];
  getNotifications: [Record<string, never>, NotificationsPage];
  /** `base`: what the form was loaded with; only the fields it changed are saved over what is stored. */
  saveNotificationSettings: [
    {
      settings: NotificationSettings;
      mergeCheck: MergeCheckSettings;
      base: { settings: NotificationSettings; mergeCheck: MergeCheckSettings };
    },
    { settings: NotificationSettings; mergeCheck: MergeCheckSettings },
  ];
  /** Without `url`, the channel's webhook is removed. */
  saveChatWebhook: [{ channel: ChatChannel; url?: string }, ChannelStatus];
  sendTestMessage: [{ channel: ChatChannel }, ChannelStatus];
  /** Without `secret`, the stored one is removed. */
  saveSlackSigningSecret: [{ secret?: string }, { signingSecretSet: boolean }];
  getHistoryExport: [Record<string, never>, HistoryExportStatus];
  saveHistoryExport: [{ enabled: boolean; endpointUrl?: string }, HistoryExportStatus];
  newHistoryExportSecret: [Record<string, never>, { secret: string }];
  sendHistoryTestBatch: [Record<string, never>, HistoryTestResult];
  retryHistoryExport: [Record<string, never>, HistoryExportStatus];
}

export type ResolverName = keyof ResolverContract;
export type ResolverPayload<N extends ResolverName> = ResolverContract[N][0];
export type ResolverResult<N extends ResolverName> = ResolverContract[N][1];
/** What a resolver answers: its result, or an expected failure. */
export type ResolverAnswer<N extends ResolverName> = ResolverResult<N> | ResolverErrorBody;
/**
 * The contract in the form Forge's typed invoke takes (`makeInvoke<ResolverDefinitions>()` from `@forge/bridge`),
 * so a page's call is checked against the same types as the server's handler.
 */
export type ResolverDefinitions = {
  [N in ResolverName]: (payload: ResolverPayload<N>) => ResolverAnswer<N>;
};

/** What a resolver answers on an expected failure (no access, bad input, Jira said no): shown as is to the user. */
export interface ResolverErrorBody {
  error: { code: 'forbidden' | 'not-found' | 'invalid' | 'upstream' | 'not-configured'; message: string };
}

export const RESOLVER_NAMES: readonly ResolverName[] = [
  'getRepoInsights',
  'getPullRequestPanel',
  'getFailures',
  'setQuarantine',
  'setSuggestionStatus',
  'createJiraIssue',
  'getAdminPage',
  'saveSettings',
  'saveJiraConnection',
  'startBackfill',
  'getNotifications',
  'saveNotificationSettings',
  'saveChatWebhook',
  'sendTestMessage',
  'saveSlackSigningSecret',
  'getHistoryExport',
  'saveHistoryExport',
  'newHistoryExportSecret',
  'sendHistoryTestBatch',
  'retryHistoryExport',
] as const;

export type { TestClassification };
