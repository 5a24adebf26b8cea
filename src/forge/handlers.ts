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
import { forgeContext, forgeLogger, pushJobs, resolveRepo, workspaceFromInstallContext, type IngestJobBody } from './runtime';

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

export async function ingestPipelineHandler(event: { body?: unknown }): Promise<InvocationError | void> {
  const body = event.body;
  if (!isJobBody(body)) {
    forgeLogger.warn('ingest job dropped: malformed body');
    return;
  }
  const ctx = forgeContext(body.workspaceUuid);
  try {
    const settings = await loadSettings(ctx, body.workspaceUuid);
    const repo = await resolveRepo(ctx, body.workspaceUuid, body.repoUuid);
    const job: IngestJob = { repo, pipelineUuid: body.pipelineUuid, buildNumber: body.buildNumber, reason: body.reason };
    await ingestPipeline(ctx, job, { retentionDays: settings.retentionDays, codeInsights: settings.codeInsights });
  } catch (error) {
    const verdict = judgeJobError(error);
    if (verdict.kind === 'rate-limited') {
      return new InvocationError({
        retryAfter: verdict.retryAfterSeconds ?? 60,
        retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
      });
    }
    if (verdict.kind === 'final') {
      forgeLogger.warn(`ingest job for repository ${body.repoUuid} given up: ${(error as Error).message}`);
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
      enqueue: async (jobs) =>
        pushJobs(
          jobs.map((j) => ({
            workspaceUuid,
            repoUuid: j.repo.repoUuid,
            ...(j.pipelineUuid ? { pipelineUuid: j.pipelineUuid } : {}),
            reason: 'reconcile',
          })),
        ),
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
