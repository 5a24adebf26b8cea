/**
 * The export batch: what the app sends to the history backend, version 1. The app builds it (src/services/export),
 * the receiver validates it (after the signature), the worker maps it to rows. Names, slugs and build numbers are
 * carried exactly as Bitbucket gives them; times are ISO-8601 (UTC); UUIDs bare and lower case.
 *
 * A batch is at most MAX_BATCH_BYTES of JSON (an SQS message holds 256 KiB). Its `id` is also the Standard Webhooks
 * `webhook-id`: the receiver applies a batch id once.
 */
import { z } from 'zod';

export const BATCH_SCHEMA_VERSION = 1;
export const MAX_BATCH_BYTES = 200_000;

const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a bare lower-case UUID');
const time = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative();
const text = (max: number) => z.string().max(max);

export const repositoryRecord = z.object({
  type: z.literal('repository'),
  uuid,
  workspace: text(200).min(1),
  slug: text(200).min(1),
  fullName: text(400).optional(),
  defaultBranch: text(400).optional(),
});

/** One pipeline (the latest recorded run of it): `pipelines` holds one row per pipeline uuid. */
export const pipelineRecord = z.object({
  type: z.literal('pipeline'),
  repositoryUuid: uuid,
  uuid,
  buildNumber: z.number().int().positive(),
  runNumber: z.number().int().positive(),
  result: text(40).min(1),
  commit: text(80).optional(),
  branch: text(400).optional(),
  isDefaultBranch: z.boolean(),
  pullRequestId: z.number().int().positive().optional(),
  createdOn: time,
  completedOn: time.optional(),
  durationSeconds: seconds.optional(),
  buildSecondsUsed: seconds.optional(),
  deployed: z.boolean(),
});

export const testCounts = z.object({
  total: count,
  successful: count,
  failed: count,
  error: count,
  skipped: count,
});

export const failedTest = z.object({
  /** The app's stable id of the test within its step (hash of the normalised name). */
  id: text(64).min(1),
  /** As Bitbucket reported it (at most 2,000 characters, Bitbucket's own field limit). */
  name: text(2000).min(1),
  status: z.enum(['FAILED', 'ERROR']),
  durationSeconds: seconds.optional(),
  message: text(2000).optional(),
});

/** One step attempt: (pipeline uuid, step uuid, run number). */
export const stepAttemptRecord = z.object({
  type: z.literal('step-attempt'),
  repositoryUuid: uuid,
  pipelineUuid: uuid,
  buildNumber: z.number().int().positive(),
  stepUuid: uuid,
  stepName: text(400).min(1),
  runNumber: z.number().int().positive(),
  isRerun: z.boolean(),
  result: text(40).min(1),
  commit: text(80).optional(),
  branch: text(400).optional(),
  isDefaultBranch: z.boolean(),
  pipelineCreatedOn: time,
  startedOn: time.optional(),
  completedOn: time,
  durationSeconds: seconds.optional(),
  queueSeconds: seconds.optional(),
  buildSecondsUsed: seconds.optional(),
  sizeMultiplier: z.number().positive(),
  category: text(40).optional(),
  cause: text(40).optional(),
  fingerprint: text(64).optional(),
  message: text(2000).optional(),
  tests: testCounts.optional(),
  failedTests: z.array(failedTest).max(1000),
  /** Failed tests counted but not named (beyond what the app keeps per attempt). */
  failedTestsOmitted: count,
});

export const classification = z.enum(['flaky', 'broken', 'fixed', 'healthy']);

export const evidenceItem = z.object({
  kind: text(40),
  detail: text(600),
  commit: text(80).optional(),
  pipeline: z.number().int().positive().optional(),
  attempt: z.number().int().positive().optional(),
  at: time.optional(),
});

/** A test's verdict changed: the label it has now, since when, and why. */
export const verdictRecord = z.object({
  type: z.literal('test-verdict'),
  repositoryUuid: uuid,
  testId: text(64).min(1),
  name: text(2000).min(1),
  step: text(400).min(1),
  classification,
  previous: classification,
  /** When the new label began (broken since, flaky since, fixed at), or when the export saw it end (healthy). */
  changedAt: time,
  score: z.number().min(0).max(1),
  evidence: z.array(evidenceItem).max(20),
});

export const suggestionRecord = z.object({
  type: z.literal('suggestion'),
  repositoryUuid: uuid,
  id: text(120).min(1),
  kind: text(60).min(1),
  title: text(600),
  detail: text(4000),
  priority: z.enum(['high', 'medium', 'low']),
  status: z.enum(['open', 'in-progress', 'done', 'dismissed']),
  /** The app no longer makes this suggestion (its cause went away). */
  active: z.boolean(),
  statusChangedAt: time,
  changedBy: text(200).optional(),
  minutesPerWeek: seconds.optional(),
  buildMinutesPerWeek: seconds.optional(),
  failedPipelinesPerWeek: seconds.optional(),
  subject: text(2000).optional(),
});

export const quarantineRecord = z.object({
  type: z.literal('quarantine'),
  repositoryUuid: uuid,
  testId: text(64).min(1),
  name: text(2000).min(1),
  quarantined: z.boolean(),
  changedAt: time,
  changedBy: text(200).optional(),
});

export const exportRecord = z.discriminatedUnion('type', [
  repositoryRecord,
  pipelineRecord,
  stepAttemptRecord,
  verdictRecord,
  suggestionRecord,
  quarantineRecord,
]);

export const exportBatch = z
  .object({
    schemaVersion: z.literal(BATCH_SCHEMA_VERSION),
    id: z
      .string()
      .regex(
        /^[A-Za-z0-9_.-]{8,100}$/,
        'a batch id of 8 to 100 letters, digits, dots, dashes or underscores',
      ),
    workspace: text(200).min(1),
    createdAt: time,
    /** A test batch from the admin page: verified and answered, never written. */
    test: z.boolean().optional(),
    records: z.array(exportRecord).max(5000),
  })
  .strict()
  .superRefine((batch, ctx) => {
    const repos = new Set(batch.records.flatMap((r) => (r.type === 'repository' ? [r.uuid] : [])));
    batch.records.forEach((r, i) => {
      if (r.type !== 'repository' && !repos.has(r.repositoryUuid)) {
        ctx.addIssue({
          code: 'custom',
          path: ['records', i, 'repositoryUuid'],
          message: 'the batch must carry this repository',
        });
      }
    });
  });

export type RepositoryRecord = z.infer<typeof repositoryRecord>;
export type PipelineRecord = z.infer<typeof pipelineRecord>;
export type StepAttemptRecord = z.infer<typeof stepAttemptRecord>;
export type VerdictRecord = z.infer<typeof verdictRecord>;
export type SuggestionRecord = z.infer<typeof suggestionRecord>;
export type QuarantineRecord = z.infer<typeof quarantineRecord>;
export type ExportRecord = z.infer<typeof exportRecord>;
export type ExportBatch = z.infer<typeof exportBatch>;
export type Classification = z.infer<typeof classification>;

/** Why a batch was refused: a clear message naming the fields, never the values (they hold names). */
export class BatchSchemaError extends Error {
  constructor(readonly issues: string[]) {
    super(
      `invalid batch: ${issues.slice(0, 10).join('; ')}${issues.length > 10 ? ` (and ${issues.length - 10} more)` : ''}`,
    );
    this.name = 'BatchSchemaError';
  }
}

/** Parses and validates a batch body (JSON text). Throws BatchSchemaError. */
export function parseBatch(body: string): ExportBatch {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new BatchSchemaError(['the body is not JSON']);
  }
  const parsed = exportBatch.safeParse(json);
  if (!parsed.success) {
    throw new BatchSchemaError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'batch'}: ${i.message}`),
    );
  }
  return parsed.data;
}
