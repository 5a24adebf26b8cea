/**
 * Raw Bitbucket JSON → domain types, one mapper per resource. Each validates its input with the schema of
 * `schemas.ts` and throws `MalformedResponseError` rather than guess: nothing downstream sees raw API JSON, and no
 * field is filled with a made-up value. States map through exhaustive switches with an explicit unknown branch, so
 * a state Bitbucket adds later shows as UNKNOWN instead of breaking ingestion.
 */
import type { z } from 'zod';
import type {
  Pipeline,
  PipelineResult,
  PipelineStatus,
  PipelineTarget,
  PullRequest,
  RepoRef,
  Step,
  StepResult,
  TestCase,
  TestCaseStatus,
  TestReportSummary,
} from '../domain/types';
import { unwrapUuid } from '../domain/uuid';
import { MalformedResponseError } from './errors';
import { parseIsoDurationMs } from './iso-duration';
import {
  apiPipeline,
  apiPipelineVariable,
  apiPullRequest,
  apiRepository,
  apiStep,
  apiTestCase,
  apiTestCaseReasons,
  apiTestReportSummary,
  type ApiBranchRef,
  type ApiPipelineTarget,
} from './schemas';

/** Bitbucket keeps at most 2,000 characters per test report field (PLATFORM.md); so do we. */
export const MAX_TEST_FIELD_CHARS = 2000;

/** Validate `raw` or throw `MalformedResponseError` naming the resource and the first issues. */
export function parseApi<S extends z.ZodType>(schema: S, raw: unknown, resource: string): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw MalformedResponseError.fromIssues(resource, result.error.issues, safeStringify(raw));
}

function safeStringify(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}

/** Bitbucket timestamps carry microseconds; the app keeps one ISO form (ms, `Z`) so strings sort as times. */
function iso(value: string): string;
function iso(value: string | null | undefined): string | undefined;
function iso(value: string | null | undefined): string | undefined {
  return value == null ? undefined : new Date(value).toISOString();
}

function orUndefined<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

/** A reader of one API enum: the names we know pass through, anything else (a new value) reads as UNKNOWN. */
function knownOr<T extends string>(known: readonly Exclude<T, 'UNKNOWN'>[]): (name: string) => T {
  const set = new Set<string>(known);
  return (name) => (set.has(name) ? (name as T) : ('UNKNOWN' as T));
}

export const pipelineStatusFromApi = knownOr<PipelineStatus>(['PENDING', 'IN_PROGRESS', 'COMPLETED']);
export const pipelineResultFromApi = knownOr<PipelineResult>([
  'SUCCESSFUL',
  'FAILED',
  'ERROR',
  'STOPPED',
  'EXPIRED',
]);
export const stepResultFromApi = knownOr<StepResult>([
  'SUCCESSFUL',
  'FAILED',
  'ERROR',
  'STOPPED',
  'EXPIRED',
  'NOT_RUN',
]);

/** Status values of test cases are unverified (PLATFORM.md): accept the spellings JUnit-style reporters use. */
export function testCaseStatusFromApi(name: string): TestCaseStatus {
  switch (name.trim().toUpperCase()) {
    case 'PASSED':
    case 'SUCCESSFUL':
    case 'SUCCESS':
      return 'PASSED';
    case 'FAILED':
    case 'FAILURE':
      return 'FAILED';
    case 'ERROR':
      return 'ERROR';
    case 'SKIPPED':
    case 'IGNORED':
      return 'SKIPPED';
    default:
      return 'UNKNOWN';
  }
}

function branchName(ref: ApiBranchRef | null | undefined): string | undefined {
  if (ref == null) return undefined;
  if (typeof ref === 'string') return ref;
  return ref.branch?.name ?? ref.name;
}

/** Ref targets and pull request targets (`pipeline_pullrequest_target`, read defensively: shape varies). */
export function pipelineTargetFromApi(target: ApiPipelineTarget | null | undefined): PipelineTarget {
  if (!target) return {};
  const selectorType = target.selector?.type;
  const out: PipelineTarget = {
    refType: orUndefined(target.ref_type),
    refName: orUndefined(target.ref_name),
    commit: target.commit?.hash,
    selectorType: typeof selectorType === 'object' ? selectorType.type : selectorType,
    selectorPattern: orUndefined(target.selector?.pattern),
  };
  const isPullRequest = target.type === 'pipeline_pullrequest_target' || target.pullrequest != null;
  if (isPullRequest) {
    out.pullRequestId = target.pullrequest?.id;
    out.sourceBranch = branchName(target.source) ?? branchName(target.pullrequest?.source);
    out.destinationBranch = branchName(target.destination) ?? branchName(target.pullrequest?.destination);
    out.refType ??= 'pullrequest';
    out.refName ??= out.sourceBranch;
  }
  return dropUndefined(out);
}

export function pipelineFromApi(raw: unknown): Pipeline {
  const api = parseApi(apiPipeline, raw, 'pipeline');
  const status = pipelineStatusFromApi(api.state.name);
  const resultName = api.state.result?.name;
  return dropUndefined({
    uuid: unwrapUuid(api.uuid),
    buildNumber: api.build_number,
    // Pipelines created before reruns existed carry no run_number: they are first runs.
    runNumber: api.run_number ?? 1,
    status,
    result: status === 'COMPLETED' && resultName ? pipelineResultFromApi(resultName) : undefined,
    stage: api.state.stage?.name,
    target: pipelineTargetFromApi(api.target),
    triggerType: api.trigger?.type,
    createdOn: iso(api.created_on),
    runCreatedOn: iso(api.run_creation_date),
    completedOn: iso(api.completed_on),
    durationSeconds: orUndefined(api.duration_in_seconds),
    buildSecondsUsed: orUndefined(api.build_seconds_used),
    errorKey: orUndefined(api.error?.key ?? api.state.result?.error?.key),
    errorMessage: orUndefined(api.error?.message ?? api.state.result?.error?.message),
  });
}

/** `'2x'` or `2` → 2; absent → 1 (the API only reports a size for some steps). */
function sizeMultiplier(size: string | number | null | undefined, raw: unknown): number {
  if (size == null) return 1;
  const value = typeof size === 'number' ? size : Number(/^\s*(\d+)\s*x\s*$/i.exec(size)?.[1]);
  if (!Number.isInteger(value) || value < 1) {
    throw new MalformedResponseError('step', `size: unreadable ${JSON.stringify(size)}`, safeStringify(raw));
  }
  return value;
}

/** `pipelineUuid` comes from the request path when the item does not carry `pipeline.uuid` (fields= filters). */
export function stepFromApi(raw: unknown, pipelineUuid?: string): Step {
  const api = parseApi(apiStep, raw, 'step');
  const ownerUuid = api.pipeline?.uuid ?? pipelineUuid;
  if (ownerUuid === undefined) {
    throw new MalformedResponseError(
      'step',
      'pipeline.uuid: required when the pipeline is not known',
      safeStringify(raw),
    );
  }
  const status = pipelineStatusFromApi(api.state.name);
  const resultName = api.state.result?.name;
  const runNumber = api.run_number ?? 1;
  const triggerType = api.trigger?.type;
  const image = typeof api.image === 'string' ? api.image : api.image?.name;
  return dropUndefined({
    uuid: unwrapUuid(api.uuid),
    pipelineUuid: unwrapUuid(ownerUuid),
    // Steps without a `name:` in bitbucket-pipelines.yml come back unnamed.
    name: api.name ?? '',
    runNumber,
    status,
    result: status === 'COMPLETED' && resultName ? stepResultFromApi(resultName) : undefined,
    triggerType,
    isRerun: triggerType === 'pipeline_step_trigger_redeploy' || runNumber > 1,
    startedOn: iso(api.started_on),
    completedOn: iso(api.completed_on),
    durationSeconds: orUndefined(api.duration_in_seconds),
    buildSecondsUsed: orUndefined(api.build_seconds_used),
    maxTimeMinutes: orUndefined(api.max_time ?? api.maxTime),
    image,
    sizeMultiplier: sizeMultiplier(api.size, raw),
    errorKey: orUndefined(api.error?.key ?? api.state.result?.error?.key),
    errorMessage: orUndefined(api.error?.message ?? api.state.result?.error?.message),
  });
}

export function testReportSummaryFromApi(raw: unknown): TestReportSummary {
  const api = parseApi(apiTestReportSummary, raw, 'test report summary');
  return {
    total: api.number_of_test_cases,
    successful: api.number_of_successful_test_cases ?? 0,
    failed: api.number_of_failed_test_cases ?? 0,
    error: api.number_of_error_test_cases ?? 0,
    skipped: api.number_of_skipped_test_cases ?? 0,
  };
}

function testCaseName(
  fqn: string | undefined,
  packageName: string | undefined,
  name: string | undefined,
): string | undefined {
  if (fqn) return fqn;
  if (packageName && name) return `${packageName}.${name}`;
  return name || undefined;
}

export function testCaseFromApi(raw: unknown): TestCase {
  const api = parseApi(apiTestCase, raw, 'test case');
  const packageName = orUndefined(api.package_name) || undefined;
  const name = testCaseName(orUndefined(api.fully_qualified_name), packageName, api.name);
  if (name === undefined) {
    throw new MalformedResponseError(
      'test case',
      'name: neither fully_qualified_name nor name',
      safeStringify(raw),
    );
  }
  let durationMs: number | undefined;
  if (api.duration != null) {
    durationMs = parseIsoDurationMs(api.duration);
    if (durationMs === undefined) {
      throw new MalformedResponseError(
        'test case',
        `duration: not ISO-8601 ${JSON.stringify(api.duration)}`,
        safeStringify(raw),
      );
    }
  }
  return dropUndefined({
    uuid: api.uuid === undefined ? undefined : unwrapUuid(api.uuid),
    name: name.slice(0, MAX_TEST_FIELD_CHARS),
    packageName,
    status: testCaseStatusFromApi(api.status),
    durationMs,
  });
}

/** The failure text of a test case: messages then stack traces, joined, at most 2,000 chars; undefined if empty. */
export function testCaseReasonsFromApi(raw: unknown): string | undefined {
  const api = parseApi(apiTestCaseReasons, raw, 'test case reasons');
  const reasons = 'values' in api ? api.values : [api];
  const parts = reasons
    .flatMap((r) => [r.message, r.stack_trace])
    .filter((s): s is string => !!s && s.trim() !== '');
  if (parts.length === 0) return undefined;
  return parts.join('\n').slice(0, MAX_TEST_FIELD_CHARS);
}

/**
 * `workspace` is the slug the caller listed, used when the object carries neither `workspace.slug` nor
 * `full_name`. The slug falls back to the `full_name` part after `/`.
 */
export function repositoryFromApi(raw: unknown, workspace?: string): RepoRef {
  const api = parseApi(apiRepository, raw, 'repository');
  const [ownerFromName, slugFromName] = api.full_name?.split('/') ?? [];
  const workspaceSlug = api.workspace?.slug ?? ownerFromName ?? workspace;
  const repoSlug = api.slug ?? slugFromName;
  if (!workspaceSlug || !repoSlug) {
    throw new MalformedResponseError('repository', 'slug: neither slug nor full_name', safeStringify(raw));
  }
  return dropUndefined({
    workspace: workspaceSlug,
    repoSlug,
    repoUuid: unwrapUuid(api.uuid),
    workspaceUuid: api.workspace?.uuid === undefined ? undefined : unwrapUuid(api.workspace.uuid),
    defaultBranch: api.mainbranch?.name,
    fullName: api.full_name,
  });
}

export interface PipelineVariable {
  uuid: string;
  key: string;
  /** Absent for secured variables: the API never returns their value. */
  value?: string;
  secured: boolean;
}

export function pipelineVariableFromApi(raw: unknown): PipelineVariable {
  const api = parseApi(apiPipelineVariable, raw, 'pipeline variable');
  return dropUndefined({
    uuid: unwrapUuid(api.uuid),
    key: api.key,
    value: orUndefined(api.value),
    secured: api.secured ?? false,
  });
}

/** Golden files and storage stay free of `"x": undefined` noise; types are unchanged. */
function dropUndefined<T extends object>(value: T): T {
  for (const k of Object.keys(value) as (keyof T)[]) {
    if (value[k] === undefined) delete value[k];
  }
  return value;
}

export function pullRequestFromApi(raw: unknown): PullRequest {
  const api = parseApi(apiPullRequest, raw, 'pull request');
  return dropUndefined({
    id: api.id,
    state: api.state ?? 'UNKNOWN',
    sourceCommit: api.source.commit?.hash,
    sourceBranch: api.source.branch?.name,
    destinationBranch: api.destination.branch?.name,
  });
}
