/**
 * Forge entry points of the history export: an hourly scheduled trigger starts a run for the installation's
 * workspace, and the "history-export" queue continues a run that reached its time limit or waits out a short
 * back-off. A run that finds another one exporting (a storage conflict) leaves it to that one. Built from the
 * platform port, like the other handlers.
 */
import { readExportConfig } from '../services/export/export-journal';
import { runExport, type ExportRunResult } from '../services/export/history-export';
import { webhookSink } from '../services/export/webhook-sink';
import * as keys from '../storage/keys';
import { ForgeKvsStore } from '../storage/forge-kvs-store';
import { StoreConflictError } from '../storage/store';
import type { ForgePlatform, SecretStore } from './platform';
import { workspaceFromInstallContext } from './runtime';

export const HISTORY_EXPORT_QUEUE = 'history-export';
/** Of a consumer's 900 s: stop staging after this, leaving time to deliver the last batch (≤ 200 KB). */
const RUN_SECONDS = 780;
/** Longer than any ingestion job runs (900 s): see ExportOptions.settleSeconds. */
export const FORGE_SETTLE_SECONDS = 960;
/** Forge delays a queued event by at most 900 s; a longer wait is left to the hourly trigger. */
const MAX_DELAY_SECONDS = 900;

/** The export's signing secret, in Forge's secret store. */
export function exportSecrets(secrets: SecretStore) {
  return {
    get: async (): Promise<string | undefined> => {
      const secret = await secrets.getSecret<string>(keys.EXPORT_SECRET);
      return typeof secret === 'string' && secret ? secret : undefined;
    },
    set: (secret: string): Promise<void> => secrets.setSecret(keys.EXPORT_SECRET, secret),
  };
}

export function createExportHandlers(platform: ForgePlatform) {
  const secrets = exportSecrets(platform.kvs);

  async function continueLater(workspaceUuid: string, result: ExportRunResult): Promise<void> {
    let delay: number | undefined;
    if (result.outcome === 'deadline') delay = 0;
    else if ((result.outcome === 'backing-off' || result.outcome === 'waiting') && result.retryAt) {
      const seconds = Math.ceil((Date.parse(result.retryAt) - platform.now().getTime()) / 1000);
      if (seconds <= MAX_DELAY_SECONDS) delay = Math.max(0, seconds);
    }
    if (delay === undefined) return;
    await platform
      .queue(HISTORY_EXPORT_QUEUE)
      .push([{ body: { workspaceUuid }, ...(delay > 0 ? { delayInSeconds: delay } : {}) }]);
  }

  async function exportWorkspace(workspaceUuid: string): Promise<void> {
    const store = new ForgeKvsStore({ kvs: platform.kvs });
    const config = await readExportConfig(store, workspaceUuid);
    if (!config?.enabled) return;
    const sink = webhookSink({
      url: config.destination,
      secret: secrets.get,
      fetch: platform.fetch,
      now: platform.now,
    });
    try {
      const result = await runExport(
        { store, now: platform.now, log: platform.log },
        {
          workspace: workspaceUuid,
          sink,
          settleSeconds: FORGE_SETTLE_SECONDS,
          deadline: platform.now().getTime() + RUN_SECONDS * 1000,
        },
      );
      platform.log.info(
        `history export: ${result.outcome}, ${result.batches} batch(es), ${result.records} record(s)`,
      );
      await continueLater(workspaceUuid, result);
    } catch (error) {
      if (error instanceof StoreConflictError) {
        platform.log.info('history export: another run is exporting this workspace');
        return;
      }
      throw error;
    }
  }

  return {
    async exportHistoryScheduled(_event: unknown, context?: { installContext?: string }): Promise<void> {
      await exportWorkspace(workspaceFromInstallContext(context?.installContext));
    },
    async exportHistoryConsumer(event: { body?: unknown }): Promise<void> {
      const body = event.body as { workspaceUuid?: unknown } | undefined;
      if (typeof body?.workspaceUuid !== 'string') {
        platform.log.warn('history export job dropped: malformed body');
        return;
      }
      await exportWorkspace(body.workspaceUuid);
    },
  };
}
