/**
 * The admin page's side of the history export: its status (last batch, lag, records exported, last error), turning
 * it on or off and setting the endpoint, a new signing secret (shown once, kept in the secret store), a test batch,
 * and "retry now". Switching it on, or pointing it elsewhere, starts a fresh full export.
 */
import { randomUUID } from 'node:crypto';
import { newSigningSecret } from '../../../history/src/signing';
import type { HistoryExportStatus } from '../../contract/resolvers';
import * as keys from '../../storage/keys';
import type { Store } from '../../storage/store';
import { updateDoc } from '../commit-with-retry';
import { readExportConfig } from './export-journal';
import type { ExportConfig } from './export-state';
import { workspaceRepositories } from './history-export';

/** Where the signing secret lives: Forge's secret store, or the environment locally. Never sent back to a page. */
export interface ExportSecretStore {
  get(): Promise<string | undefined>;
  set(secret: string): Promise<void>;
}

/** The oldest note in the journal: how far behind the export is. */
async function oldestUnexported(store: Store, workspace: string): Promise<string | undefined> {
  let oldest: string | undefined;
  for (const repo of await workspaceRepositories(store, workspace)) {
    const page = await store.query(keys.exportJournalOf(repo.repoUuid), { limit: 1 });
    const at = page.items[0]?.key.split(':')[2];
    if (at && (!oldest || at < oldest)) oldest = at;
  }
  return oldest;
}

/** `20260131T090501Z` → epoch ms. */
const fromKeyTime = (t: string): number =>
  Date.parse(
    `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}Z`,
  );

export async function historyExportStatus(
  store: Store,
  workspace: string,
  secrets: ExportSecretStore,
  now: Date,
): Promise<HistoryExportStatus> {
  const [config, state, pending] = await Promise.all([
    readExportConfig(store, workspace),
    store.getDoc(keys.exportState(workspace)),
    store.getDoc(keys.exportPending(workspace)),
  ]);
  const s = state?.value.generation === config?.generation ? state?.value : undefined;
  const oldest = pending?.value.oldestAt ? Date.parse(pending.value.oldestAt) : undefined;
  const journal = config?.enabled ? await oldestUnexported(store, workspace) : undefined;
  const behind = [oldest, journal ? fromKeyTime(journal) : undefined].filter(
    (x): x is number => x !== undefined && !Number.isNaN(x),
  );
  return {
    enabled: config?.enabled ?? false,
    ...(config?.destination ? { endpointUrl: config.destination } : {}),
    secretSet: Boolean(await secrets.get()),
    ...(s ? { phase: s.phase } : {}),
    ...(s?.initial
      ? { initialProgress: { reposDone: s.initial.repoIndex, reposTotal: s.initial.repos.length } }
      : {}),
    recordsExported: state?.value.recordsExported ?? 0,
    batchesSent: state?.value.batchesSent ?? 0,
    ...(state?.value.lastBatch
      ? {
          lastBatch: {
            id: state.value.lastBatch.id,
            at: state.value.lastBatch.at,
            records: state.value.lastBatch.records,
          },
        }
      : {}),
    ...(behind.length
      ? { lagSeconds: Math.max(0, Math.round((now.getTime() - Math.min(...behind)) / 1000)) }
      : {}),
    ...(state?.value.lastError ? { lastError: state.value.lastError } : {}),
    ...(s?.nextAttemptAt ? { nextAttemptAt: s.nextAttemptAt } : {}),
    parked: Boolean(s?.parked),
  };
}

export async function saveHistoryExport(
  store: Store,
  workspace: string,
  p: { enabled: boolean; endpointUrl?: string },
  now: Date,
): Promise<void> {
  // Decided on the stored configuration, again if another save lands first: two saves that switch the export on
  // start it once, with one generation, rather than the second restarting what the first began.
  await updateDoc(store, keys.exportConfig(workspace), (current): ExportConfig => {
    const destination = p.endpointUrl ?? current?.destination ?? '';
    const restart = p.enabled && (!current?.enabled || current.destination !== destination);
    return restart
      ? { enabled: true, destination, generation: randomUUID(), enabledAt: now.toISOString() }
      : {
          ...(current ?? { generation: randomUUID(), enabledAt: now.toISOString() }),
          enabled: p.enabled,
          destination,
        };
  });
}

/** A new secret, stored and answered once: the page shows it for the admin to copy into the receiver. */
export async function rotateExportSecret(secrets: ExportSecretStore): Promise<string> {
  const secret = newSigningSecret();
  await secrets.set(secret);
  return secret;
}
