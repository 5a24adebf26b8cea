/**
 * Where people act (DESIGN.md §6): the merge check's per-repository setting, the Slack and Teams notifications, the
 * Slack command. Edited on the admin page, read by the merge check, the notification jobs and the command line.
 * Webhook URLs and the Slack signing secret are never part of these: they live in the secret store.
 */

export type MergeCheckKind = 'unexplained' | 'new-flaky';

export interface MergeCheckSettings {
  /** Repositories (UUIDs) whose pull requests pass the checks when no pipeline of their commit has finished. */
  passWithoutPipeline: string[];
}

export const DEFAULT_MERGE_CHECK_SETTINGS: MergeCheckSettings = { passWithoutPipeline: [] };

export type ChatChannel = 'slack' | 'teams';
export const CHAT_CHANNELS: readonly ChatChannel[] = ['slack', 'teams'];

export type AlertKind = 'broken' | 'flaky' | 'regression' | 'ingestion' | 'build-minutes';
export const ALERT_KINDS: readonly AlertKind[] = [
  'broken',
  'flaky',
  'regression',
  'ingestion',
  'build-minutes',
];

export type DigestFrequency = 'off' | 'day' | 'week';

export interface NotificationSettings {
  /** Which alerts are sent. */
  alerts: AlertKind[];
  digest: {
    frequency: DigestFrequency;
    /** Hour of the day (UTC) the digest goes out. */
    hourUtc: number;
    /** Weekly digests: ISO weekday, 1 = Monday. */
    weekday: number;
  };
  /** The `build-minutes` alert fires when a week's build minutes, all repositories together, pass this. */
  buildMinutesPerWeek: number;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  alerts: ['broken', 'flaky', 'regression', 'ingestion'],
  digest: { frequency: 'week', hourUtc: 8, weekday: 1 },
  buildMinutesPerWeek: 10_000,
};

/** What the admin page knows about one chat channel: never the webhook URL itself, only a hint of it. */
export interface ChannelStatus {
  configured: boolean;
  /** Host and last characters of the stored URL, e.g. `hooks.slack.com/…x9Qz`. */
  hint?: string;
  lastSuccessAt?: string;
  /** The last delivery that failed for good (after its retries), until a later one succeeds. */
  lastError?: { at: string; what: string; message: string };
}

export interface NotificationsPage {
  settings: NotificationSettings;
  mergeCheck: MergeCheckSettings;
  channels: Record<ChatChannel, ChannelStatus>;
  slackCommand: { signingSecretSet: boolean };
  repos: { repoUuid: string; slug: string }[];
}
