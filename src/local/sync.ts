/**
 * `sync`: one sweep of a workspace through the same services as the Forge reconcile job and consumer, with a local
 * queue in place of Forge's. Incremental: what is recorded is never fetched again, so an idle second sync costs
 * about one API call per repository.
 */
import { SingleBar, Presets } from 'cli-progress';
import { judgeJobError } from '../services/job-errors';
import { ingestPipeline } from '../services/ingest-pipeline';
import type { IngestJob } from '../services/jobs';
import { detectorConfigFor } from '../services/settings';
import { loadSettings, sweepWorkspace, type SweepFailure } from '../services/sweep';
import { exportIsOn } from '../services/export/export-journal';
import { LocalQueue, type QueueFailure } from './local-queue';
import type { LocalRuntime } from './runtime';

export interface SyncOptions {
  workspace: string;
  repoSlugs?: string[];
  since: Date;
  /** Show a progress bar (on a terminal); plain lines otherwise. */
  progress: boolean;
  concurrency?: number;
  out?: NodeJS.WritableStream;
}

export interface SyncStats {
  apiCalls: number;
  apiRetries: number;
  pipelines: number;
  attempts: number;
  /** Code Insights reports published on pull-request commits. */
  reports: number;
  storage: { reads: number; writes: number; bytesWritten: number };
}

export interface SyncResult {
  stats: SyncStats;
  repos: string[];
  failures: QueueFailure<IngestJob>[];
  /** Repositories the sweep could not list; the others were synced. */
  repoFailures: SweepFailure[];
}

export async function runSync(rt: LocalRuntime, opts: SyncOptions): Promise<SyncResult> {
  const out = opts.out ?? process.stderr;
  const settings = await loadSettings(rt, opts.workspace);
  const exportJournal = await exportIsOn(rt.store, opts.workspace);
  let pipelines = 0;
  let attempts = 0;
  let reports = 0;
  const bar = opts.progress
    ? new SingleBar(
        { format: ' {bar} {value}/{total} pipelines | {repo}', hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  let currentRepo = '';
  const queue = new LocalQueue<IngestJob>({
    concurrency: opts.concurrency ?? 2,
    handler: async (job) => {
      const outcome = await ingestPipeline(rt, job, {
        retentionDays: settings.retentionDays,
        codeInsights: settings.codeInsights,
        detector: detectorConfigFor(settings),
        exportJournal,
      });
      pipelines += 1;
      attempts += outcome.attemptsRecorded;
      if (outcome.insights?.kind === 'published') reports += 1;
    },
    classify: (error) => {
      const verdict = judgeJobError(error);
      return verdict.kind === 'final' || verdict.kind === 'unexpected'
        ? {}
        : { retryAfterSeconds: verdict.retryAfterSeconds };
    },
    maxWaitSeconds: 30,
    onDone: () => bar?.increment(1, { repo: currentRepo }),
  });

  // Listings come newest first; ingesting oldest first keeps each step's timeline in history order from the start,
  // so a window longer than the timeline keeps its newest attempts in it (verdicts do not depend on the order).
  const listed: IngestJob[] = [];
  const { repos, failures: repoFailures } = await sweepWorkspace(rt, {
    workspace: opts.workspace,
    repoSlugs: opts.repoSlugs,
    since: opts.since,
    reason: 'sync',
    // No time limit here: list the whole window (the Forge sweep lists 50 pages an hour).
    maxPages: 10_000,
    enqueue: async (jobs) => {
      listed.push(...jobs);
    },
    onRepo: (repo, outcome) => {
      if (!bar)
        out.write(
          `${repo.fullName ?? repo.repoSlug}: ${outcome.listed} pipelines listed, ${outcome.enqueued} to ingest\n`,
        );
    },
  });
  queue.push(listed.reverse());
  if (bar) {
    currentRepo = repos.map((r) => r.repoSlug).join(', ');
    bar.start(queue.size, 0, { repo: currentRepo });
  }
  const failures = await queue.drain();
  bar?.stop();
  const client = rt.client.stats;
  const storage = rt.store.stats();
  return {
    repos: repos.map((r) => r.repoSlug),
    failures,
    repoFailures,
    stats: {
      apiCalls: client.calls,
      apiRetries: client.retries,
      pipelines,
      attempts,
      reports,
      storage: { reads: storage.reads, writes: storage.writes, bytesWritten: storage.bytesWritten },
    },
  };
}
