/** Workspace-admin resolvers of the history export (src/services/export/export-admin.ts). */
import type { HistoryExportStatus, HistoryTestResult } from '../../contract/resolvers';
import { silentLogger } from '../context';
import { historyExportStatus, rotateExportSecret, saveHistoryExport } from '../export/export-admin';
import { readExportConfig } from '../export/export-journal';
import { retryExportNow } from '../export/history-export';
import { sendTestBatch } from '../export/webhook-sink';
import { ResolverError } from './errors';
import type { HistoryExportDeps, ResolverDeps } from './deps';

function exportDeps(deps: ResolverDeps): HistoryExportDeps {
  if (!deps.historyExport)
    throw new ResolverError('not-configured', 'The history export is not available here.');
  return deps.historyExport;
}

export async function getHistoryExport(deps: ResolverDeps): Promise<HistoryExportStatus> {
  return historyExportStatus(deps.store, deps.workspace, exportDeps(deps).secrets, deps.now());
}

export async function setHistoryExport(
  deps: ResolverDeps,
  p: { enabled: boolean; endpointUrl?: string },
): Promise<HistoryExportStatus> {
  await saveHistoryExport(deps.store, deps.workspace, p, deps.now());
  return getHistoryExport(deps);
}

export async function newHistoryExportSecret(deps: ResolverDeps): Promise<{ secret: string }> {
  return { secret: await rotateExportSecret(exportDeps(deps).secrets) };
}

export async function retryHistoryExport(deps: ResolverDeps): Promise<HistoryExportStatus> {
  await retryExportNow({ store: deps.store, now: deps.now, log: silentLogger }, deps.workspace);
  return getHistoryExport(deps);
}

export async function sendHistoryTestBatch(deps: ResolverDeps): Promise<HistoryTestResult> {
  const { secrets, fetch } = exportDeps(deps);
  const config = await readExportConfig(deps.store, deps.workspace);
  if (!config?.destination) throw new ResolverError('invalid', 'Save an endpoint URL first.');
  const result = await sendTestBatch(
    { url: config.destination, secret: () => secrets.get(), fetch, now: () => new Date() },
    deps.workspace,
  );
  return result.kind === 'accepted'
    ? { ok: true, message: 'The receiver checked the signature and the batch, and answered OK.' }
    : { ok: false, message: result.message };
}
