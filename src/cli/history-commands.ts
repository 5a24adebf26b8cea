/**
 * The command line of the long-term history (history/README.md):
 *   export          --workspace WS [--data-dir DIR] --database-url URL | --to URL [--secret S]
 *   history-server  --port N --database-url URL --secret S [--api-key K] [--raw-dir DIR]
 *   history-report  --workspace WS --month YYYY-MM --database-url URL [--format json|html] [--output FILE] [--months N]
 * Secrets may come from the environment instead (HISTORY_DATABASE_URL, HISTORY_SECRET, HISTORY_API_KEY) and are
 * never printed: database URLs are shown without their password.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { migrate } from '../../history/src/db/migrate';
import { buildMonthlyReport, ReportInputError } from '../../history/src/services/monthly-report';
import { renderMonthlyHtml } from '../../history/src/services/report-html';
import { folderRawStore } from '../../history/src/local/folder-raw-store';
import { startHistoryServer } from '../../history/src/local/server';
import { SecretFormatError, signBatch } from '../../history/src/signing';
import type { LocalRuntime } from '../local/runtime';
import { postgresSink, redactDatabaseUrl, redactUrl, type RowTally } from '../local/history-sinks';
import * as keys from '../storage/keys';
import { updateDoc } from '../services/commit-with-retry';
import { retryExportNow, runExport, type ExportSink } from '../services/export/history-export';
import { webhookSink } from '../services/export/webhook-sink';
import { UsageError } from './input';
import { DEFAULT_DATA_DIR, need, type CliValues } from './options';

export interface HistoryValues extends CliValues {
  'database-url'?: string;
  to?: string;
  secret?: string;
  'api-key'?: string;
  'raw-dir'?: string;
  month?: string;
  months?: string;
}

function databaseUrl(values: HistoryValues, env: NodeJS.ProcessEnv): string {
  const url = values['database-url'] ?? env.HISTORY_DATABASE_URL;
  if (!url) throw new UsageError('--database-url (or HISTORY_DATABASE_URL) is required');
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--database-url must be a postgres:// URL');
  return url;
}

function secretOf(values: HistoryValues, env: NodeJS.ProcessEnv): string {
  const secret = values.secret ?? env.HISTORY_SECRET;
  if (!secret) throw new UsageError('--secret (or HISTORY_SECRET) is required');
  try {
    signBatch(secret, 'check', '', new Date());
  } catch (error) {
    if (error instanceof SecretFormatError) throw new UsageError(error.message);
    throw error;
  }
  return secret;
}

/** Export to this destination; a new destination (or the first export) starts with everything already stored. */
async function chooseDestination(rt: LocalRuntime, workspace: string, destination: string): Promise<void> {
  await updateDoc(rt.store, keys.exportConfig(workspace), (current) =>
    current?.enabled && current.destination === destination
      ? undefined
      : { enabled: true, destination, generation: randomUUID(), enabledAt: rt.now().toISOString() },
  );
}

export async function exportCommand(
  rt: LocalRuntime,
  values: HistoryValues,
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
): Promise<number> {
  const workspace = need(values.workspace, '--workspace');
  if (values.to && (values['database-url'] ?? ''))
    throw new UsageError('give either --to or --database-url, not both');
  const tally: RowTally = { inserted: 0, updated: 0 };
  let sink: ExportSink;
  let label: string;
  let pool: Pool | undefined;
  if (values.to) {
    if (!/^https?:\/\//.test(values.to)) throw new UsageError('--to must be an http(s) URL');
    const secret = secretOf(values, env);
    label = redactUrl(values.to);
    // Signed with the wall clock: the receiver checks the timestamp against its own.
    sink = webhookSink({
      url: values.to,
      secret: async () => secret,
      fetch: (url, init) => fetch(url, init),
      now: () => new Date(),
    });
  } else {
    const url = databaseUrl(values, env);
    label = redactDatabaseUrl(url);
    pool = new Pool({ connectionString: url, max: 2 });
    await migrate(pool);
    sink = postgresSink(pool, tally);
  }
  try {
    await chooseDestination(rt, workspace, label);
    // A person running the command is the retry: a back-off or a park left by an earlier run is lifted.
    await retryExportNow(rt, workspace);
    const result = await runExport(rt, { workspace, sink, settleSeconds: 0 });
    const state = await rt.store.getDoc(keys.exportState(workspace));
    const rows = pool ? `; rows: ${tally.inserted} added, ${tally.updated} changed` : '';
    out.write(`exported ${result.records} records in ${result.batches} batches to ${label}${rows}\n`);
    if (result.outcome === 'up-to-date') return 0;
    const error = state?.value.lastError;
    process.stderr.write(
      `pipeline-insights: the export stopped (${result.outcome})${error ? `: ${error.message}` : ''}; run it again to retry\n`,
    );
    return 1;
  } finally {
    await pool?.end();
  }
}

export async function historyServerCommand(values: HistoryValues, env: NodeJS.ProcessEnv): Promise<number> {
  const secret = secretOf(values, env);
  const apiKey = values['api-key'] ?? env.HISTORY_API_KEY;
  const port = Number(values.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be a number from 0 to 65535');
  const pool = new Pool({ connectionString: databaseUrl(values, env), max: 4 });
  await migrate(pool);
  const rawDir = path.resolve(
    values['raw-dir'] ?? path.join(values['data-dir'] ?? DEFAULT_DATA_DIR, 'history-raw'),
  );
  const server = await startHistoryServer({
    pool,
    secrets: [secret],
    apiKeys: apiKey ? [apiKey] : [],
    raw: folderRawStore(rawDir),
    port,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    `history receiver: POST ${server.url}/batches\nread API: ${server.url}/api/v1/repositories${apiKey ? '' : ' (no API key given: every call is refused)'}\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await pool.end();
  return 0;
}

export async function historyReportCommand(
  values: HistoryValues,
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream,
): Promise<number> {
  const workspace = need(values.workspace, '--workspace');
  const month = need(values.month, '--month YYYY-MM');
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'html') throw new UsageError('--format must be json or html');
  const months = values.months === undefined ? undefined : Number(values.months);
  if (months !== undefined && (!Number.isInteger(months) || months < 1 || months > 12))
    throw new UsageError('--months must be 1 to 12');
  const pool = new Pool({ connectionString: databaseUrl(values, env), max: 2 });
  try {
    const report = await buildMonthlyReport(pool, {
      workspace,
      month,
      months,
      now: new Date(),
    }).catch((error: unknown) => {
      if (error instanceof ReportInputError) throw new UsageError(error.message);
      throw error;
    });
    const text = format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderMonthlyHtml(report);
    if (values.output) {
      mkdirSync(path.dirname(path.resolve(values.output)), { recursive: true });
      writeFileSync(values.output, text);
    } else out.write(text);
    return 0;
  } finally {
    await pool.end();
  }
}
