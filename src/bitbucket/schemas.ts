/**
 * Zod schemas of the raw Bitbucket Cloud REST API 2.0 objects the app reads. Lenient on purpose: unknown fields are
 * ignored, fields a `fields=` filter may drop are optional, and shapes that vary between captures are unions
 * (`max_time`/`maxTime`, `selector.type` as a string or `{ type }`, PR branches as a string or an object).
 * Only what the mappers cannot do without is required. Sources: PLATFORM.md and the captures in
 * test/fixtures/bitbucket/.
 */
import { z } from 'zod';
import { isUuid } from '../domain/uuid';

export const uuidString = z.string().refine(isUuid, { message: 'not a UUID' });
export const timestamp = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not a timestamp' });

/** `{ name, type }` pairs used by states, stages and results; `result: {}` appears on pending steps. */
const apiError = z.object({ key: z.string().optional(), message: z.string().optional() });

/** ERROR results carry `error { key, message }` inside the result. */
const namedState = z.object({
  name: z.string().optional(),
  type: z.string().optional(),
  error: apiError.nullish(),
});

/** A PR branch: `"feature/x"`, `{ name }` or `{ branch: { name } }` depending on where it appears. */
export const apiBranchRef = z.union([
  z.string(),
  z.object({ name: z.string().optional(), branch: z.object({ name: z.string().optional() }).optional() }),
]);

export const apiPipelineTarget = z.object({
  type: z.string().optional(),
  ref_type: z.string().nullish(),
  ref_name: z.string().nullish(),
  commit: z.object({ hash: z.string() }).nullish(),
  selector: z
    .object({
      type: z.union([z.string(), z.object({ type: z.string() })]).optional(),
      pattern: z.string().nullish(),
    })
    .nullish(),
  pullrequest: z
    .object({
      id: z.number().int().optional(),
      source: apiBranchRef.optional(),
      destination: apiBranchRef.optional(),
    })
    .nullish(),
  source: apiBranchRef.nullish(),
  destination: apiBranchRef.nullish(),
});

export const apiPipeline = z.object({
  uuid: uuidString,
  build_number: z.number().int().nonnegative(),
  run_number: z.number().int().positive().optional(),
  state: z.object({ name: z.string(), stage: namedState.nullish(), result: namedState.nullish() }),
  target: apiPipelineTarget.nullish(),
  trigger: z.object({ name: z.string().optional(), type: z.string().optional() }).nullish(),
  created_on: timestamp,
  run_creation_date: timestamp.nullish(),
  completed_on: timestamp.nullish(),
  duration_in_seconds: z.number().nonnegative().nullish(),
  build_seconds_used: z.number().nonnegative().nullish(),
  error: apiError.nullish(),
});

export const apiStep = z.object({
  uuid: uuidString,
  name: z.string().optional(),
  pipeline: z.object({ uuid: uuidString }).optional(),
  run_number: z.number().int().positive().optional(),
  state: z.object({ name: z.string(), stage: namedState.nullish(), result: namedState.nullish() }),
  trigger: z.object({ type: z.string().optional() }).nullish(),
  started_on: timestamp.nullish(),
  completed_on: timestamp.nullish(),
  duration_in_seconds: z.number().nonnegative().nullish(),
  build_seconds_used: z.number().nonnegative().nullish(),
  maxTime: z.number().positive().nullish(),
  max_time: z.number().positive().nullish(),
  image: z.union([z.string(), z.object({ name: z.string().optional() })]).nullish(),
  size: z.union([z.string(), z.number()]).nullish(),
  error: apiError.nullish(),
});

const count = z.number().int().nonnegative();

/** `GET .../steps/{step}/test_reports`. Counts other than the total may be left out when zero (unverified). */
export const apiTestReportSummary = z.object({
  number_of_test_cases: count,
  number_of_successful_test_cases: count.optional(),
  number_of_failed_test_cases: count.optional(),
  number_of_error_test_cases: count.optional(),
  number_of_skipped_test_cases: count.optional(),
});

/** `GET .../test_reports/test_cases` items. Status values and paging are unverified (PLATFORM.md). */
export const apiTestCase = z.object({
  uuid: uuidString.optional(),
  name: z.string().optional(),
  fully_qualified_name: z.string().nullish(),
  package_name: z.string().nullish(),
  status: z.string(),
  duration: z.string().nullish(),
});

/**
 * `GET .../test_cases/{uuid}/test_case_reasons`: shape unverified. Read a single reason object or a page of them,
 * whichever arrives.
 */
const apiReason = z.object({ message: z.string().nullish(), stack_trace: z.string().nullish() });
export const apiTestCaseReasons = z.union([z.object({ values: z.array(apiReason) }), apiReason]);

export const apiRepository = z.object({
  uuid: uuidString,
  slug: z.string().optional(),
  full_name: z.string().optional(),
  mainbranch: z.object({ name: z.string() }).nullish(),
  workspace: z.object({ uuid: uuidString.optional(), slug: z.string().optional() }).nullish(),
});

export const apiPipelineVariable = z.object({
  uuid: uuidString,
  key: z.string(),
  value: z.string().nullish(),
  secured: z.boolean().optional(),
});

/** Any paged list: items are validated one by one by their mapper, so an error names the item. */
export const apiPage = z.object({
  values: z.array(z.unknown()),
  next: z.string().optional(),
});

/** Error bodies: `{ "type": "error", "error": { "message": ... } }`. */
export const apiErrorBody = z.object({ error: z.object({ message: z.string() }) });

export type ApiPipeline = z.infer<typeof apiPipeline>;
export type ApiPipelineTarget = z.infer<typeof apiPipelineTarget>;
export type ApiBranchRef = z.infer<typeof apiBranchRef>;
export type ApiStep = z.infer<typeof apiStep>;
export type ApiTestCase = z.infer<typeof apiTestCase>;
export type ApiTestCaseReasons = z.infer<typeof apiTestCaseReasons>;

/** A pull request (`GET .../pullrequests/{id}`): its id, state and the commits and branches on both sides. */
const apiPullRequestSide = z.object({
  branch: z.object({ name: z.string() }).nullish(),
  commit: z.object({ hash: z.string() }).nullish(),
});
export const apiPullRequest = z.object({
  id: z.number().int(),
  state: z.string().optional(),
  source: apiPullRequestSide,
  destination: apiPullRequestSide,
});
