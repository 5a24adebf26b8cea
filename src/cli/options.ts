/**
 * The command line's options as parsed, and what every command opens from them: its own module, so that the
 * commands and the dispatcher that runs them depend on it and not on each other.
 */
import path from 'node:path';
import type { RetryRecord } from '../bitbucket/client';
import { openLocalRuntime, type LocalRuntime } from '../local/runtime';
import type { RepoRef } from '../domain/types';
import type { Logger } from '../services/context';
import { knownRepositories } from '../services/sweep';
import { parseTimeoutSeconds, UsageError } from './input';

export interface CliValues {
  workspace?: string;
  repo?: string[];
  since?: string;
  branch?: string;
  period?: string;
  format?: string;
  output?: string;
  'data-dir'?: string;
  stats?: string;
  port?: string;
  'no-serve'?: boolean;
  pr?: string;
  check?: string;
  'slack-webhook'?: string;
  'teams-webhook'?: string;
  digest?: string;
  alerts?: boolean;
  timeout?: string;
}

export const DEFAULT_DATA_DIR = '.pipeline-insights';
const stderrLogger: Logger = {
  info: () => undefined,
  warn: (m) => process.stderr.write(`warning: ${m}\n`),
};

export function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

/** One line per retry as it happens, so a slow or hung API shows what it is doing. */
export function retryLine(r: RetryRecord): string {
  return (
    `pipeline-insights: ${r.method} ${r.path} failed (${r.reason}); ` +
    `retry ${r.attempt} of ${r.maxAttempts - 1} in ${(r.delayMs / 1000).toFixed(1)} s\n`
  );
}

export function openRuntime(values: CliValues, options: { readonly?: boolean } = {}): LocalRuntime {
  return openLocalRuntime({
    dataDir: path.resolve(values['data-dir'] ?? DEFAULT_DATA_DIR),
    log: stderrLogger,
    timeoutMs: parseTimeoutSeconds(values.timeout),
    readonly: options.readonly,
    onRetry: (r) => process.stderr.write(retryLine(r)),
  });
}

/** A repository `sync` has recorded, by slug or uuid; a usage error that says to sync it first otherwise. */
export async function recordedRepository(
  rt: LocalRuntime,
  workspace: string,
  slug: string,
): Promise<RepoRef> {
  const repo = (await knownRepositories(rt, workspace)).find(
    (r) => r.repoSlug === slug || r.repoUuid === slug,
  );
  if (!repo)
    throw new UsageError(
      `nothing recorded for ${workspace}/${slug}: run \`sync --workspace ${workspace} --repo ${slug}\` first`,
    );
  return repo;
}
