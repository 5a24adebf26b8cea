/**
 * The jobs of ingestion and what carries them on the "ingest" queue. A job is the service's view (the repository,
 * the pipeline's ids or its listing, why it exists); its queue body is validated when it comes back: Forge hands the
 * consumer whatever body was pushed, so a body is parsed like any input from outside. An ingest job carries ids and, from a sweep or a
 * backfill, the pipeline as the listing returned it (so the consumer does not fetch it again); a backfill chunk
 * carries where its listing goes on.
 */
import { z } from 'zod';
import type { Pipeline, RepoRef } from '../domain/types';

export interface IngestJob {
  repo: RepoRef;
  /** Known from deployment events and listings. */
  pipelineUuid?: string;
  /** Known from build-status events, which carry only the build number in their URL. */
  buildNumber?: number;
  /**
   * The pipeline as a listing returned it (reconcile, backfill): the same fields a `GET` of it answers, so the job
   * does not fetch it again. Its steps are always read fresh.
   */
  listed?: Pipeline;
  /** Why the job exists: for logs and benchmarks only. */
  reason: 'build-status' | 'deployment' | 'reconcile' | 'sync' | 'backfill';
}

/** One chunk of a backfill's listing of one repository. */
export interface BackfillChunk {
  repoUuid: string;
  /** ISO date: list pipelines from here to now. */
  since: string;
  /** 0 for the first chunk of a repository. */
  chunk: number;
  pageUrl?: string;
  /** The backfill this chunk belongs to (its start time): a chunk of an older backfill changes nothing. */
  startedAt: string;
}

const text = z.string().min(1);
const optionalText = z.string().optional();

const pipelineBody = z.object({
  uuid: text,
  buildNumber: z.number().int().positive(),
  runNumber: z.number().int().positive(),
  status: z.enum(['PENDING', 'IN_PROGRESS', 'COMPLETED', 'UNKNOWN']),
  result: z.enum(['SUCCESSFUL', 'FAILED', 'ERROR', 'STOPPED', 'EXPIRED', 'UNKNOWN']).optional(),
  stage: optionalText,
  target: z.object({
    refType: optionalText,
    refName: optionalText,
    commit: optionalText,
    selectorType: optionalText,
    selectorPattern: optionalText,
    pullRequestId: z.number().int().positive().optional(),
    sourceBranch: optionalText,
    destinationBranch: optionalText,
  }),
  triggerType: optionalText,
  createdOn: text,
  runCreatedOn: optionalText,
  completedOn: optionalText,
  durationSeconds: z.number().optional(),
  buildSecondsUsed: z.number().optional(),
  errorKey: optionalText,
  errorMessage: optionalText,
}) satisfies z.ZodType<Pipeline>;

export const ingestJobBody = z
  .object({
    workspaceUuid: text,
    repoUuid: text,
    pipelineUuid: optionalText,
    buildNumber: z.number().int().positive().optional(),
    pipeline: pipelineBody.optional(),
    reason: z.enum(['build-status', 'deployment', 'reconcile', 'sync', 'backfill']),
  })
  .refine(
    (b) => b.pipelineUuid !== undefined || b.buildNumber !== undefined,
    'a pipeline uuid or a build number',
  );
export type IngestJobBody = z.infer<typeof ingestJobBody>;

export const backfillJobBody = z.object({
  kind: z.literal('backfill'),
  workspaceUuid: text,
  repoUuid: text,
  chunk: z.object({
    repoUuid: text,
    since: text,
    chunk: z.number().int().nonnegative(),
    pageUrl: optionalText,
    startedAt: text,
  }) satisfies z.ZodType<BackfillChunk>,
});
export type BackfillJobBody = z.infer<typeof backfillJobBody>;

type ParsedBody =
  | { kind: 'ingest'; body: IngestJobBody }
  | { kind: 'backfill'; body: BackfillJobBody }
  | { kind: 'malformed'; why: string };

/** Either body, or why the body is neither (zod's issue paths and messages only: never the values). */
export function parseQueueBody(body: unknown): ParsedBody {
  if (typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'backfill') {
    const parsed = backfillJobBody.safeParse(body);
    return parsed.success ? { kind: 'backfill', body: parsed.data } : malformed(parsed.error);
  }
  const parsed = ingestJobBody.safeParse(body);
  return parsed.success ? { kind: 'ingest', body: parsed.data } : malformed(parsed.error);
}

function malformed(error: z.ZodError): ParsedBody {
  const why = error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
  return { kind: 'malformed', why };
}

/** The queue body of an ingest job: ids, and the listed pipeline when there is one. */
export function ingestBody(workspaceUuid: string, job: IngestJob): IngestJobBody {
  return {
    workspaceUuid,
    repoUuid: job.repo.repoUuid,
    ...(job.pipelineUuid ? { pipelineUuid: job.pipelineUuid } : {}),
    ...(job.buildNumber !== undefined ? { buildNumber: job.buildNumber } : {}),
    ...(job.listed ? { pipeline: job.listed } : {}),
    reason: job.reason,
  };
}
