/**
 * Forge entry points: thin. Triggers (≤ 25 s) only decide and enqueue; the consumer ingests; the hourly sweep
 * reconciles. Expected conditions become a log line or an InvocationError with retryAfter; anything unexpected is
 * rethrown so Forge records it and retries.
 */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { daysAgo } from '../domain/time';
import { decideBuildStatus, decideDeployment, type EventDecision } from '../services/events';
import { ingestPipeline, type IngestJob } from '../services/ingest-pipeline';
import { judgeJobError } from '../services/job-errors';
import { loadSettings, sweepWorkspace } from '../services/sweep';
import { runBackfillChunk } from '../services/backfill';
import { exportIsOn } from '../services/export/export-journal';
import {
  backfillQueues,
  forgeContext,
  forgeLogger,
  ingestBodies,
  pushJobs,
  resolveRepo,
  workspaceFromInstallContext,
  type BackfillJobBody,
  type IngestJobBody,
} from './runtime';

interface ForgeEventContext {
  installContext?: string;
}

async function enqueueDecision(decision: EventDecision, context: ForgeEventContext | undefined): Promise<void> {
  if (decision.kind === 'skip') {
    forgeLogger.info(`event skipped: ${decision.reason}`);
    return;
  }
  const workspaceUuid = decision.job.workspaceUuid ?? workspaceFromInstallContext(context?.installContext);
  await pushJobs([
    {
      workspaceUuid,
      repoUuid: decision.job.repoUuid,
      ...(decision.job.pipelineUuid ? { pipelineUuid: decision.job.pipelineUuid } : {}),
      ...(decision.job.buildNumber !== undefined ? { buildNumber: decision.job.buildNumber } : {}),
      reason: decision.job.pipelineUuid ? 'deployment' : 'build-status',
    },
  ]);
}

export async function onBuildStatus(event: unknown, context?: ForgeEventContext): Promise<void> {
  await enqueueDecision(decideBuildStatus(event), context);
}

export async function onDeployment(event: unknown, context?: ForgeEventContext): Promise<void> {
  await enqueueDecision(decideDeployment(event), context);
}

function isJobBody(body: unknown): body is IngestJobBody {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.workspaceUuid === 'string' && typeof b.repoUuid === 'string' && (typeof b.pipelineUuid === 'string' || typeof b.buildNumber === 'number');
}

function isBackfillBody(body: unknown): body is BackfillJobBody {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  const chunk = b.chunk as Record<string, unknown> | undefined;
  return (
    b.kind === 'backfill' &&
    typeof b.workspaceUuid === 'string' &&
    typeof chunk === 'object' && chunk !== null &&
    typeof chunk.repoUuid === 'string' && typeof chunk.since === 'string' && typeof chunk.startedAt === 'string' && typeof chunk.chunk === 'number'
  );
}

/** The consumer of the "ingest" queue: ingest jobs, and the chunks of a backfill. */
export async function ingestPipelineHandler(event: { body?: unknown }): Promise<InvocationError | void> {
  const body = event.body;
  if (isBackfillBody(body)) {
    const ctx = forgeContext(body.workspaceUuid);
    return settleJob(`backfill of repository ${body.chunk.repoUuid}`, () => runBackfillChunk(ctx, body.workspaceUuid, body.chunk, backfillQueues(body.workspaceUuid)));
  }
  if (!isJobBody(body)) {
    forgeLogger.warn('ingest job dropped: malformed body');
    return;
  }
  const ctx = forgeContext(body.workspaceUuid);
  return settleJob(`ingest job for repository ${body.repoUuid}`, async () => {
    const settings = await loadSettings(ctx, body.workspaceUuid);
    const repo = await resolveRepo(ctx, body.workspaceUuid, body.repoUuid);
    const job: IngestJob = { repo, pipelineUuid: body.pipelineUuid, buildNumber: body.buildNumber, reason: body.reason };
    const exportJournal = await exportIsOn(ctx.store, body.workspaceUuid);
    await ingestPipeline(ctx, job, { retentionDays: settings.retentionDays, codeInsights: settings.codeInsights, workspace: body.workspaceUuid, exportJournal });
  });
}

/** Rate limits go back to Forge with retryAfter, known dead ends are logged and dropped, the rest is rethrown. */
async function settleJob(what: string, run: () => Promise<void>): Promise<InvocationError | void> {
  try {
    await run();
  } catch (error) {
    const verdict = judgeJobError(error);
    if (verdict.kind === 'rate-limited') {
      return new InvocationError({
        retryAfter: verdict.retryAfterSeconds ?? 60,
        retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
      });
    }
    if (verdict.kind === 'final') {
      forgeLogger.warn(`${what} given up: ${(error as Error).message}`);
      return;
    }
    throw error;
  }
}

export async function reconcileHandler(_event: unknown, context?: ForgeEventContext): Promise<void> {
  const workspaceUuid = workspaceFromInstallContext(context?.installContext);
  const ctx = forgeContext(workspaceUuid);
  const settings = await loadSettings(ctx, workspaceUuid);
  try {
    await sweepWorkspace(ctx, {
      workspace: workspaceUuid,
      since: daysAgo(ctx.now(), Math.min(settings.retentionDays, 30)),
      reason: 'reconcile',
      enqueue: (jobs) => pushJobs(ingestBodies(workspaceUuid, jobs)),
    });
  } catch (error) {
    // The budget is spent for this hour: the next hourly sweep continues where the watermark stopped.
    if (judgeJobError(error).kind === 'rate-limited') {
      forgeLogger.warn('reconcile deferred: API budget spent for this hour');
      return;
    }
    throw error;
  }
}
