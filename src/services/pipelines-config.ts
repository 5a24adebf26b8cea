/**
 * Keeps the repository's parsed `bitbucket-pipelines.yml` for the suggestions: one API call per repository per day
 * at most, and the file is parsed again only when its content changed.
 */
import { createHash } from 'node:crypto';
import { parsePipelinesConfig, PipelinesConfigError } from '../domain/analysis/pipelines-config';
import type { RepoRef } from '../domain/types';
import * as keys from '../storage/keys';
import type { ServiceContext } from './context';

const REFRESH_MS = 24 * 3600 * 1000;

export async function refreshPipelinesConfig(
  ctx: ServiceContext,
  repo: RepoRef,
  commit: string | undefined,
): Promise<void> {
  if (!commit) return;
  const key = keys.pipelinesConfig(repo.repoUuid);
  const stored = await ctx.store.get(key);
  const now = ctx.now();
  if (stored && now.getTime() - Date.parse(stored.fetchedAt) < REFRESH_MS) return;
  const ref = commit;
  const text = await ctx.client.getFileAtCommit(repo, ref, 'bitbucket-pipelines.yml');
  const sha256 = text === undefined ? undefined : createHash('sha256').update(text).digest('hex');
  if (stored && sha256 === stored.sha256) {
    await ctx.store.set(key, { ...stored, fetchedAt: now.toISOString() });
    return;
  }
  const base = { fetchedAt: now.toISOString(), ref, ...(sha256 ? { sha256 } : {}) };
  if (text === undefined) {
    await ctx.store.set(key, { ...base, error: 'bitbucket-pipelines.yml not found on the default branch' });
    return;
  }
  try {
    await ctx.store.set(key, { ...base, config: parsePipelinesConfig(text) });
  } catch (error) {
    if (!(error instanceof PipelinesConfigError)) throw error;
    await ctx.store.set(key, { ...base, error: error.message });
  }
}
