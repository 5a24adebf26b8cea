/** The CLI's commands: argument checks, then the shared services. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { daysAgo } from '../domain/time';
import type { LocalRuntime } from '../local/runtime';
import { runSync } from '../local/sync';
import { buildRepoReport } from '../services/repo-report';
import { renderReport, type ReportFormat } from '../report/render';
import { runDemo } from './demo';
import { describeError } from './errors';
import { checkSlug, parseIsoDate, parseMonth, parseTimeoutSeconds, UsageError } from './input';
import { need, openRuntime, recordedRepository, type CliValues } from './options';
import { mergeCheckCommand, notifyCommand } from './gates';
import { runServe } from './serve';
import {
  exportCommand,
  historyReportCommand,
  historyServerCommand,
  type HistoryValues,
} from './history-commands';

export { UsageError };
export type { CliValues };

const DEFAULT_SINCE_DAYS = 30;

export function parseSince(value: string | undefined, now: Date): Date {
  if (value === undefined) return daysAgo(now, DEFAULT_SINCE_DAYS);
  return parseIsoDate(value, '--since', now);
}

const PERIOD_DAYS = { day: 1, week: 7, month: 30 } as const;

function parsePeriod(value: string | undefined): keyof typeof PERIOD_DAYS | undefined {
  if (value === undefined) return undefined;
  if (value in PERIOD_DAYS) return value as keyof typeof PERIOD_DAYS;
  throw new UsageError('--period must be day, week or month');
}

function parseFormat(value: string | undefined): ReportFormat {
  const f = value ?? 'text';
  if (f === 'text' || f === 'json' || f === 'html') return f;
  throw new UsageError('--format must be text, json or html');
}

/** Workspace and repository slugs, dates and the timeout, checked before any command opens a store or a connection. */
function checkInput(values: HistoryValues): void {
  if (values.workspace !== undefined) checkSlug(values.workspace, '--workspace');
  for (const repo of values.repo ?? []) checkSlug(repo, '--repo');
  if (values.since !== undefined) parseIsoDate(values.since, '--since', new Date());
  if (values.month !== undefined) parseMonth(values.month, '--month', new Date());
  parseTimeoutSeconds(values.timeout);
}

export async function syncCommand(
  rt: LocalRuntime,
  values: CliValues,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const workspace = need(values.workspace, '--workspace');
  const since = parseSince(values.since, rt.now());
  const result = await runSync(rt, {
    workspace,
    repoSlugs: values.repo,
    since,
    progress: Boolean(process.stderr.isTTY) && !process.env.CI,
  });
  if (values.stats) writeFileSync(values.stats, `${JSON.stringify(result.stats, null, 2)}\n`);
  const s = result.stats;
  out.write(
    `synced ${result.repos.length} repositories of ${workspace}: ${s.pipelines} pipelines, ${s.attempts} step attempts recorded, ` +
      `${s.reports} Code Insights reports, ${s.apiCalls} API calls (${s.apiRetries} retries)\n`,
  );
  for (const f of result.failures) {
    process.stderr.write(
      `pipeline-insights: could not ingest a pipeline of ${f.job.repo.repoSlug}: ${describeError(f.error)}\n`,
    );
  }
  for (const f of result.repoFailures) {
    process.stderr.write(`pipeline-insights: could not sync ${f.repo.repoSlug}: ${describeError(f.error)}\n`);
  }
  return result.failures.length || result.repoFailures.length ? 1 : 0;
}

export async function reportCommand(
  rt: LocalRuntime,
  values: CliValues,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const workspace = need(values.workspace, '--workspace');
  const slug = need(values.repo?.[0], '--repo');
  const format = parseFormat(values.format);
  const period = parsePeriod(values.period);
  const now = rt.now();
  const since = period ? daysAgo(now, PERIOD_DAYS[period]) : parseSince(values.since, now);
  const repo = await recordedRepository(rt, workspace, slug);
  const report = await buildRepoReport(rt.store, {
    workspace,
    repo,
    since,
    until: now,
    branch: values.branch,
    webUrl: 'https://bitbucket.org',
  });
  const text = renderReport(report, format, period);
  if (values.output) {
    mkdirSync(path.dirname(path.resolve(values.output)), { recursive: true });
    writeFileSync(values.output, text);
  } else out.write(text);
  return 0;
}

export async function runCommand(command: string, values: HistoryValues): Promise<number> {
  checkInput(values);
  switch (command) {
    case 'sync':
    case 'report': {
      // A report only reads: its store is opened read-only, so it can never change what sync recorded.
      const rt = openRuntime(values, { readonly: command === 'report' });
      try {
        return command === 'sync' ? await syncCommand(rt, values) : await reportCommand(rt, values);
      } finally {
        rt.close();
      }
    }
    case 'merge-check':
    case 'notify': {
      const rt = openRuntime(values);
      try {
        return command === 'notify' ? await notifyCommand(rt, values) : await mergeCheckCommand(rt, values);
      } finally {
        rt.close();
      }
    }
    case 'serve':
      return runServe(values);
    case 'demo':
      return runDemo(values);
    case 'export': {
      const rt = openRuntime(values);
      try {
        return await exportCommand(rt, values, process.env, process.stdout);
      } finally {
        rt.close();
      }
    }
    case 'history-server':
      return historyServerCommand(values, process.env);
    case 'history-report':
      return historyReportCommand(values, process.env, process.stdout);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
