/**
 * The safety net that makes ingestion independent of events: list a repository's recent pipelines, newest run
 * first (`-run_creation_date`, so "rerun failed steps" brings a pipeline back to the top), and enqueue every
 * pipeline with completed work not recorded yet. A watermark remembers how far back everything is recorded, so an
 * idle sweep costs one API call per repository.
 */
import type { Pipeline, RepoRef } from '../domain/types';
import * as keys from '../storage/keys';
import type { ServiceContext } from './context';
import type { IngestJob } from './jobs';

export interface ReconcileOptions {
  /** Never look further back than this. */
  since: Date;
  enqueue: (jobs: IngestJob[]) => Promise<void>;
  reason: IngestJob['reason'];
  /** Cap on pages per sweep: a large backfill continues in the next sweep. */
  maxPages?: number;
  /** Continue a listing where an earlier, truncated one stopped (its `nextPageUrl`). */
  startPageUrl?: string;
}

export interface ReconcileOutcome {
  listed: number;
  enqueued: number;
  pages: number;
  /** Stopped at maxPages with older pipelines left to list. */
  truncated: boolean;
  /** Where the listing stopped when truncated: pass it as `startPageUrl` to go on. */
  nextPageUrl?: string;
  /** Commit of the newest listed default-branch pipeline: where `bitbucket-pipelines.yml` is read. */
  defaultBranchCommit?: string;
}

/** Events can lag by minutes: re-list this much before the watermark. */
const OVERLAP_MS = 60 * 60 * 1000;

const runTime = (p: Pipeline): string => p.runCreatedOn ?? p.createdOn;

export async function reconcileRepository(
  ctx: ServiceContext,
  repo: RepoRef,
  opts: ReconcileOptions,
): Promise<ReconcileOutcome> {
  const stateKey = keys.reconcileState(repo.repoUuid);
  const state = (await ctx.store.get(stateKey)) ?? {};
  // The watermark holds only as far back as the sweeps that made it listed: a sweep reaching further back (a
  // backfill, `sync --since` an older date) lists its whole window, skipping what is recorded by its cheap marker.
  const covered =
    state.watermark !== undefined &&
    state.coveredFrom !== undefined &&
    Date.parse(state.coveredFrom) <= opts.since.getTime();
  const floor = Math.max(
    opts.since.getTime(),
    covered && state.watermark ? Date.parse(state.watermark) - OVERLAP_MS : 0,
  );
  const outcome: ReconcileOutcome = { listed: 0, enqueued: 0, pages: 0, truncated: false };
  let pending: string | undefined; // oldest run time not known to be fully recorded
  let newest: string | undefined;
  let pageUrl: string | undefined = opts.startPageUrl;
  const maxPages = opts.maxPages ?? 50;

  for (;;) {
    const page = await ctx.client.listPipelinesPage(repo, {
      sort: '-run_creation_date',
      pagelen: 100,
      pageUrl,
    });
    outcome.pages += 1;
    const inWindow = page.pipelines.filter((p) => Date.parse(runTime(p)) >= floor);
    outcome.listed += inWindow.length;
    for (const p of inWindow) if (!newest || runTime(p) > newest) newest = runTime(p);
    outcome.defaultBranchCommit ??= inWindow.find(
      (p) =>
        p.target.commit &&
        p.target.pullRequestId === undefined &&
        p.target.refName === (repo.defaultBranch ?? 'main'),
    )?.target.commit;
    const jobs = await jobsFor(ctx, repo, inWindow, opts.reason);
    for (const p of inWindow) {
      const unfinished = p.status !== 'COMPLETED';
      if ((unfinished || jobs.some((j) => j.pipelineUuid === p.uuid)) && (!pending || runTime(p) < pending))
        pending = runTime(p);
    }
    if (jobs.length) await opts.enqueue(jobs);
    outcome.enqueued += jobs.length;
    const reachedFloor = inWindow.length < page.pipelines.length;
    if (reachedFloor || !page.next) break;
    if (outcome.pages >= maxPages) {
      outcome.truncated = true;
      outcome.nextPageUrl = page.next;
      break;
    }
    pageUrl = page.next;
  }
  // Only a listing from the newest pipeline down to its floor, in one go, may move the watermark.
  if (!outcome.truncated && !opts.startPageUrl) {
    const watermark = pending ?? newest ?? state.watermark;
    const coveredFrom = covered ? state.coveredFrom : opts.since.toISOString();
    await ctx.store.set(stateKey, {
      watermark,
      ...(coveredFrom ? { coveredFrom } : {}),
      lastSweepAt: ctx.now().toISOString(),
    });
  } else if (!opts.startPageUrl) {
    await ctx.store.set(stateKey, { ...state, lastSweepAt: ctx.now().toISOString() });
  }
  return outcome;
}

/**
 * Pipelines worth a job: completed and not fully recorded at this run number, or running or paused (once per run:
 * the steps that finished so far are recorded).
 */
async function jobsFor(
  ctx: ServiceContext,
  repo: RepoRef,
  pipelines: Pipeline[],
  reason: IngestJob['reason'],
): Promise<IngestJob[]> {
  const jobs: IngestJob[] = [];
  for (let i = 0; i < pipelines.length; i += 25) {
    const batch = pipelines.slice(i, i + 25);
    const seen = await ctx.store.getMany(batch.map((p) => keys.pipelineSeen(repo.repoUuid, p.uuid)));
    for (const p of batch) {
      const s = seen.get(keys.pipelineSeen(repo.repoUuid, p.uuid));
      const done = s?.complete && s.runNumber === p.runNumber;
      // A running or paused pipeline may already hold finished steps: they are read once per run (its steps that
      // finish later are read when it completes), since a failed attempt can be replaced by "Rerun failed steps"
      // soon after the pipeline completes, before a sweep sees it completed.
      const worth =
        p.status === 'COMPLETED' ? !done : p.status === 'IN_PROGRESS' && s?.runNumber !== p.runNumber;
      if (worth) jobs.push({ repo, pipelineUuid: p.uuid, listed: p, reason });
    }
  }
  return jobs;
}
