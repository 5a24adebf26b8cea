/**
 * The commit build statuses Pipelines sets, and the Forge events they produce: `avi:bitbucket:updated:build-status`
 * for each pipeline state change, `avi:bitbucket:completed:deployment` for finished deployment steps. Shapes follow
 * the Forge events reference (reference/examples/forge-build-status-event.json).
 */
import { wrapUuid } from '../domain/uuid';
import type { SimPipeline, SimRepo, SimWorkspace } from './model';
import { uuidFrom } from './prng';
import { isVisible, pipelineView, stepView } from './view';

export type BuildState = 'SUCCESSFUL' | 'FAILED' | 'STOPPED' | 'INPROGRESS';

export interface SimBuildStatus {
  key: string;
  name: string;
  state: BuildState;
  url: string;
  refName: string;
  commit: string;
  createdOn: string;
  updatedOn: string;
  buildNumber: number;
}

const refOf = (p: SimPipeline): string => (p.target.kind === 'branch' ? p.target.branch : p.target.source);

/** Both URL forms are seen in the wild; alternate by build number so parsers meet each. */
export function resultUrl(ws: SimWorkspace, repo: SimRepo, buildNumber: number): string {
  return buildNumber % 2 === 0
    ? `https://bitbucket.org/${ws.slug}/${repo.slug}/pipelines/results/${buildNumber}`
    : `https://bitbucket.org/${ws.slug}/${repo.slug}/addon/pipelines/home#!/results/${buildNumber}`;
}

/** The status of one pipeline at `now`, or undefined while it is not created yet. */
export function buildStatusOf(
  ws: SimWorkspace,
  repo: SimRepo,
  p: SimPipeline,
  now: number,
): SimBuildStatus | undefined {
  if (!isVisible(p, now)) return undefined;
  const view = pipelineView(p, now);
  const state: BuildState =
    view.state !== 'COMPLETED'
      ? 'INPROGRESS'
      : view.result === 'SUCCESSFUL'
        ? 'SUCCESSFUL'
        : view.result === 'STOPPED'
          ? 'STOPPED'
          : 'FAILED';
  return {
    // Pipelines reuses one opaque key per commit and pipeline definition, so a rerun updates the same status.
    key: uuidFrom('status', repo.uuid, p.target.commit, p.target.kind).replace(/-/g, '').slice(0, 20),
    name: `Pipeline #${p.buildNumber} for ${refOf(p)}`,
    state,
    url: resultUrl(ws, repo, p.buildNumber),
    refName: refOf(p),
    commit: p.target.commit,
    createdOn: p.createdOn,
    updatedOn: view.completedOn ?? view.runCreationDate,
    buildNumber: p.buildNumber,
  };
}

function findRepo(ws: SimWorkspace, repoSlug: string): SimRepo {
  const repo = ws.repos.find((r) => r.slug === repoSlug);
  if (!repo) throw new Error(`no repository ${repoSlug} in the simulated workspace`);
  return repo;
}

function envelope(ws: SimWorkspace, repo: SimRepo, at: string): Record<string, unknown> {
  return {
    timestamp: at,
    actor: {
      type: 'user',
      accountId: '5ffed3379edf280075d75b20',
      uuid: wrapUuid(uuidFrom('actor', ws.uuid)),
    },
    repository: { uuid: wrapUuid(repo.uuid), slug: repo.slug },
    project: { uuid: wrapUuid(uuidFrom('project', ws.uuid)) },
    workspace: { uuid: wrapUuid(ws.uuid) },
    selfGenerated: false,
  };
}

/** One `updated:build-status` event per pipeline run visible at `now` (its latest state). */
export function buildStatusEventsFor(ws: SimWorkspace, repoSlug: string): Record<string, unknown>[] {
  const repo = findRepo(ws, repoSlug);
  const now = Date.parse(ws.now);
  return repo.pipelines.flatMap((p) => {
    const status = buildStatusOf(ws, repo, p, now);
    if (!status) return [];
    return [
      {
        ...envelope(ws, repo, status.updatedOn),
        buildStatus: {
          key: status.key,
          name: status.name,
          state: status.state,
          url: status.url,
          commit: { hash: status.commit },
          createdOn: status.createdOn,
          updatedOn: status.updatedOn,
          refName: status.refName,
        },
        eventType: 'avi:bitbucket:updated:build-status',
      },
    ];
  });
}

/** One `completed:deployment` event per deployment step attempt finished by `now`. */
export function deploymentEventsFor(ws: SimWorkspace, repoSlug: string): Record<string, unknown>[] {
  const repo = findRepo(ws, repoSlug);
  const now = Date.parse(ws.now);
  return repo.pipelines
    .filter((p) => isVisible(p, now))
    .flatMap((p) =>
      p.steps.flatMap((step) => {
        const view = stepView(step, now);
        const env = step.deploymentEnvironment;
        if (!env || view.state !== 'COMPLETED' || !view.attempt || view.result === 'NOT_RUN') return [];
        const status =
          view.result === 'SUCCESSFUL' ? 'SUCCESSFUL' : view.result === 'STOPPED' ? 'STOPPED' : 'FAILED';
        return [
          {
            ...envelope(ws, repo, view.attempt.completedOn),
            pipeline: { uuid: wrapUuid(p.uuid) },
            deployment: {
              uuid: wrapUuid(uuidFrom('deployment', step.uuid, view.attempt.runNumber)),
              state: { name: 'COMPLETED', status: { name: status } },
            },
            environment: { uuid: wrapUuid(env.uuid), type: 'deployment_environment', name: env.name },
            eventType: 'avi:bitbucket:completed:deployment',
          },
        ];
      }),
    );
}
