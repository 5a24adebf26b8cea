/**
 * A sweep over a workspace: find the repositories to watch, remember them, and reconcile each one. The Forge
 * scheduled trigger runs it every hour; `sync` runs it on demand. Same code, different queue.
 *
 * One repository that fails does not stop the rest: a repository the app may no longer read (401/403/404) is
 * recorded as a problem for the admin page and skipped; an unexpected failure is recorded too, the other
 * repositories are still swept, and the caller rethrows it at the end (`rethrowUnexpected`) so it is seen. Only a
 * spent API budget stops the sweep: it is the workspace's, so every repository after would wait for it as well.
 */
import type { RepoRef } from '../domain/types';
import type { WorkspaceSettings } from '../contract/settings';
import * as keys from '../storage/keys';
import type { ServiceContext } from './context';
import { clearIngestionProblem, ingestionProblems, recordIngestionProblem } from './ingestion-problems';
import type { IngestJob } from './jobs';
import { judgeJobError, type JobErrorVerdict } from './job-errors';
import { refreshPipelinesConfig } from './pipelines-config';
import { readWorkspaceSettings } from './settings';
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

export async function loadSettings(
  ctx: Pick<ServiceContext, 'store'>,
  workspace: string,
): Promise<WorkspaceSettings> {
  return readWorkspaceSettings(ctx.store, workspace);
}

export async function repositoriesToSweep(
  ctx: ServiceContext,
  workspace: string,
  repoSlugs?: string[],
): Promise<RepoRef[]> {
  if (repoSlugs?.length) {
    const known = await knownRepositories(ctx, workspace);
    const out: RepoRef[] = [];
    for (const slug of repoSlugs)
      out.push(known.find((r) => r.repoSlug === slug) ?? (await ctx.client.getRepository(workspace, slug)));
    return out;
  }
  const all = await ctx.client.listRepositories(workspace);
  const settings = await loadSettings(ctx, workspace);
  return settings.monitoredRepos.length
    ? all.filter((r) => settings.monitoredRepos.includes(r.repoUuid))
    : all;
}

/** A repository the sweep could not reconcile, and what that failure means. */
export interface SweepFailure {
  repo: RepoRef;
  error: unknown;
  verdict: JobErrorVerdict;
}

export interface SweepResult {
  repos: RepoRef[];
  outcomes: ReconcileOutcome[];
  failures: SweepFailure[];
}

export async function sweepWorkspace(ctx: ServiceContext, opts: SweepOptions): Promise<SweepResult> {
  const repos = await repositoriesToSweep(ctx, opts.workspace, opts.repoSlugs);
  const problems = await ingestionProblems(ctx.store, opts.workspace);
  const outcomes: ReconcileOutcome[] = [];
  const failures: SweepFailure[] = [];
  for (const repo of repos) {
    try {
      await ctx.store.set(keys.repository(opts.workspace, repo.repoUuid), repo);
      const outcome = await reconcileRepository(ctx, repo, {
        since: opts.since,
        enqueue: opts.enqueue,
        reason: opts.reason,
        maxPages: opts.maxPages,
      });
      await refreshPipelinesConfig(ctx, repo, outcome.defaultBranchCommit);
      outcomes.push(outcome);
      opts.onRepo?.(repo, outcome);
      if (problems.get(repo.repoUuid)?.some((p) => p.stage === 'sweep'))
        await clearIngestionProblem(ctx.store, opts.workspace, repo.repoUuid, 'sweep');
    } catch (error) {
      const verdict = judgeJobError(error);
      if (verdict.kind === 'rate-limited') throw error;
      const why = error instanceof Error ? error.message : String(error);
      ctx.log.warn(`sweep of ${repo.fullName ?? repo.repoSlug} failed, the other repositories go on: ${why}`);
      await recordIngestionProblem(ctx.store, opts.workspace, repo.repoUuid, {
        at: ctx.now().toISOString(),
        stage: 'sweep',
        why,
      });
      failures.push({ repo, error, verdict });
    }
  }
  return { repos, outcomes, failures };
}

/**
 * After a sweep: a failure that is not a known dead end (401/403/404) is rethrown, so the scheduled run shows it as
 * failed; the first one is thrown, with how many there were.
 */
export function rethrowUnexpected(result: SweepResult): void {
  const unexpected = result.failures.filter((f) => f.verdict.kind !== 'final');
  const first = unexpected[0];
  if (!first) return;
  if (unexpected.length === 1) throw first.error;
  throw new AggregateError(
    unexpected.map((f) => f.error),
    `the sweep failed for ${unexpected.length} repositories: ${unexpected.map((f) => f.repo.repoSlug).join(', ')}`,
  );
}

/** Repositories recorded by earlier sweeps (bounded: one page per 100 repositories). */
export async function knownRepositories(
  ctx: Pick<ServiceContext, 'store'>,
  workspace: string,
): Promise<RepoRef[]> {
  const out: RepoRef[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.store.query(keys.repositoriesOf(workspace), { limit: 100, cursor });
    out.push(...page.items.map((i) => i.value));
    cursor = page.cursor;
  } while (cursor);
  return out;
}
