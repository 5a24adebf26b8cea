/**
 * The Bitbucket REST API 2.0 endpoints the product uses, answered from the workspace plan at `ws.now`, plus the
 * few writable resources (variables, Code Insights reports, annotations) kept in memory.
 */
import { isUuid, unwrapUuid, wrapUuid } from '../domain/uuid';
import {
  errorJson,
  pipelineJson,
  pullRequestJson,
  repositoryJson,
  stepJson,
  testCaseJson,
  testSummaryJson,
  type Json,
  type TestCaseRow,
} from './api-json';
import { buildStatusOf } from './build-status';
import type { SimAttempt, SimPipeline, SimRepo, SimStep, SimTestRun, SimWorkspace } from './model';
import { createRng, uuidFrom } from './prng';
import { brokenPipelinesYml } from './pipelines-yml';
import { json, Router, type SimRequest, type SimResponse } from './router';
import { isVisible, pipelineView, stepView, type StepView } from './view';

export interface WritableState {
  variables: Map<string, { uuid: string; key: string; value: string; secured: boolean }[]>;
  reports: Map<string, Json>;
  annotations: Map<string, Json[]>;
}

export interface ApiDeps {
  ws: () => SimWorkspace;
  state: WritableState;
  /** Presigned-style URL of a step attempt's log on the log server. */
  logLocation: (repo: SimRepo, pipeline: SimPipeline, step: SimStep, runNumber: number) => string;
  /** A running step's log so far (served directly, not redirected). */
  liveLog: (repo: SimRepo, pipeline: SimPipeline, step: SimStep) => string;
  /**
   * Whether `test_cases` honours `status=` (Bitbucket does not document it either way). Off by default: the filter
   * is ignored, as an unknown query parameter is, and every case is listed.
   */
  testCaseStatusFilter?: boolean;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function errorResponse(error: unknown): SimResponse {
  if (error instanceof HttpError) return json(error.status, errorJson(error.message));
  throw error;
}

const now = (ws: SimWorkspace): number => Date.parse(ws.now);
const sameId = (value: string, uuid: string): boolean => isUuid(value) && unwrapUuid(value) === uuid;
/** The bare UUID of a path parameter, or undefined when it is not one (compared once, not per candidate). */
const bareId = (value: string): string | undefined => (isUuid(value) ? unwrapUuid(value) : undefined);

function findRepo(ws: SimWorkspace, req: SimRequest): SimRepo {
  const wsParam = req.params['ws'] ?? '';
  if (wsParam !== ws.slug && !sameId(wsParam, ws.uuid))
    throw new HttpError(404, `Workspace ${wsParam} not found`);
  const repoParam = req.params['repo'] ?? '';
  const repo = ws.repos.find((r) => r.slug === repoParam || sameId(repoParam, r.uuid));
  if (!repo) throw new HttpError(404, `Repository ${ws.slug}/${repoParam} not found`);
  return repo;
}

function findPipeline(ws: SimWorkspace, repo: SimRepo, req: SimRequest): SimPipeline {
  const id = req.params['pipeline'] ?? '';
  const bare = bareId(id);
  const p = repo.pipelines.find((x) => x.uuid === bare && isVisible(x, now(ws)));
  if (!p) throw new HttpError(404, `Pipeline ${id} not found`);
  return p;
}

function findStep(
  ws: SimWorkspace,
  repo: SimRepo,
  req: SimRequest,
): { pipeline: SimPipeline; view: StepView } {
  const pipeline = findPipeline(ws, repo, req);
  const id = req.params['step'] ?? '';
  const step = pipeline.steps.find((s) => sameId(id, s.uuid));
  if (!step) throw new HttpError(404, `Step ${id} not found`);
  return { pipeline, view: stepView(step, now(ws)) };
}

/** Bitbucket's paging envelope; `next`/`previous` are absolute URLs built from the request. */
function paged(req: SimRequest, values: unknown[], maxLen = 100): SimResponse {
  const pagelen = Math.min(maxLen, Math.max(1, Number(req.query.get('pagelen') ?? 10) || 10));
  const page = Math.max(1, Math.floor(Number(req.query.get('page') ?? 1)) || 1);
  const pages = Math.max(1, Math.ceil(values.length / pagelen));
  if (page > pages) return json(404, errorJson('Invalid page'));
  const link = (n: number): string => {
    const query = new URLSearchParams(req.query);
    query.set('page', String(n));
    return `${req.apiUrl.replace(/\/2\.0$/, '')}${req.path}?${query.toString()}`;
  };
  return json(200, {
    page,
    pagelen,
    size: values.length,
    values: values.slice((page - 1) * pagelen, page * pagelen),
    ...(page < pages ? { next: link(page + 1) } : {}),
    ...(page > 1 ? { previous: link(page - 1) } : {}),
  });
}

const SORTS: Record<string, (p: ReturnType<typeof pipelineView>) => number> = {
  created_on: (v) => Date.parse(v.pipeline.createdOn),
  run_creation_date: (v) => Date.parse(v.runCreationDate),
};

/** Views of a repository's pipelines at `ws.now`, computed once per `now` (listing is the hottest endpoint). */
const viewCache = new WeakMap<SimRepo, { key: string; views: ReturnType<typeof pipelineView>[] }>();
function visibleViews(ws: SimWorkspace, repo: SimRepo): ReturnType<typeof pipelineView>[] {
  const key = `${ws.now}:${repo.pipelines.length}`;
  const cached = viewCache.get(repo);
  if (cached?.key === key) return cached.views;
  const views = repo.pipelines.filter((p) => isVisible(p, now(ws))).map((p) => pipelineView(p, now(ws)));
  viewCache.set(repo, { key, views });
  return views;
}

function listPipelines(ws: SimWorkspace, repo: SimRepo, req: SimRequest): SimResponse {
  const sort = req.query.get('sort') ?? 'created_on';
  const key = SORTS[sort.replace(/^-/, '')];
  if (!key) return json(400, errorJson(`Invalid sort field: ${sort}`));
  const branch = req.query.get('target.branch') ?? req.query.get('target.ref_name');
  const commit = req.query.get('target.commit.hash');
  const statuses = req.query.getAll('status');
  const trigger = req.query.get('trigger_type');
  const views = visibleViews(ws, repo).filter((v) => {
    const t = v.pipeline.target;
    if (branch && (t.kind === 'branch' ? t.branch : t.source) !== branch) return false;
    if (commit && t.commit !== commit) return false;
    if (trigger && v.pipeline.trigger !== trigger.toUpperCase()) return false;
    return statuses.length === 0 || statuses.some((s) => s === v.state || s === v.result || s === v.stage);
  });
  const direction = sort.startsWith('-') ? -1 : 1;
  views.sort(
    (a, b) => direction * (key(a) - key(b)) || direction * (a.pipeline.buildNumber - b.pipeline.buildNumber),
  );
  return paged(
    req,
    views.map((v) => pipelineJson(ws, repo, v, req.apiUrl)),
  );
}

/** Rows of a completed attempt never change: built once per attempt, not once per page request. */
const rowCache = new WeakMap<SimAttempt, TestCaseRow[]>();

function testRows(pipeline: SimPipeline, view: StepView, repo: SimRepo): TestCaseRow[] | undefined {
  const attempt = view.attempt;
  if (view.state !== 'COMPLETED' || !attempt?.tests) return undefined;
  const cached = rowCache.get(attempt);
  if (cached) return cached;
  const rows = buildTestRows(pipeline, view.step, { ...attempt, tests: attempt.tests }, repo);
  rowCache.set(attempt, rows);
  return rows;
}

function buildTestRows(
  pipeline: SimPipeline,
  step: SimStep,
  attempt: SimAttempt & { tests: SimTestRun },
  repo: SimRepo,
): TestCaseRow[] {
  const failed = new Map(attempt.tests.failed.map((f) => [f.fullyQualifiedName, f]));
  const rng = createRng(`${pipeline.uuid}:${step.uuid}:${attempt.runNumber}`);
  return (repo.suites[attempt.tests.suite] ?? []).map((def, i) => {
    const failure = failed.get(def.fullyQualifiedName);
    return {
      def,
      status: failure ? failure.status : def.skipped ? 'SKIPPED' : 'PASSED',
      durationMs: def.skipped ? 0 : Math.max(1, Math.round(def.durationMs * rng.noise(0.25))),
      uuid: uuidFrom(step.uuid, attempt.runNumber, i),
      ...(failure ? { message: failure.message } : {}),
    };
  });
}

function requireRows(ws: SimWorkspace, repo: SimRepo, req: SimRequest): TestCaseRow[] {
  const { pipeline, view } = findStep(ws, repo, req);
  const rows = testRows(pipeline, view, repo);
  if (!rows) throw new HttpError(404, 'No test reports found for this step');
  return rows;
}

function stepLog(deps: ApiDeps, ws: SimWorkspace, repo: SimRepo, req: SimRequest): SimResponse {
  const { pipeline, view } = findStep(ws, repo, req);
  if (view.state === 'PENDING' || !view.attempt || view.result === 'NOT_RUN')
    throw new HttpError(404, 'Log not found');
  if (view.state === 'IN_PROGRESS') {
    return {
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: deps.liveLog(repo, pipeline, view.step),
    };
  }
  // Finished logs live in long-term storage: Bitbucket answers with a redirect to a presigned URL.
  return {
    status: 307,
    headers: { location: deps.logLocation(repo, pipeline, view.step, view.attempt.runNumber) },
  };
}

function sourceFile(ws: SimWorkspace, repo: SimRepo, req: SimRequest): SimResponse {
  const commit = req.params['commit'] ?? '';
  const known =
    commit === repo.mainBranch ||
    repo.pipelines.some((p) => p.target.commit === commit && isVisible(p, now(ws)));
  if (!known) throw new HttpError(404, `Commit ${commit} not found`);
  if (req.params['file'] !== 'bitbucket-pipelines.yml') throw new HttpError(404, 'No such file or directory');
  const spec = ws.planted.specs.find((s) => s.slug === repo.slug);
  const body = repo.brokenYmlCommits.includes(commit) && spec ? brokenPipelinesYml(spec) : repo.pipelinesYml;
  return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

function parseBody(req: SimRequest): unknown {
  try {
    return JSON.parse(req.body) as unknown;
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function variableJson(v: { uuid: string; key: string; value: string; secured: boolean }): Json {
  // Secured values are write-only in the API.
  return {
    type: 'pipeline_variable',
    uuid: wrapUuid(v.uuid),
    key: v.key,
    secured: v.secured,
    ...(v.secured ? {} : { value: v.value }),
  };
}

function createVariable(state: WritableState, repo: SimRepo, req: SimRequest): SimResponse {
  const body = parseBody(req);
  if (!isRecord(body) || typeof body['key'] !== 'string' || typeof body['value'] !== 'string') {
    throw new HttpError(400, 'A variable needs a string key and value');
  }
  const list = state.variables.get(repo.uuid) ?? [];
  if (list.some((v) => v.key === body['key']))
    throw new HttpError(409, `A variable with the key ${body['key']} already exists`);
  const variable = {
    uuid: uuidFrom('variable', repo.uuid, body['key'], list.length),
    key: body['key'],
    value: body['value'],
    secured: body['secured'] === true,
  };
  state.variables.set(repo.uuid, [...list, variable]);
  return json(201, variableJson(variable));
}

function updateVariable(state: WritableState, repo: SimRepo, req: SimRequest): SimResponse {
  const variable = (state.variables.get(repo.uuid) ?? []).find((v) =>
    sameId(req.params['variable'] ?? '', v.uuid),
  );
  if (!variable) throw new HttpError(404, 'Variable not found');
  const body = parseBody(req);
  if (!isRecord(body)) throw new HttpError(400, 'Expected a JSON object');
  if (typeof body['key'] === 'string') variable.key = body['key'];
  if (typeof body['value'] === 'string') variable.value = body['value'];
  if (typeof body['secured'] === 'boolean') variable.secured = body['secured'];
  return json(200, variableJson(variable));
}

function deleteVariable(state: WritableState, repo: SimRepo, req: SimRequest): SimResponse {
  const list = state.variables.get(repo.uuid) ?? [];
  const kept = list.filter((v) => !sameId(req.params['variable'] ?? '', v.uuid));
  if (kept.length === list.length) throw new HttpError(404, 'Variable not found');
  state.variables.set(repo.uuid, kept);
  return { status: 204 };
}

const reportKey = (repo: SimRepo, req: SimRequest): string =>
  `${repo.uuid}:${req.params['commit']}:${req.params['report']}`;

function putReport(ws: SimWorkspace, state: WritableState, repo: SimRepo, req: SimRequest): SimResponse {
  const body = parseBody(req);
  if (!isRecord(body) || typeof body['title'] !== 'string' || typeof body['report_type'] !== 'string') {
    throw new HttpError(400, 'A report needs a title and a report_type');
  }
  if (Array.isArray(body['data']) && body['data'].length > 10)
    throw new HttpError(400, 'A report holds at most 10 data elements');
  const report = {
    ...body,
    type: 'report',
    uuid: wrapUuid(uuidFrom('report', reportKey(repo, req))),
    external_id: req.params['report'],
    created_on: ws.now,
    updated_on: ws.now,
  };
  state.reports.set(reportKey(repo, req), report);
  return json(200, report);
}

/** Deleting a report deletes its annotations. (PUT over an existing report keeps them, as the API documents no
 * more than "create or update": the client must not rely on a PUT to clear old annotations.) */
function deleteReport(state: WritableState, repo: SimRepo, req: SimRequest): SimResponse {
  const key = reportKey(repo, req);
  if (!state.reports.delete(key)) throw new HttpError(404, 'Report not found');
  state.annotations.delete(key);
  return { status: 204 };
}

function postAnnotations(
  ws: SimWorkspace,
  state: WritableState,
  repo: SimRepo,
  req: SimRequest,
): SimResponse {
  const key = reportKey(repo, req);
  if (!state.reports.has(key)) throw new HttpError(404, 'Report not found');
  const body = parseBody(req);
  if (!Array.isArray(body)) throw new HttpError(400, 'Expected a list of annotations');
  if (body.length > 100) throw new HttpError(400, 'At most 100 annotations can be sent in one request');
  const existing = state.annotations.get(key) ?? [];
  if (existing.length + body.length > 1000)
    throw new HttpError(400, 'A report holds at most 1000 annotations');
  const created: Json[] = body.map((a, i) => {
    if (!isRecord(a) || typeof a['external_id'] !== 'string' || typeof a['summary'] !== 'string') {
      throw new HttpError(400, `Annotation ${i} needs an external_id and a summary`);
    }
    return {
      ...a,
      type: 'report_annotation',
      uuid: wrapUuid(uuidFrom('annotation', key, a['external_id'])),
      created_on: ws.now,
      updated_on: ws.now,
    };
  });
  state.annotations.set(key, [
    ...existing.filter((e) => !created.some((c) => c['external_id'] === e['external_id'])),
    ...created,
  ]);
  return json(200, created);
}

function getPullRequest(ws: SimWorkspace, repo: SimRepo, req: SimRequest): SimResponse {
  const id = Number(req.params['id']);
  const pipelines = repo.pipelines
    .filter(
      (p): p is SimPipeline & { target: { kind: 'pullrequest' } } =>
        p.target.kind === 'pullrequest' && p.target.pullRequestId === id,
    )
    .filter((p) => isVisible(p, now(ws)))
    .sort((a, b) => Date.parse(a.createdOn) - Date.parse(b.createdOn));
  const first = pipelines[0];
  const newest = pipelines[pipelines.length - 1];
  if (!first || !newest) throw new HttpError(404, `Pull request ${req.params['id'] ?? ''} not found`);
  return json(200, pullRequestJson(ws, repo, newest, first, req.apiUrl));
}

function listStatuses(ws: SimWorkspace, repo: SimRepo, req: SimRequest): SimResponse {
  const latest = new Map<string, Json>();
  for (const p of repo.pipelines.filter((x) => x.target.commit === req.params['commit'])) {
    const s = buildStatusOf(ws, repo, p, now(ws));
    if (!s) continue;
    latest.set(s.key, {
      type: 'build',
      key: s.key,
      name: s.name,
      state: s.state,
      url: s.url,
      refname: s.refName,
      description: '',
      created_on: s.createdOn,
      updated_on: s.updatedOn,
      links: { commit: { href: `${req.apiUrl}/repositories/${ws.slug}/${repo.slug}/commit/${s.commit}` } },
    });
  }
  return paged(req, [...latest.values()]);
}

export function apiRouter(deps: ApiDeps): Router {
  const R = 'repositories/:ws/:repo';
  const P = `${R}/pipelines/:pipeline`;
  const S = `${P}/steps/:step`;
  const with_ =
    (fn: (ws: SimWorkspace, repo: SimRepo, req: SimRequest) => SimResponse) => (req: SimRequest) => {
      const ws = deps.ws();
      return fn(ws, findRepo(ws, req), req);
    };
  return new Router()
    .add('GET', 'repositories/:ws', 'repositories.list', (req) => {
      const ws = deps.ws();
      const id = req.params['ws'] ?? '';
      if (id !== ws.slug && !sameId(id, ws.uuid)) throw new HttpError(404, `Workspace ${id} not found`);
      return paged(
        req,
        ws.repos.map((r) => repositoryJson(ws, r, req.apiUrl)),
      );
    })
    .add(
      'GET',
      R,
      'repositories.get',
      with_((ws, repo, req) => json(200, repositoryJson(ws, repo, req.apiUrl))),
    )
    .add('GET', `${R}/pipelines`, 'pipelines.list', with_(listPipelines))
    .add(
      'GET',
      P,
      'pipelines.get',
      with_((ws, repo, req) =>
        json(200, pipelineJson(ws, repo, pipelineView(findPipeline(ws, repo, req), now(ws)), req.apiUrl)),
      ),
    )
    .add(
      'GET',
      `${P}/steps`,
      'steps.list',
      with_((ws, repo, req) => {
        const p = findPipeline(ws, repo, req);
        return paged(
          req,
          p.steps.map((s) => stepJson(p, stepView(s, now(ws)))),
        );
      }),
    )
    .add(
      'GET',
      S,
      'steps.get',
      with_((ws, repo, req) => {
        const { pipeline, view } = findStep(ws, repo, req);
        return json(200, stepJson(pipeline, view));
      }),
    )
    .add(
      'GET',
      `${S}/test_reports`,
      'test_reports.summary',
      with_((ws, repo, req) => json(200, testSummaryJson(requireRows(ws, repo, req)))),
    )
    .add(
      'GET',
      `${S}/test_reports/test_cases`,
      'test_cases.list',
      with_((ws, repo, req) => {
        const statuses = deps.testCaseStatusFilter ? req.query.getAll('status') : [];
        const rows = requireRows(ws, repo, req).filter(
          (r) => statuses.length === 0 || statuses.includes(r.status),
        );
        return paged(req, rows.map(testCaseJson));
      }),
    )
    .add(
      'GET',
      `${S}/test_reports/test_cases/:case/test_case_reasons`,
      'test_case_reasons.list',
      with_((ws, repo, req) => {
        const row = requireRows(ws, repo, req).find((r) => sameId(req.params['case'] ?? '', r.uuid));
        if (!row) throw new HttpError(404, 'Test case not found');
        const [first, ...rest] = (row.message ?? '').split('\n');
        return paged(
          req,
          row.message ? [{ type: 'test_case_reason', message: first, stack_trace: rest.join('\n') }] : [],
        );
      }),
    )
    .add(
      'GET',
      `${S}/log`,
      'log.redirect',
      with_((ws, repo, req) => stepLog(deps, ws, repo, req)),
    )
    .add('GET', `${R}/src/:commit/:file`, 'src.get', with_(sourceFile))
    .add(
      'GET',
      `${R}/pipelines_config/variables`,
      'variables.list',
      with_((_ws, repo, req) => paged(req, (deps.state.variables.get(repo.uuid) ?? []).map(variableJson))),
    )
    .add(
      'POST',
      `${R}/pipelines_config/variables`,
      'variables.create',
      with_((_ws, repo, req) => createVariable(deps.state, repo, req)),
    )
    .add(
      'PUT',
      `${R}/pipelines_config/variables/:variable`,
      'variables.update',
      with_((_ws, repo, req) => updateVariable(deps.state, repo, req)),
    )
    .add(
      'DELETE',
      `${R}/pipelines_config/variables/:variable`,
      'variables.delete',
      with_((_ws, repo, req) => deleteVariable(deps.state, repo, req)),
    )
    .add(
      'PUT',
      `${R}/commit/:commit/reports/:report`,
      'reports.put',
      with_((ws, repo, req) => putReport(ws, deps.state, repo, req)),
    )
    .add(
      'DELETE',
      `${R}/commit/:commit/reports/:report`,
      'reports.delete',
      with_((_ws, repo, req) => deleteReport(deps.state, repo, req)),
    )
    .add(
      'POST',
      `${R}/commit/:commit/reports/:report/annotations`,
      'annotations.create',
      with_((ws, repo, req) => postAnnotations(ws, deps.state, repo, req)),
    )
    .add('GET', `${R}/commit/:commit/statuses`, 'statuses.list', with_(listStatuses))
    .add('GET', `${R}/pullrequests/:id`, 'pullrequests.get', with_(getPullRequest));
}
