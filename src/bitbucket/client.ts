/**
 * The Bitbucket Cloud REST API 2.0 client: the only code that talks to Bitbucket. It sits on the `Transport` port,
 * takes from the workspace's `ApiBudget` before every request (retries included), retries by the `RetryPolicy`,
 * follows `next` links exactly as given, and returns domain types through the mappers. Every call is counted,
 * because the hourly rate limit, not compute, sets the pace of ingestion (DESIGN.md).
 */
import type { Pipeline, PullRequest, RepoRef, Step, TestCase, TestReportSummary } from '../domain/types';
import { uuidPathSegment } from '../domain/uuid';
import {
  commitSegment,
  filePathSegments,
  pathSegment,
  pipelinePath,
  pipelinesPath,
  pullRequestPath,
  queryString,
  repoPath,
  reportPath,
  stepPath,
  stepsPath,
  testReportPath,
  variablesPath,
  workspaceReposPath,
} from './api-paths';
import { unlimitedBudget, type ApiBudget } from './budget';
import {
  AuthError,
  BitbucketError,
  BitbucketHttpError,
  BudgetExhaustedError,
  MalformedResponseError,
  NotFoundError,
  PageLimitError,
  RateLimitedError,
  TransportError,
  redactUrl,
} from './errors';
import { tailOfFullBody, tailOfPartialBody, type LogTail } from './log-tail';
import {
  parseApi,
  pipelineFromApi,
  pipelineVariableFromApi,
  pullRequestFromApi,
  repositoryFromApi,
  stepFromApi,
  testCaseFromApi,
  testCaseReasonsFromApi,
  testReportSummaryFromApi,
  type PipelineVariable,
} from './mappers';
import {
  decideRetry,
  defaultRetryPolicy,
  parseRetryAfterMs,
  type AttemptFailure,
  type RetryPolicy,
} from './retry-policy';
import { apiErrorBody, apiPage } from './schemas';
import { isAbsoluteUrl, type HttpMethod, type HttpResponse, type Transport } from './transport';

/** One request attempt, as reported to `onCall` (metrics, logs). The path has no query string. */
export interface CallRecord {
  endpoint: string;
  method: HttpMethod;
  path: string;
  attempt: number;
  /** Absent when the network failed. */
  status?: number;
}

/** A failed attempt about to be retried: what, why, and how long the client waits first. */
export interface RetryRecord {
  endpoint: string;
  method: HttpMethod;
  /** Without query string. */
  path: string;
  /** The attempt that failed (1-based) and the most the policy allows. */
  attempt: number;
  maxAttempts: number;
  /** The failure, one line (already redacted: the error's message). */
  reason: string;
  delayMs: number;
}

export interface ClientStats {
  /** Requests sent, retries included. */
  calls: number;
  /** Of those, how many were retries. */
  retries: number;
  /** Requests per endpoint name (`pipelines.list`, `steps.log`, ...). */
  byEndpoint: Record<string, number>;
}

export interface BitbucketClientOptions {
  transport: Transport;
  policy?: RetryPolicy;
  budget?: ApiBudget;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  onCall?: (call: CallRecord) => void;
  /** Told of each retry as it is decided, before the wait (the command line prints a line for each). */
  onRetry?: (retry: RetryRecord) => void;
  /** Most pages any list may take before `PageLimitError` (default 50 pages, 5,000 items). */
  maxPages?: number;
}

/** A step's log tail, or why it could not be read (`getLogTail`). */
export type LogRead = { read: true; tail: LogTail } | { read: false; reason: string };

/** A step's failed test cases as far as they were read (`findFailedTestCases`). */
export interface FailedTestCases {
  failed: TestCase[];
  /** Pages of test cases read. */
  pages: number;
  /** False when the page limit ended the reading before every failure the summary counts was found. */
  complete: boolean;
}

export type PipelineSort = '-created_on' | '-run_creation_date';

export interface ListPipelinesOptions {
  sort: PipelineSort;
  pagelen?: number;
  /** A `next` URL from an earlier page: fetched exactly as given (sort, filters and pagelen are in it). */
  pageUrl?: string;
  /** API filters such as `{ 'target.branch': 'main', status: 'COMPLETED' }`. */
  filters?: Record<string, string>;
}

/** `fields=` lists: partial responses cost the same call but far fewer bytes. */
const REPOSITORY_FIELDS = [
  'uuid',
  'slug',
  'full_name',
  'mainbranch.name',
  'workspace.uuid',
  'workspace.slug',
];
const PIPELINE_FIELDS = [
  'uuid',
  'build_number',
  'run_number',
  'state',
  'target',
  'trigger',
  'created_on',
  'run_creation_date',
  'completed_on',
  'duration_in_seconds',
  'build_seconds_used',
];
const STEP_FIELDS = [
  'uuid',
  'name',
  'pipeline.uuid',
  'run_number',
  'trigger.type',
  'state',
  'started_on',
  'completed_on',
  'duration_in_seconds',
  'build_seconds_used',
  'maxTime',
  'max_time',
  'image',
  'size',
];
const PULL_REQUEST_FIELDS = [
  'id',
  'state',
  'source.commit.hash',
  'source.branch.name',
  'destination.branch.name',
];
const TEST_CASE_FIELDS = ['uuid', 'name', 'fully_qualified_name', 'package_name', 'status', 'duration'];

const listFields = (fields: readonly string[]): string =>
  ['next', ...fields.map((f) => `values.${f}`)].join(',');

const PAGELEN = 100;
/**
 * Pages of 100 test cases read at most for one step's failures when the server does not filter them: a suite of up
 * to 5,000 tests is read until its failures are found (a flaky test is as likely to sort last as first), a larger one
 * has the rest counted as unread. The hour's API budget paces these reads; it does not lose them.
 */
export const DEFAULT_TEST_CASE_PAGES = 50;
/** Asked of `test_cases`, in the form the pipelines list takes (`status=FAILED&status=ERROR`); checked on each page. */
const FAILED_STATUS_FILTER = 'status=FAILED&status=ERROR';
const isFailed = (c: TestCase): boolean => c.status === 'FAILED' || c.status === 'ERROR';
const DEFAULT_LOG_TAIL_BYTES = 65_536;
const MAX_REDIRECTS = 3;
/** Code Insights: ≤ 100 annotations per POST, ≤ 1,000 per report. */
const ANNOTATIONS_PER_CALL = 100;
const ANNOTATIONS_PER_REPORT = 1000;
const REDIRECT_STATUSES = [301, 302, 303, 307, 308];
/** Only JSON resources ask for JSON: the log and `src` endpoints serve raw text. */
const ACCEPT_JSON: Record<string, string> = { accept: 'application/json' };

interface SendRequest {
  endpoint: string;
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Non-2xx statuses the caller handles itself (404 → undefined, 307 → follow, 416 → retry without Range). */
  accept?: readonly number[];
  /** False for POSTs that create: only 429s (not processed) are retried. */
  idempotent?: boolean;
  /** False for requests outside Bitbucket's API (log storage): they do not spend the workspace budget. */
  budgeted?: boolean;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class BitbucketClient {
  private readonly transport: Transport;
  private readonly policy: RetryPolicy;
  private readonly budget: ApiBudget;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly onCall: ((call: CallRecord) => void) | undefined;
  private readonly onRetry: ((retry: RetryRecord) => void) | undefined;
  private readonly maxPages: number;
  private readonly counters: ClientStats = { calls: 0, retries: 0, byEndpoint: {} };

  constructor(options: BitbucketClientOptions) {
    this.transport = options.transport;
    this.policy = options.policy ?? defaultRetryPolicy;
    this.budget = options.budget ?? unlimitedBudget;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.onCall = options.onCall;
    this.onRetry = options.onRetry;
    this.maxPages = options.maxPages ?? 50;
  }

  /** A copy of the counters so far. */
  get stats(): ClientStats {
    return { ...this.counters, byEndpoint: { ...this.counters.byEndpoint } };
  }

  // ---- repositories ----

  async listRepositories(workspace: string): Promise<RepoRef[]> {
    const url = `${workspaceReposPath(workspace)}?${queryString({ pagelen: PAGELEN, fields: listFields(REPOSITORY_FIELDS) })}`;
    return this.collect('repositories.list', 'repository list', url, (raw) =>
      repositoryFromApi(raw, workspace),
    );
  }

  async getRepository(workspace: string, repoSlugOrUuid: string): Promise<RepoRef> {
    const url = `${repoPath({ workspace, repoSlug: repoSlugOrUuid })}?${queryString({ fields: REPOSITORY_FIELDS.join(',') })}`;
    const raw = await this.getJson('repositories.get', 'repository', url);
    return repositoryFromApi(raw, workspace);
  }

  // ---- pipelines and steps ----

  async listPipelinesPage(
    repo: RepoRef,
    opts: ListPipelinesOptions,
  ): Promise<{ pipelines: Pipeline[]; next?: string }> {
    const url =
      opts.pageUrl ??
      `${pipelinesPath(repo)}?${queryString({
        ...opts.filters,
        sort: opts.sort,
        pagelen: opts.pagelen ?? PAGELEN,
        fields: listFields(PIPELINE_FIELDS),
      })}`;
    const page = await this.getPage('pipelines.list', 'pipeline list', url);
    const pipelines = page.values.map(pipelineFromApi);
    return page.next === undefined ? { pipelines } : { pipelines, next: page.next };
  }

  async getPipeline(repo: RepoRef, pipelineUuid: string): Promise<Pipeline> {
    const url = `${pipelinePath(repo, pipelineUuid)}?${queryString({ fields: PIPELINE_FIELDS.join(',') })}`;
    return pipelineFromApi(await this.getJson('pipelines.get', 'pipeline', url));
  }

  async listSteps(repo: RepoRef, pipelineUuid: string): Promise<Step[]> {
    const url = `${stepsPath(repo, pipelineUuid)}?${queryString({ pagelen: PAGELEN, fields: listFields(STEP_FIELDS) })}`;
    return this.collect('steps.list', 'step list', url, (raw) => stepFromApi(raw, pipelineUuid));
  }

  // ---- test reports ----

  /** Undefined when the step published no test report (404). */
  async getTestReportSummary(
    repo: RepoRef,
    pipelineUuid: string,
    stepUuid: string,
  ): Promise<TestReportSummary | undefined> {
    const raw = await this.getJsonOrUndefined(
      'testReports.summary',
      'test report summary',
      testReportPath(repo, pipelineUuid, stepUuid),
    );
    return raw === undefined ? undefined : testReportSummaryFromApi(raw);
  }

  async listTestCases(repo: RepoRef, pipelineUuid: string, stepUuid: string): Promise<TestCase[]> {
    const base = `${testReportPath(repo, pipelineUuid, stepUuid)}/test_cases`;
    const url = `${base}?${queryString({ pagelen: PAGELEN, fields: listFields(TEST_CASE_FIELDS) })}`;
    return this.collect('testReports.cases', 'test case list', url, testCaseFromApi);
  }

  /**
   * The FAILED and ERROR cases of a step whose summary counts `failures` of them, reading at most `maxPages` pages
   * and stopping as soon as all are found. Whether `test_cases` filters by status on the server is not documented
   * (PLATFORM.md), so the filter is asked for and checked: a page holding another status means it was ignored and
   * the pages are read on, keeping the failed cases; a 400, or a filtered list that ends short of `failures` (a
   * filter on FAILED alone, say), means a read without it. A step with more cases than the pages allow is not an
   * error: what was found is returned, with `complete: false`.
   */
  async findFailedTestCases(
    repo: RepoRef,
    pipelineUuid: string,
    stepUuid: string,
    opts: { failures: number; maxPages?: number },
  ): Promise<FailedTestCases> {
    const query = queryString({ pagelen: PAGELEN, fields: listFields(TEST_CASE_FIELDS) });
    const base = `${testReportPath(repo, pipelineUuid, stepUuid)}/test_cases?${query}`;
    const maxPages = opts.maxPages ?? DEFAULT_TEST_CASE_PAGES;
    const found = new Map<string, TestCase>();
    let pages = 0;
    const read = async (firstUrl: string, filtered: boolean): Promise<'done' | 'refused' | 'short'> => {
      for (let url: string | undefined = firstUrl; url !== undefined;) {
        if (found.size >= opts.failures || pages >= maxPages) return 'done';
        pages++;
        const response = await this.send({
          endpoint: 'testReports.cases',
          method: 'GET',
          url,
          headers: ACCEPT_JSON,
          accept: filtered ? [400] : [],
        });
        if (response.status === 400) return 'refused';
        const page = parseApi(apiPage, parseJsonBody('test case list', response.body), 'test case list');
        const cases = page.values.map(testCaseFromApi);
        for (const c of cases) if (isFailed(c)) found.set(c.uuid ?? c.name, c);
        if (cases.some((c) => !isFailed(c))) filtered = false;
        url = page.next;
      }
      return filtered && found.size < opts.failures ? 'short' : 'done';
    };
    if ((await read(`${base}&${FAILED_STATUS_FILTER}`, true)) !== 'done') await read(base, false);
    const failed = [...found.values()];
    return { failed, pages, complete: failed.length >= opts.failures };
  }

  /** The failure message and stack trace of one test case; undefined when Bitbucket has none (404 or empty). */
  async getTestCaseReasons(
    repo: RepoRef,
    pipelineUuid: string,
    stepUuid: string,
    testCaseUuid: string,
  ): Promise<string | undefined> {
    const url = `${testReportPath(repo, pipelineUuid, stepUuid)}/test_cases/${uuidPathSegment(testCaseUuid)}/test_case_reasons`;
    const raw = await this.getJsonOrUndefined('testReports.reasons', 'test case reasons', url);
    return raw === undefined ? undefined : testCaseReasonsFromApi(raw);
  }

  // ---- logs and files ----

  /**
   * The last `maxBytes` of a step's log, in one ranged read where possible, or why it could not be read. The API
   * answers 206 (the tail), 200 (the whole log), 307 to log storage once the step finished (followed here, without
   * credentials: the transport sends them only to the API origin; on Forge the storage host needs egress), 416 when
   * the log is shorter than asked or empty (read again without Range), or 404 (no log).
   *
   * A log is extra evidence, never a reason to hold an attempt back: whatever keeps it from being read (no log, a
   * refused or expired storage URL, a host the app may not reach, a timeout after the retries) comes back as
   * `{ read: false, reason }`. Only a spent rate limit or budget is thrown, so the whole job waits for it.
   */
  async getLogTail(
    repo: RepoRef,
    pipelineUuid: string,
    stepUuid: string,
    maxBytes = DEFAULT_LOG_TAIL_BYTES,
  ): Promise<LogRead> {
    try {
      return await this.readLogTail(repo, pipelineUuid, stepUuid, maxBytes);
    } catch (error) {
      if (error instanceof RateLimitedError || error instanceof BudgetExhaustedError) throw error;
      if (error instanceof BitbucketError) return { read: false, reason: error.message };
      throw error;
    }
  }

  private async readLogTail(
    repo: RepoRef,
    pipelineUuid: string,
    stepUuid: string,
    maxBytes: number,
  ): Promise<LogRead> {
    let url = `${stepPath(repo, pipelineUuid, stepUuid)}/log`;
    let ranged = true;
    for (let hop = 0; hop <= MAX_REDIRECTS;) {
      const external = isAbsoluteUrl(url) && hop > 0;
      const response = await this.send({
        endpoint: external ? 'steps.logStorage' : 'steps.log',
        method: 'GET',
        url,
        headers: ranged ? { range: `bytes=-${maxBytes}` } : {},
        accept: [404, 416, ...REDIRECT_STATUSES],
        budgeted: !external,
      });
      if (response.status === 404) {
        return {
          read: false,
          reason: external ? 'log storage answered 404 (expired or removed)' : 'the step has no log (404)',
        };
      }
      if (response.status === 416 && ranged) {
        ranged = false;
        continue;
      }
      if (REDIRECT_STATUSES.includes(response.status)) {
        url = redirectTarget(url, response);
        hop++;
        continue;
      }
      if (response.status === 416) return { read: true, tail: { text: '', truncated: false } };
      const tail =
        response.status === 206
          ? tailOfPartialBody(response.body, response.headers['content-range'], maxBytes)
          : tailOfFullBody(response.body, maxBytes);
      return { read: true, tail };
    }
    throw new MalformedResponseError('step log', `more than ${MAX_REDIRECTS} redirects`, redactUrl(url));
  }

  /** A file's text at a commit (e.g. `bitbucket-pipelines.yml`); undefined when the file does not exist there. */
  async getFileAtCommit(repo: RepoRef, commit: string, path: string): Promise<string | undefined> {
    const url = `${repoPath(repo)}/src/${commitSegment(commit)}/${filePathSegments(path)}`;
    const response = await this.send({ endpoint: 'src.get', method: 'GET', url, accept: [404] });
    return response.status === 404 ? undefined : response.body;
  }

  // ---- Code Insights ----

  /** Create or replace a Code Insights report on a commit (PUT is idempotent). */
  async putCommitReport(repo: RepoRef, commit: string, reportId: string, report: object): Promise<void> {
    await this.send({
      endpoint: 'reports.put',
      method: 'PUT',
      ...jsonBody(report),
      url: reportPath(repo, commit, reportId),
    });
  }

  /** Delete a report and its annotations; a report that is not there is not an error. */
  async deleteCommitReport(repo: RepoRef, commit: string, reportId: string): Promise<void> {
    await this.send({
      endpoint: 'reports.delete',
      method: 'DELETE',
      url: reportPath(repo, commit, reportId),
      accept: [404],
    });
  }

  /** Annotations in calls of 100. Each needs an `external_id`, which makes a repeated POST an update. */
  async postReportAnnotations(
    repo: RepoRef,
    commit: string,
    reportId: string,
    annotations: object[],
  ): Promise<void> {
    if (annotations.length > ANNOTATIONS_PER_REPORT) {
      throw new RangeError(
        `${annotations.length} annotations: a report holds at most ${ANNOTATIONS_PER_REPORT}`,
      );
    }
    const url = `${reportPath(repo, commit, reportId)}/annotations`;
    for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_CALL) {
      const chunk = annotations.slice(i, i + ANNOTATIONS_PER_CALL);
      await this.send({ endpoint: 'reports.annotations', method: 'POST', url, ...jsonBody(chunk) });
    }
  }

  // ---- pull requests ----

  /** One pull request: its source commit and branches (the merge check's one call). */
  async getPullRequest(repo: RepoRef, pullRequestId: number): Promise<PullRequest> {
    const url = `${pullRequestPath(repo, pullRequestId)}?${queryString({ fields: PULL_REQUEST_FIELDS.join(',') })}`;
    return pullRequestFromApi(await this.getJson('pullrequests.get', 'pull request', url));
  }

  // ---- repository variables ----

  async getPipelineVariable(repo: RepoRef, key: string): Promise<PipelineVariable | undefined> {
    const url = `${variablesPath(repo)}?${queryString({ pagelen: PAGELEN })}`;
    const variables = await this.collect(
      'variables.list',
      'pipeline variable list',
      url,
      pipelineVariableFromApi,
    );
    return variables.find((v) => v.key === key);
  }

  /** Create the repository variable, or update it when it exists (also when another job created it meanwhile). */
  async setPipelineVariable(
    repo: RepoRef,
    key: string,
    value: string,
    options: { secured?: boolean } = {},
  ): Promise<void> {
    const secured = options.secured ?? false;
    const existing = await this.getPipelineVariable(repo, key);
    if (existing === undefined) {
      try {
        await this.send({
          endpoint: 'variables.create',
          method: 'POST',
          url: variablesPath(repo),
          idempotent: false,
          ...jsonBody({ key, value, secured }),
        });
        return;
      } catch (error) {
        if (!(error instanceof BitbucketHttpError && error.status === 409)) throw error;
      }
    }
    const target = existing ?? (await this.getPipelineVariable(repo, key));
    if (target === undefined)
      throw new MalformedResponseError('pipeline variable', `409 on create but ${key} is not listed`, '');
    const url = `${variablesPath(repo)}/${pathSegment(`{${target.uuid}}`)}`;
    await this.send({
      endpoint: 'variables.update',
      method: 'PUT',
      url,
      ...jsonBody({ uuid: `{${target.uuid}}`, key, value, secured }),
    });
  }

  // ---- plumbing ----

  /** Every page of a list, following `next` exactly as given; refuses loops and lists longer than `maxPages`. */
  private async collect<T>(
    endpoint: string,
    resource: string,
    firstUrl: string,
    map: (raw: unknown) => T,
  ): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let url: string | undefined = firstUrl;
    while (url !== undefined) {
      if (seen.size >= this.maxPages) throw new PageLimitError(resource, this.maxPages);
      seen.add(url);
      const page = await this.getPage(endpoint, resource, url);
      for (const raw of page.values) items.push(map(raw));
      if (page.next !== undefined && seen.has(page.next)) {
        throw new MalformedResponseError(
          resource,
          'pagination loop: next points to a page already read',
          redactUrl(page.next),
        );
      }
      url = page.next;
    }
    return items;
  }

  private async getPage(
    endpoint: string,
    resource: string,
    url: string,
  ): Promise<{ values: unknown[]; next?: string }> {
    return parseApi(apiPage, await this.getJson(endpoint, resource, url), resource);
  }

  private async getJson(endpoint: string, resource: string, url: string): Promise<unknown> {
    const response = await this.send({ endpoint, method: 'GET', url, headers: ACCEPT_JSON });
    return parseJsonBody(resource, response.body);
  }

  private async getJsonOrUndefined(endpoint: string, resource: string, url: string): Promise<unknown> {
    const response = await this.send({ endpoint, method: 'GET', url, headers: ACCEPT_JSON, accept: [404] });
    return response.status === 404 ? undefined : parseJsonBody(resource, response.body);
  }

  /** One logical request: budget, attempts, retries by policy, typed errors. */
  private async send(req: SendRequest): Promise<HttpResponse> {
    const idempotent = req.idempotent ?? req.method !== 'POST';
    for (let attempt = 1; ; attempt++) {
      if (req.budgeted !== false) await this.budget.take();
      this.count(req.endpoint, attempt);
      const outcome = await this.attempt(req, attempt);
      if ('response' in outcome) return outcome.response;
      const decision = decideRetry(this.policy, outcome.failure, attempt, this.random, idempotent);
      if (!decision.retry) throw outcome.error;
      this.onRetry?.({
        endpoint: req.endpoint,
        method: req.method,
        path: redactUrl(req.url),
        attempt,
        maxAttempts:
          outcome.failure.kind === 'status' && outcome.failure.status === 429
            ? this.policy.maxRateLimitAttempts
            : this.policy.maxAttempts,
        reason: retryReason(outcome.failure, outcome.error),
        delayMs: decision.delayMs,
      });
      await this.sleep(decision.delayMs);
    }
  }

  private async attempt(
    req: SendRequest,
    attempt: number,
  ): Promise<{ response: HttpResponse } | { failure: AttemptFailure; error: Error }> {
    const { endpoint, method, url } = req;
    let response: HttpResponse;
    try {
      response = await this.transport.request({ method, url, headers: req.headers, body: req.body });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      this.onCall?.({ endpoint, method, path: redactUrl(url), attempt });
      return { failure: { kind: 'network' }, error };
    }
    this.onCall?.({ endpoint, method, path: redactUrl(url), attempt, status: response.status });
    const { status } = response;
    if ((status >= 200 && status < 300) || req.accept?.includes(status)) return { response };
    const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], this.now());
    return {
      failure: { kind: 'status', status, retryAfterMs },
      error: this.httpError(req, response, retryAfterMs),
    };
  }

  private httpError(req: SendRequest, response: HttpResponse, retryAfterMs: number | undefined): Error {
    const { method, url } = req;
    const detail = errorDetail(response.body);
    switch (response.status) {
      case 401:
      case 403:
        return new AuthError(response.status, method, url, detail);
      case 404:
        return new NotFoundError(404, method, url, detail);
      case 429: {
        const seconds =
          retryAfterMs === undefined
            ? this.policy.defaultRateLimitRetryAfterSeconds
            : Math.ceil(retryAfterMs / 1000);
        return new RateLimitedError(method, url, Math.max(1, seconds));
      }
      default: {
        const seconds = retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(retryAfterMs / 1000));
        return new BitbucketHttpError(response.status, method, url, detail, seconds);
      }
    }
  }

  private count(endpoint: string, attempt: number): void {
    this.counters.calls++;
    if (attempt > 1) this.counters.retries++;
    this.counters.byEndpoint[endpoint] = (this.counters.byEndpoint[endpoint] ?? 0) + 1;
  }
}

/** `timed out after 1000 ms`, `answered 503`: the cause, without the request already named beside it. */
function retryReason(failure: AttemptFailure, error: Error): string {
  if (failure.kind === 'status') return `answered ${failure.status}`;
  return error instanceof TransportError ? error.reason : error.message;
}

function jsonBody(value: unknown): { body: string; headers: Record<string, string> } {
  return { body: JSON.stringify(value), headers: { ...ACCEPT_JSON, 'content-type': 'application/json' } };
}

function parseJsonBody(resource: string, body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new MalformedResponseError(resource, 'body is not JSON', body);
  }
}

/** Bitbucket's `{ "type": "error", "error": { "message": ... } }`, shortened; nothing for other bodies. */
function errorDetail(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const result = apiErrorBody.safeParse(parsed);
    return result.success ? result.data.error.message.replace(/\s+/g, ' ').slice(0, 160) : undefined;
  } catch {
    return undefined;
  }
}

/** The absolute URL a redirect points to. Relative locations resolve against the request when it was absolute. */
function redirectTarget(requestUrl: string, response: HttpResponse): string {
  const location = response.headers['location'];
  if (!location) throw new MalformedResponseError('step log', `${response.status} without Location`, '');
  if (isAbsoluteUrl(location)) return location;
  if (isAbsoluteUrl(requestUrl)) return new URL(location, requestUrl).toString();
  throw new MalformedResponseError(
    'step log',
    'redirect Location is not an absolute URL',
    redactUrl(location),
  );
}
