/**
 * A sweep over a workspace: find the repositories to watch, remember them, and reconcile each one. The Forge
 * scheduled trigger runs it every hour; `sync` runs it on demand. Same code, different queue.
 */
import type { RepoRef } from '../domain/types';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../contract/settings';
import * as keys from '../storage/keys';
import type { ServiceContext } from './context';
import type { IngestJob } from './ingest-pipeline';
import { refreshPipelinesConfig } from './pipelines-config';
import { reconcileRepository, type ReconcileOutcome } from './reconcile';

export interface SweepOptions {
  workspace: string;
  /** Repository slugs to sweep; default: the monitored ones from settings (all when none are chosen). */
  repoSlugs?: string[];
  since: Date;
  enqueue: (jobs: IngestJob[]) => Promise<void>;
  reason: IngestJob['reason'];
  /** Pages of 100 pipelines listed per repository (default 50); the rest waits for the next sweep. */
  maxPages?: number;
  onRepo?: (repo: RepoRef, outcome: ReconcileOutcome) => void;
}

export async function loadSettings(ctx: ServiceContext, workspace: string): Promise<WorkspaceSettings> {
  return { ...DEFAULT_SETTINGS, ...(await ctx.store.get(keys.settings(workspace))) };
}

export async function repositoriesToSweep(ctx: ServiceContext, workspace: string, repoSlugs?: string[]): Promise<RepoRef[]> {
  if (repoSlugs?.length) {
    const known = await knownRepositories(ctx, workspace);
    const out: RepoRef[] = [];
    for (const slug of repoSlugs) out.push(known.find((r) => r.repoSlug === slug) ?? (await ctx.client.getRepository(workspace, slug)));
    return out;
  }
  const all = await ctx.client.listRepositories(workspace);
  const settings = await loadSettings(ctx, workspace);
  return settings.monitoredRepos.length ? all.filter((r) => settings.monitoredRepos.includes(r.repoUuid)) : all;
}

export async function sweepWorkspace(ctx: ServiceContext, opts: SweepOptions): Promise<{ repos: RepoRef[]; outcomes: ReconcileOutcome[] }> {
  const repos = await repositoriesToSweep(ctx, opts.workspace, opts.repoSlugs);
  const outcomes: ReconcileOutcome[] = [];
  for (const repo of repos) {
    await ctx.store.set(keys.repository(opts.workspace, repo.repoUuid), repo);
    const outcome = await reconcileRepository(ctx, repo, { since: opts.since, enqueue: opts.enqueue, reason: opts.reason, maxPages: opts.maxPages });
    await refreshPipelinesConfig(ctx, repo, outcome.defaultBranchCommit);
    outcomes.push(outcome);
    opts.onRepo?.(repo, outcome);
  }
  return { repos, outcomes };
}

/** Repositories recorded by earlier sweeps (bounded: one page per 100 repositories). */
export async function knownRepositories(ctx: Pick<ServiceContext, 'store'>, workspace: string): Promise<RepoRef[]> {
  const out: RepoRef[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.store.query(keys.repositoriesOf(workspace), { limit: 100, cursor });
    out.push(...page.items.map((i) => i.value));
    cursor = page.cursor;
  } while (cursor);
  return out;
}
