/**
 * The simulator's pull requests: `GET .../pullrequests/{id}` as the merge check reads it, and the pull request that
 * breaks a test (a new failure in its newest pipeline only).
 */
import { startSimServer, type SimServer } from '../../src/sim/server';
import type { SimWorkspace } from '../../src/sim/model';
import { pipelineView } from '../../src/sim/view';
import { getJson, NOW, workspace } from './helpers';

interface PullRequestJson {
  id: number;
  state: string;
  source: { branch: { name: string }; commit: { hash: string } };
  destination: { branch: { name: string }; commit: { hash: string } };
}

let server: SimServer;
let ws: SimWorkspace;

beforeAll(async () => {
  ws = workspace();
  server = await startSimServer({ workspace: ws });
});
afterAll(() => server.close());

describe('pull requests', () => {
  it('answers a pull request with its newest source commit, 12 characters as Bitbucket gives them, and its branches', async () => {
    const repo = ws.repos.find((r) => r.slug === 'web-app');
    const prPipelines = (repo?.pipelines ?? []).filter(
      (p) => p.target.kind === 'pullrequest' && p.target.pullRequestId === 3,
    );
    const newest = prPipelines.sort((a, b) => a.createdOn.localeCompare(b.createdOn)).pop();
    const { status, body } = await getJson(`${server.apiUrl}/repositories/acme/web-app/pullrequests/3`);
    expect(status).toBe(200);
    const pr = body as PullRequestJson;
    expect(pr).toMatchObject({ id: 3, state: 'OPEN', destination: { branch: { name: 'main' } } });
    expect(pr.source.commit.hash).toBe(newest?.target.commit.slice(0, 12));
    expect(pr.source.branch.name).toBe(newest?.target.kind === 'pullrequest' ? newest.target.source : '');
  });

  it('answers 404 for a pull request that does not exist', async () => {
    expect((await getJson(`${server.apiUrl}/repositories/acme/web-app/pullrequests/99999`)).status).toBe(404);
  });

  it('plants a pull request that breaks a test: its newest pipeline fails on a test no other run failed', () => {
    const breakages = Object.values(ws.truth.repos).flatMap((r) => r.pullRequestBreakages);
    expect(breakages.map((b) => b.repo).sort()).toEqual(['payments-api', 'web-app']);
    for (const b of breakages) {
      const repo = ws.repos.find((r) => r.slug === b.repo);
      const failedElsewhere = (repo?.pipelines ?? []).some(
        (p) =>
          p.uuid !== b.pipelineUuid &&
          p.steps.some((s) =>
            s.attempts.some((a) =>
              a.tests?.failed.some((t) => t.fullyQualifiedName === b.fullyQualifiedName),
            ),
          ),
      );
      expect(failedElsewhere).toBe(false);
      const pipeline = repo?.pipelines.find((p) => p.uuid === b.pipelineUuid);
      const view = pipeline ? pipelineView(pipeline, NOW.getTime()) : undefined;
      expect(view).toMatchObject({ state: 'COMPLETED', result: 'FAILED' });
      expect(view?.steps.filter((s) => s.result === 'NOT_RUN').map((s) => s.step.name)).toEqual(['Build']);
    }
  });
});
