/**
 * Forge entry points, built from the platform port (src/forge/platform.ts) so that tests drive these very handlers
 * over the Forge fakes. Triggers (≤ 25 s) only decide and enqueue; the consumer ingests; the hourly sweep
 * reconciles. A body that is not a job is dropped with a clear line (the sweep finds its pipeline anyway); a rate
 * limit or a spent budget goes back to Forge as an `InvocationError` with `retryAfter`, a passing failure too; a
 * known dead end is logged, recorded for the admin page and not retried; anything unexpected is rethrown so Forge
 * records it and retries.
 */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { daysAgo } from '../domain/time';
import { countBackfilledPipeline, runBackfillChunk } from '../services/backfill';
import type { ServiceContext } from '../services/context';
import { decideBuildStatus, decideDeployment, type EventDecision } from '../services/events';
import { ingestPipeline } from '../services/ingest-pipeline';
import { recordIngestionProblem } from '../services/ingestion-problems';
import { judgeJobError } from '../services/job-errors';
import { detectorConfigFor } from '../services/settings';
import { loadSettings, rethrowUnexpected, sweepWorkspace } from '../services/sweep';
import * as keys from '../storage/keys';
import type { ForgePlatform } from './platform';
import { parseQueueBody, type IngestJob, type IngestJobBody } from '../services/jobs';
import { exportIsOn } from '../services/export/export-journal';
import {
  backfillQueues,
  ingestBodies,
  invocation,
  pushJobs,
  resolveRepo,
  workspaceFromInstallContext,
} from './runtime';

interface ForgeEventContext {
  installContext?: string;
}

export interface ForgeHandlers {
  onBuildStatus(event: unknown, context?: ForgeEventContext): Promise<void>;
  onDeployment(event: unknown, context?: ForgeEventContext): Promise<void>;
  /** The consumer of the "ingest" queue: ingest jobs, and the chunks of a backfill. */
  ingestPipeline(event: { body?: unknown }): Promise<InvocationError | void>;
  reconcile(event: unknown, context?: ForgeEventContext): Promise<void>;
}

export function createForgeHandlers(platform: ForgePlatform): ForgeHandlers {
  const log = platform.log;

  async function enqueueDecision(
    decision: EventDecision,
    context: ForgeEventContext | undefined,
  ): Promise<void> {
    if (decision.kind === 'skip') {
      log.info(`event skipped: ${decision.reason}`);
      return;
    }
    const workspaceUuid = decision.job.workspaceUuid ?? workspaceFromInstallContext(context?.installContext);
    await pushJobs(platform, [
      {
        workspaceUuid,
        repoUuid: decision.job.repoUuid,
        ...(decision.job.pipelineUuid ? { pipelineUuid: decision.job.pipelineUuid } : {}),
        ...(decision.job.buildNumber !== undefined ? { buildNumber: decision.job.buildNumber } : {}),
        reason: decision.job.pipelineUuid ? 'deployment' : 'build-status',
      },
    ]);
  }

  /**
   * One job in one invocation: rate limits and passing failures go back to Forge with their wait, a known dead end
   * is logged and handed to `onFinal`, the rest is rethrown. The invocation's unspent API calls are handed back.
   */
  async function settle(
    workspaceUuid: string,
    what: string,
    run: (ctx: ServiceContext) => Promise<unknown>,
    onFinal?: (ctx: ServiceContext, why: string) => Promise<void>,
  ): Promise<InvocationError | void> {
    const { ctx, done } = invocation(platform, workspaceUuid);
    try {
      await run(ctx);
    } catch (error) {
      const verdict = judgeJobError(error);
      const why = error instanceof Error ? error.message : String(error);
      switch (verdict.kind) {
        case 'rate-limited':
          return new InvocationError({
            retryAfter: verdict.retryAfterSeconds ?? 60,
            retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
          });
        case 'transient':
          return new InvocationError({
            retryAfter: verdict.retryAfterSeconds ?? 10,
            retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
          });
        case 'final':
          log.warn(`${what} given up: ${why}`);
          await onFinal?.(ctx, why);
          return;
        case 'unexpected':
          throw error;
      }
    } finally {
      await done();
    }
  }

  /** A job given up for good: shown on the admin page, and its listed run not queued again by the sweep. */
  async function giveUp(ctx: ServiceContext, body: IngestJobBody, why: string): Promise<void> {
    const problem = { at: ctx.now().toISOString(), stage: 'ingest' as const, why };
    const buildNumber = body.pipeline?.buildNumber ?? body.buildNumber;
    await recordIngestionProblem(ctx.store, body.workspaceUuid, body.repoUuid, {
      ...problem,
      ...(buildNumber ? { buildNumber } : {}),
    });
    if (body.pipeline) {
      const seen = { runNumber: body.pipeline.runNumber, complete: true, steps: {}, gaveUp: why };
      await ctx.store.set(keys.pipelineSeen(body.repoUuid, body.pipeline.uuid), seen, {
        ttlSeconds: 30 * 86_400,
      });
    }
  }

  async function ingestJob(ctx: ServiceContext, body: IngestJobBody): Promise<void> {
    const settings = await loadSettings(ctx, body.workspaceUuid);
    const repo = await resolveRepo(ctx, body.workspaceUuid, body.repoUuid);
    const job: IngestJob = {
      repo,
      reason: body.reason,
      ...(body.pipelineUuid ? { pipelineUuid: body.pipelineUuid } : {}),
      ...(body.buildNumber !== undefined ? { buildNumber: body.buildNumber } : {}),
      ...(body.pipeline ? { listed: body.pipeline } : {}),
    };
    const exportJournal = await exportIsOn(ctx.store, body.workspaceUuid);
    const outcome = await ingestPipeline(ctx, job, {
      retentionDays: settings.retentionDays,
      codeInsights: settings.codeInsights,
      detector: detectorConfigFor(settings),
      exportJournal,
    });
    // A backfill's job is done whoever recorded the pipeline (this job, or an event before it): counted once.
    if (job.reason === 'backfill') {
      await countBackfilledPipeline(ctx, body.workspaceUuid, body.repoUuid, outcome.pipelineUuid);
    }
  }

  return {
    onBuildStatus: (event, context) => enqueueDecision(decideBuildStatus(event), context),
    onDeployment: (event, context) => enqueueDecision(decideDeployment(event), context),

    async ingestPipeline(event) {
      const parsed = parseQueueBody(event.body);
      switch (parsed.kind) {
        case 'malformed':
          log.warn(
            `ingest job dropped, its body is not a job (${parsed.why}); the hourly sweep finds its pipeline`,
          );
          return;
        case 'backfill': {
          const b = parsed.body;
          const queues = backfillQueues(platform, b.workspaceUuid);
          return settle(b.workspaceUuid, `backfill of repository ${b.chunk.repoUuid}`, (ctx) =>
            runBackfillChunk(ctx, b.workspaceUuid, b.chunk, queues),
          );
        }
        case 'ingest': {
          const b = parsed.body;
          return settle(
            b.workspaceUuid,
            `ingest job for repository ${b.repoUuid}`,
            (ctx) => ingestJob(ctx, b),
            (ctx, why) => giveUp(ctx, b, why),
          );
        }
      }
    },

    async reconcile(_event, context) {
      const workspaceUuid = workspaceFromInstallContext(context?.installContext);
      const { ctx, done } = invocation(platform, workspaceUuid);
      try {
        const settings = await loadSettings(ctx, workspaceUuid);
        const result = await sweepWorkspace(ctx, {
          workspace: workspaceUuid,
          since: daysAgo(ctx.now(), Math.min(settings.retentionDays, 30)),
          reason: 'reconcile',
          enqueue: (jobs) => pushJobs(platform, ingestBodies(workspaceUuid, jobs)),
        });
        rethrowUnexpected(result);
      } catch (error) {
        // The budget is spent for this hour: the next hourly sweep continues where the watermark stopped.
        if (judgeJobError(error).kind !== 'rate-limited') throw error;
        log.warn('reconcile deferred: API budget spent for this hour');
      } finally {
        await done();
      }
    },
  };
}
