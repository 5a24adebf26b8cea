/**
 * Bitbucket REST API 2.0 JSON for the simulated objects, shaped like the captured responses: braced UUIDs, `type`
 * on every object, `links`, nested `state.result`, `target.commit.hash`.
 */
import { wrapUuid } from '../domain/uuid';
import type { SimPipeline, SimRepo, SimTestDef, SimTestStatus, SimWorkspace } from './model';
import { uuidFrom } from './prng';
import type { PipelineView, StepView } from './view';

export type Json = Record<string, unknown>;

const WEB = 'https://bitbucket.org';
const href = (url: string): Json => ({ href: url });

export function repositoryJson(ws: SimWorkspace, repo: SimRepo, apiUrl: string): Json {
  const fullName = `${ws.slug}/${repo.slug}`;
  return {
    type: 'repository',
    uuid: wrapUuid(repo.uuid),
    full_name: fullName,
    name: repo.name,
    slug: repo.slug,
    is_private: true,
    scm: 'git',
    language: repo.language,
    created_on: repo.createdOn,
    updated_on: ws.now,
    mainbranch: { type: 'branch', name: repo.mainBranch },
    workspace: {
      type: 'workspace',
      uuid: wrapUuid(ws.uuid),
      slug: ws.slug,
      name: ws.name,
      links: { html: href(`${WEB}/${ws.slug}/`) },
    },
    links: { self: href(`${apiUrl}/repositories/${fullName}`), html: href(`${WEB}/${fullName}`) },
  };
}

function repositoryRef(ws: SimWorkspace, repo: SimRepo): Json {
  const fullName = `${ws.slug}/${repo.slug}`;
  return {
    type: 'repository',
    name: repo.name,
    full_name: fullName,
    uuid: wrapUuid(repo.uuid),
    links: { html: href(`${WEB}/${fullName}`) },
  };
}

function commitJson(ws: SimWorkspace, repo: SimRepo, hash: string): Json {
  return { type: 'commit', hash, links: { html: href(`${WEB}/${ws.slug}/${repo.slug}/commits/${hash}`) } };
}

function targetJson(ws: SimWorkspace, repo: SimRepo, p: SimPipeline): Json {
  const t = p.target;
  if (t.kind === 'branch') {
    return {
      type: 'pipeline_ref_target',
      ref_type: 'branch',
      ref_name: t.branch,
      selector: t.selector === 'default' ? { type: 'default' } : { type: 'branches', pattern: t.pattern },
      commit: commitJson(ws, repo, t.commit),
    };
  }
  return {
    type: 'pipeline_pullrequest_target',
    source: t.source,
    destination: t.destination,
    destination_commit: { type: 'commit', hash: t.destinationCommit },
    commit: commitJson(ws, repo, t.commit),
    pullrequest: {
      type: 'pullrequest',
      id: t.pullRequestId,
      title: t.title,
      draft: false,
      links: { html: href(`${WEB}/${ws.slug}/${repo.slug}/pull-requests/${t.pullRequestId}`) },
    },
    selector: { type: 'pull-requests', pattern: '**' },
  };
}

function pipelineStateJson(view: PipelineView): Json {
  if (view.state !== 'COMPLETED') {
    const stage = view.stage ?? 'RUNNING';
    return {
      type: 'pipeline_state_in_progress',
      name: 'IN_PROGRESS',
      stage: { name: stage, type: `pipeline_state_in_progress_${stage.toLowerCase()}` },
    };
  }
  const result = view.result ?? 'SUCCESSFUL';
  const error = view.pipeline.configError;
  return {
    type: 'pipeline_state_completed',
    name: 'COMPLETED',
    result: {
      name: result,
      type: `pipeline_state_completed_${result.toLowerCase()}`,
      ...(error ? { error: { type: 'pipeline_error', ...error } } : {}),
    },
  };
}

export function pipelineJson(ws: SimWorkspace, repo: SimRepo, view: PipelineView, apiUrl: string): Json {
  const p = view.pipeline;
  const self = `${apiUrl}/repositories/${ws.slug}/${repo.slug}/pipelines/${encodeURIComponent(wrapUuid(p.uuid))}`;
  return {
    type: 'pipeline',
    uuid: wrapUuid(p.uuid),
    build_number: p.buildNumber,
    run_number: view.runNumber,
    created_on: p.createdOn,
    ...(view.runNumber > 1 ? { run_creation_date: view.runCreationDate } : {}),
    ...(view.completedOn ? { completed_on: view.completedOn } : {}),
    duration_in_seconds: view.durationSeconds,
    build_seconds_used: view.buildSecondsUsed,
    first_successful: false,
    expired: false,
    has_variables: false,
    repository: repositoryRef(ws, repo),
    state: pipelineStateJson(view),
    creator: {
      type: 'user',
      display_name: p.author,
      uuid: wrapUuid(uuidFrom('user', p.author)),
      account_id: uuidFrom('account', p.author).replace(/-/g, '').slice(0, 24),
    },
    target: targetJson(ws, repo, p),
    trigger: { name: p.trigger, type: `pipeline_trigger_${p.trigger.toLowerCase()}` },
    links: { self: href(self), steps: href(`${self}/steps`) },
  };
}

function stepStateJson(view: StepView): Json {
  if (view.state === 'PENDING') return { type: 'pipeline_step_state_pending', name: 'PENDING' };
  if (view.state === 'IN_PROGRESS') return { type: 'pipeline_step_state_in_progress', name: 'IN_PROGRESS' };
  const result = view.result ?? 'SUCCESSFUL';
  const error = view.attempt?.error;
  return {
    type: 'pipeline_step_state_completed',
    name: 'COMPLETED',
    result: {
      name: result,
      type: `pipeline_step_state_completed_${result.toLowerCase()}`,
      ...(error ? { error: { type: 'pipeline_step_error', ...error } } : {}),
    },
  };
}

export function stepJson(pipeline: SimPipeline, view: StepView): Json {
  const { step, attempt } = view;
  const started = view.state !== 'PENDING' && attempt;
  const done = view.state === 'COMPLETED' && attempt;
  return {
    type: 'pipeline_step',
    uuid: wrapUuid(step.uuid),
    name: step.name,
    run_number: attempt?.runNumber ?? 1,
    pipeline: { type: 'pipeline', uuid: wrapUuid(pipeline.uuid) },
    trigger: {
      type:
        attempt?.trigger ??
        (step.manual ? 'pipeline_step_trigger_manual' : 'pipeline_step_trigger_automatic'),
    },
    state: stepStateJson(view),
    image: { name: step.image },
    [step.maxTimeField]: step.maxTimeMinutes,
    ...(started ? { started_on: attempt.startedOn } : {}),
    ...(done ? { completed_on: attempt.completedOn, duration_in_seconds: attempt.durationSeconds } : {}),
    build_seconds_used: done ? attempt.buildSecondsUsed : 0,
  };
}

export interface TestCaseRow {
  def: SimTestDef;
  status: SimTestStatus;
  durationMs: number;
  uuid: string;
  message?: string;
}

/** ISO-8601 duration as Bitbucket writes it: `PT0.123S`. */
export function isoDuration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}S`;
}

export function testCaseJson(row: TestCaseRow): Json {
  return {
    type: 'test_case',
    uuid: wrapUuid(row.uuid),
    name: row.def.name,
    fully_qualified_name: row.def.fullyQualifiedName,
    package_name: row.def.packageName,
    status: row.status,
    duration: isoDuration(row.durationMs),
  };
}

export function testSummaryJson(rows: TestCaseRow[]): Json {
  const count = (status: SimTestStatus): number => rows.filter((r) => r.status === status).length;
  return {
    type: 'test_report',
    number_of_test_cases: rows.length,
    number_of_successful_test_cases: count('PASSED'),
    number_of_failed_test_cases: count('FAILED'),
    number_of_error_test_cases: count('ERROR'),
    number_of_skipped_test_cases: count('SKIPPED'),
  };
}

export function errorJson(message: string, detail?: string): Json {
  return { type: 'error', error: { message, ...(detail ? { detail } : {}) } };
}

/**
 * A pull request as `GET .../pullrequests/{id}` shows it, from the pipelines of its commits (`newest` is the one
 * of its newest push). Bitbucket gives pull-request commits as 12-character hashes.
 */
export function pullRequestJson(
  ws: SimWorkspace,
  repo: SimRepo,
  newest: SimPipeline & { target: { kind: 'pullrequest' } },
  first: SimPipeline,
  apiUrl: string,
): Json {
  const t = newest.target;
  const fullName = `${ws.slug}/${repo.slug}`;
  const side = (branch: string, commit: string): Json => ({
    branch: { name: branch },
    commit: { type: 'commit', hash: commit.slice(0, 12) },
    repository: repositoryRef(ws, repo),
  });
  return {
    type: 'pullrequest',
    id: t.pullRequestId,
    title: t.title,
    state: 'OPEN',
    author: { type: 'user', display_name: newest.author },
    source: side(t.source, t.commit),
    destination: side(t.destination, t.destinationCommit),
    created_on: first.createdOn,
    updated_on: newest.createdOn,
    links: {
      self: href(`${apiUrl}/repositories/${fullName}/pullrequests/${t.pullRequestId}`),
      html: href(`${WEB}/${fullName}/pull-requests/${t.pullRequestId}`),
    },
  };
}
