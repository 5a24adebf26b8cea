import { startSimServer, type SimServer } from '../../src/sim/server';
import type { SimWorkspace } from '../../src/sim/model';
import { allPages, getJson, workspace, type Page } from './helpers';

interface PipelineJson {
  uuid: string;
  build_number: number;
  run_number: number;
  created_on: string;
  run_creation_date?: string;
  state: { name: string; result?: { name: string } };
  target: { type: string; commit: { hash: string }; pullrequest?: { id: number }; source?: string };
}
interface StepJson {
  uuid: string;
  name: string;
  run_number: number;
  trigger: { type: string };
  state: { name: string; result?: { name: string } };
  maxTime?: number;
  max_time?: number;
}

let server: SimServer;
let ws: SimWorkspace;
const repoPath = (): string => `${server.apiUrl}/repositories/acme/web-app`;
const enc = (uuid: string): string => encodeURIComponent(uuid);

beforeAll(async () => {
  ws = workspace();
  server = await startSimServer({ workspace: ws });
});
afterAll(() => server.close());

describe('repositories', () => {
  it('lists the workspace repositories with Bitbucket fields', async () => {
    const { values } = await allPages<{
      slug: string;
      mainbranch: { name: string };
      workspace: { slug: string };
      uuid: string;
    }>(`${server.apiUrl}/repositories/acme`);
    expect(values.map((r) => [r.slug, r.mainbranch.name])).toEqual([
      ['web-app', 'main'],
      ['payments-api', 'master'],
      ['infra-scripts', 'main'],
    ]);
    expect(values[0]?.uuid).toMatch(/^\{[0-9a-f-]{36}\}$/);
  });

  it('accepts braced UUIDs, URL-encoded, for workspace and repository', async () => {
    const repo = ws.repos[1];
    const { status, body } = await getJson(
      `${server.apiUrl}/repositories/${enc(`{${ws.uuid}}`)}/${enc(`{${repo?.uuid}}`)}`,
    );
    expect(status).toBe(200);
    expect((body as { slug: string }).slug).toBe('payments-api');
  });

  it('answers unknown resources with a Bitbucket error body', async () => {
    const { status, body } = await getJson(`${server.apiUrl}/repositories/acme/nope`);
    expect(status).toBe(404);
    expect(body).toEqual({ type: 'error', error: { message: expect.stringContaining('nope') } });
  });
});

describe('pipelines', () => {
  it('pages with absolute next links and caps pagelen at 100', async () => {
    const first = (await getJson(`${repoPath()}/pipelines?pagelen=500`)).body as Page<PipelineJson>;
    expect(first.pagelen).toBe(100);
    expect(first.next).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/2\.0\/repositories\/acme\/web-app\/pipelines\?.*page=2/,
    );
    const { values, pages } = await allPages<PipelineJson>(`${repoPath()}/pipelines?pagelen=50`);
    expect(pages).toBe(Math.ceil(first.size / 50));
    expect(new Set(values.map((p) => p.uuid)).size).toBe(first.size);
  });

  it('sorts by creation and by run creation date, both directions', async () => {
    const asc = (await getJson(`${repoPath()}/pipelines?pagelen=100&sort=created_on`))
      .body as Page<PipelineJson>;
    const times = asc.values.map((p) => Date.parse(p.created_on));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const byRun = (await getJson(`${repoPath()}/pipelines?pagelen=5&sort=-run_creation_date`))
      .body as Page<PipelineJson>;
    const runTimes = byRun.values.map((p) => Date.parse(p.run_creation_date ?? p.created_on));
    expect(runTimes).toEqual([...runTimes].sort((a, b) => b - a));
  });

  it('filters by commit, branch and status', async () => {
    const rerun = ws.truth.repos['web-app']?.sameCommitReruns[0];
    const byCommit = await allPages<PipelineJson>(
      `${repoPath()}/pipelines?target.commit.hash=${rerun?.commit}&fields=values.uuid`,
    );
    expect(byCommit.values.map((p) => p.build_number).sort((a, b) => a - b)).toEqual(rerun?.buildNumbers);
    const failed = await allPages<PipelineJson>(`${repoPath()}/pipelines?status=FAILED&pagelen=100`);
    expect(failed.values.every((p) => p.state.result?.name === 'FAILED')).toBe(true);
    const main = await allPages<PipelineJson>(`${repoPath()}/pipelines?target.branch=main&pagelen=100`);
    expect(main.values.every((p) => p.target.type === 'pipeline_ref_target')).toBe(true);
  });

  it('shows pull request targets with the PR id', async () => {
    const { values } = await allPages<PipelineJson>(`${repoPath()}/pipelines?pagelen=100`);
    const pr = values.find((p) => p.target.type === 'pipeline_pullrequest_target');
    expect(pr?.target.pullrequest?.id).toEqual(expect.any(Number));
    expect(pr?.target.source).toMatch(/^feature\//);
  });

  it('shows only the newest attempt of a rerun step: run_number 2, redeploy trigger', async () => {
    const rerun = ws.truth.repos['web-app']?.stepReruns[0];
    const p = (await getJson(`${repoPath()}/pipelines/${enc(`{${rerun?.pipelineUuid}}`)}`))
      .body as PipelineJson;
    expect(p.build_number).toBe(rerun?.buildNumber);
    expect(p.run_number).toBe(2);
    expect(Date.parse(p.run_creation_date ?? '')).toBeGreaterThan(Date.parse(p.created_on));
    const steps = await allPages<StepJson>(`${repoPath()}/pipelines/${enc(p.uuid)}/steps`);
    const step = steps.values.find((s) => s.name === rerun?.stepName);
    expect(step?.run_number).toBe(2);
    expect(step?.trigger.type).toBe('pipeline_step_trigger_redeploy');
    expect(
      steps.values.some((s) => s.maxTime !== undefined) && steps.values.some((s) => s.max_time !== undefined),
    ).toBe(true);
  });
});

describe('test reports', () => {
  const failedTestStep = (): { pipeline: string; step: string; failed: number; total: number } => {
    const repo = ws.repos[0];
    const now = Date.parse(ws.now);
    for (const p of repo?.pipelines ?? []) {
      for (const s of p.steps) {
        const last = s.attempts[s.attempts.length - 1];
        if (
          last?.tests &&
          last.tests.failed.length > 0 &&
          p.rerunsOn.length === 0 &&
          Date.parse(last.completedOn) < now
        ) {
          return {
            pipeline: p.uuid,
            step: s.uuid,
            failed: last.tests.failed.length,
            total: repo?.suites[last.tests.suite]?.length ?? 0,
          };
        }
      }
    }
    throw new Error('no failed test step');
  };

  it('summarises and lists every case, passed ones included, with reasons for failures', async () => {
    const t = failedTestStep();
    const base = `${repoPath()}/pipelines/${enc(`{${t.pipeline}}`)}/steps/${enc(`{${t.step}}`)}/test_reports`;
    const summary = (await getJson(base)).body as Record<string, number>;
    expect(summary['number_of_test_cases']).toBe(t.total);
    expect((summary['number_of_failed_test_cases'] ?? 0) + (summary['number_of_error_test_cases'] ?? 0)).toBe(
      t.failed,
    );
    const cases = await allPages<{ uuid: string; status: string; duration: string }>(
      `${base}/test_cases?pagelen=100`,
    );
    expect(cases.values).toHaveLength(t.total);
    expect(cases.pages).toBe(Math.ceil(t.total / 100));
    expect(cases.values[0]?.duration).toMatch(/^PT\d+(\.\d+)?S$/);
    const failed = cases.values.find((c) => c.status === 'FAILED' || c.status === 'ERROR');
    const reasons = (await getJson(`${base}/test_cases/${enc(failed?.uuid ?? '')}/test_case_reasons`))
      .body as Page<{ message: string }>;
    expect(reasons.values[0]?.message.length).toBeGreaterThan(0);
  });

  it('answers 404 for a step without tests', async () => {
    const p = ws.repos[0]?.pipelines[0];
    const install = p?.steps.find((s) => s.name === 'Install');
    const { status } = await getJson(
      `${repoPath()}/pipelines/${enc(`{${p?.uuid}}`)}/steps/${enc(`{${install?.uuid}}`)}/test_reports`,
    );
    expect(status).toBe(404);
  });
});

describe('configuration, variables and Code Insights', () => {
  it('serves bitbucket-pipelines.yml at a known commit and 404 for other files', async () => {
    const commit = ws.repos[0]?.pipelines[0]?.target.commit;
    const yml = await fetch(`${repoPath()}/src/${commit}/bitbucket-pipelines.yml`);
    expect(await yml.text()).toContain('- parallel:');
    expect((await fetch(`${repoPath()}/src/${commit}/README.md`)).status).toBe(404);
  });

  it('keeps variables in memory and hides secured values', async () => {
    const created = await getJson(`${repoPath()}/pipelines_config/variables`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'TOKEN', value: 's3cret', secured: true }),
    });
    expect(created.status).toBe(201);
    const { values } = await allPages<{ key: string; value?: string; uuid: string }>(
      `${repoPath()}/pipelines_config/variables`,
    );
    expect(values).toEqual([expect.objectContaining({ key: 'TOKEN' })]);
    expect(values[0]?.value).toBeUndefined();
    const del = await fetch(`${repoPath()}/pipelines_config/variables/${enc(values[0]?.uuid ?? '')}`, {
      method: 'DELETE',
    });
    expect(del.status).toBe(204);
  });

  it('accepts a report and at most 100 annotations per call', async () => {
    const commit = ws.repos[0]?.pipelines[0]?.target.commit;
    const report = `${repoPath()}/commit/${commit}/reports/pipeline-insights`;
    const put = await fetch(report, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Flaky tests', report_type: 'TEST' }),
    });
    expect(put.status).toBe(200);
    const annotations = (n: number): string =>
      JSON.stringify(
        Array.from({ length: n }, (_, i) => ({
          external_id: `a${i}`,
          summary: 'flaky',
          annotation_type: 'BUG',
        })),
      );
    const ok = await fetch(`${report}/annotations`, { method: 'POST', body: annotations(100) });
    expect(ok.status).toBe(200);
    const tooMany = await fetch(`${report}/annotations`, { method: 'POST', body: annotations(101) });
    expect(tooMany.status).toBe(400);
  });

  it('lists the Pipelines build statuses of a commit', async () => {
    const commit = ws.repos[0]?.pipelines[0]?.target.commit;
    const { values } = await allPages<{ state: string; url: string }>(
      `${repoPath()}/commit/${commit}/statuses`,
    );
    expect(values[0]?.url).toMatch(/results\/\d+$/);
  });
});

describe('counting', () => {
  it('counts requests by endpoint name', async () => {
    server.resetStats();
    await fetch(`${repoPath()}/pipelines`);
    await fetch(`${repoPath()}/pipelines`);
    await fetch(`${server.apiUrl}/repositories/acme`);
    expect(server.stats.byEndpoint).toEqual({ 'pipelines.list': 2, 'repositories.list': 1 });
    expect(server.stats.requests).toBe(3);
  });
});
