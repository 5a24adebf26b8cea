/**
 * What the resolvers are given: storage, the Bitbucket client, the access checker, Jira, the clock and the optional
 * parts (backfill queue, secrets, webhooks, history export). Its own module, so that the handlers and the host that
 * dispatches to them both depend on it, and not on each other.
 */
import type { BitbucketClient } from '../../bitbucket/client';
import type { BackfillStatus } from '../../contract/resolvers';
import type { Store } from '../../storage/store';
import type { ExportSecretStore } from '../export/export-admin';
import type { SecretStore, WebhookPost } from '../notifications/channels';
import type { AccessChecker } from './access';
import type { FetchLike, JiraGateway } from './jira';

/** What the export resolvers need beyond storage: the secret store and a way to reach the receiver. */
export interface HistoryExportDeps {
  secrets: ExportSecretStore;
  fetch: FetchLike;
}

export interface ResolverDeps {
  store: Store;
  /** Absent when the app cannot call Bitbucket (then nothing is published). */
  client?: BitbucketClient;
  access: AccessChecker;
  jira: JiraGateway & {
    defaults?: { site?: string; email?: string; projectKey?: string; issueType?: string };
  };
  now: () => Date;
  /** The workspace key used by ingestion: the slug locally, the UUID on Forge. */
  workspace: string;
  /**
   * Queues the backfill claimed at `startedAt` (src/services/backfill.ts) and answers its status; absent where a
   * backfill runs from the command line.
   */
  queueBackfill?: (days: number, startedAt: string) => Promise<BackfillStatus>;
  /** Where webhook URLs and the Slack signing secret live; absent where notifications are not available. */
  secrets?: SecretStore;
  /** Posts a chat message ("send a test message"). */
  postWebhook?: WebhookPost;
  /** Locally only: a webhook on 127.0.0.1 is accepted (a test receiver). */
  allowLoopbackWebhooks?: boolean;
  /** The history export's secret store and HTTP client; absent where there is no export. */
  historyExport?: HistoryExportDeps;
}
