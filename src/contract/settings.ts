/** Workspace settings, edited on the admin page and read by ingestion and analysis. */
import { DEFAULT_DETECTOR_CONFIG } from '../domain/flakiness/types';

export interface WorkspaceSettings {
  /** Repository UUIDs to monitor; empty = all repositories of the workspace. */
  monitoredRepos: string[];
  /** `default` = only the default branch counts for labels; `all` = every branch (default weighs more). */
  branchScope: 'default' | 'all';
  /** Flakiness score at which a test is labelled flaky, and below which it recovers (hysteresis). */
  flakyAlarmThreshold: number;
  flakyRecoveryThreshold: number;
  /** Days raw attempt records are kept (aggregates are kept in fixed-size form). */
  retentionDays: number;
  /** Publish a Code Insights report on PR commits. */
  codeInsights: boolean;
  /** Publish quarantined tests as the repository variable PIPELINE_INSIGHTS_QUARANTINE. */
  publishQuarantine: boolean;
  /** Jira: site (e.g. `acme.atlassian.net`) and project key for new issues. The API token lives in the secret store. */
  jira?: { site: string; projectKey: string; email?: string; issueType?: string };
}

export const DEFAULT_SETTINGS: WorkspaceSettings = {
  monitoredRepos: [],
  branchScope: 'all',
  flakyAlarmThreshold: DEFAULT_DETECTOR_CONFIG.alarmScore,
  flakyRecoveryThreshold: DEFAULT_DETECTOR_CONFIG.recoveryScore,
  retentionDays: 90,
  codeInsights: true,
  publishQuarantine: true,
};
