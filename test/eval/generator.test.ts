/**
 * The evaluation generator's invariants: the same seed gives the same history; what the simulated API serves
 * agrees with the ground truth (a broken test fails on exactly the code that contains its break and not its fix,
 * lagging branches do not contain the default branch's newer commits, "Rerun failed steps" hides the attempt it
 * replaces, pipelines run on older commits after newer ones); names reach the API byte for byte.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommitGraph } from '../../bench/eval/commit-graph';
import { generate, type Generated, type GeneratedWorkspace } from '../../bench/eval/generate';
import { LONG_NAME } from '../../bench/eval/names';
import { loadScenarios, ScenarioError, scenariosFromYaml, type Scenario } from '../../bench/eval/scenario';
import type { TruthAttempt } from '../../bench/eval/truth';
import { startSimServer, type SimServer } from '../../src/sim/server';
import { allPages, getJson } from '../sim/helpers';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'eval', 'small.yaml');
const small = (): Scenario => {
  const [s] = scenariosFromYaml(readFileSync(FIXTURE, 'utf8'), 'small.yaml');
  if (!s) throw new Error('small.yaml holds no scenario');
  return s;
};

/** Ancestry by walking parents: independent of the `ancestors` sets the generator keeps. */
function contains(graph: CommitGraph, code: number, commit: number): boolean {
  const seen = new Set<number>();
  const stack = [code];
  while (stack.length) {
    const c = stack.pop() as number;
    if (c === commit) return true;
    if (seen.has(c)) continue;
    seen.add(c);
    stack.push(...(graph.commits[c]?.parents ?? []));
  }
  return false;
}

const indexOf = (graph: CommitGraph, hash: string): number => {
  const c = graph.commits.find((x) => x.hash === hash);
  if (!c) throw new Error(`unknown commit ${hash}`);
  return c.index;
};

let generated: Generated;
let ws: GeneratedWorkspace;
beforeAll(() => {
  generated = generate(small());
  const first = generated.workspaces[0];
  if (!first) throw new Error('no workspace');
  ws = first;
});

describe('evaluation generator', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const again = generate(small());
    expect(JSON.stringify(again.workspaces.map((w) => [w.workspace, w.truth]))).toBe(
      JSON.stringify(generated.workspaces.map((w) => [w.workspace, w.truth])),
    );
    const other = generate(small(), 6);
    expect(other.workspaces[0]?.truth.repos[0]?.pipelines.map((p) => p.commit)).not.toEqual(
      ws.truth.repos[0]?.pipelines.map((p) => p.commit),
    );
  });

  it('plants every behaviour of the scenario with its expected verdict', () => {
    const repo = ws.truth.repos[0];
    const kinds = repo?.tests.map((t) => `${t.kind}:${t.expected}`).sort();
    expect(kinds).toEqual(
      [
        'branch-breakage:fixed',
        'broken:broken',
        'flaky:flaky',
        'flaky:flaky',
        'flaky:flaky',
        'flaky:flaky',
        'short-breakage:fixed',
        'stable:healthy',
        'stable:healthy',
      ].sort(),
    );
    expect(repo?.slowdowns).toHaveLength(1);
    expect(repo?.slowdowns[0]?.runsAfter).toBeGreaterThanOrEqual(8);
  });

  it('fails a breakage on exactly the code that contains its break and not its fix, wherever that code runs', () => {
    const repo = ws.truth.repos[0];
    const graph = ws.graphs['tiny-api'] as CommitGraph;
    const breakages =
      repo?.tests.filter(
        (t) => t.kind === 'broken' || t.kind === 'short-breakage' || t.kind === 'branch-breakage',
      ) ?? [];
    expect(breakages).toHaveLength(3);
    let passedWithoutBreak = 0;
    for (const t of breakages) {
      const since = indexOf(graph, t.since?.hash ?? '');
      const fix = t.fixedAt ? indexOf(graph, t.fixedAt.hash) : undefined;
      const runs = (repo?.attempts ?? []).filter((a) => a.tested && a.step === t.step);
      let failing = 0;
      for (const a of runs) {
        const code = indexOf(graph, a.commit);
        const expected = contains(graph, code, since) && (fix === undefined || !contains(graph, code, fix));
        expect({
          test: t.name,
          attempt: `${a.buildNumber}/${a.runNumber}`,
          failed: a.failures.some((f) => f.name === t.name && f.cause === 'own'),
        }).toEqual({
          test: t.name,
          attempt: `${a.buildNumber}/${a.runNumber}`,
          failed: expected,
        });
        if (expected) failing++;
        if (!expected && Date.parse(a.completedOn) > Date.parse(t.since?.at ?? '')) passedWithoutBreak++;
      }
      expect(failing).toBeGreaterThan(0);
    }
    // Pipelines after the break on code without it (older commits, lagging branches) exist and pass.
    expect(passedWithoutBreak).toBeGreaterThan(0);
  });

  it('keeps lagging branches away from the default branch: no merge of it, many of its commits land meanwhile', () => {
    const graph = ws.graphs['tiny-api'] as CommitGraph;
    const lagging = graph.branches.filter((b) => b.lagging);
    expect(lagging.length).toBeGreaterThan(0);
    for (const b of lagging) {
      const merge = graph.commits[b.mergeCommit];
      const forked = graph.commits[b.forkedFrom];
      const landed = graph.main.filter(
        (m) =>
          (graph.commits[m]?.at ?? 0) > (forked?.at ?? 0) && (graph.commits[m]?.at ?? 0) < (merge?.at ?? 0),
      );
      expect(landed.length).toBeGreaterThanOrEqual(5);
      for (const push of b.pushes) for (const m of landed) expect(contains(graph, push.head, m)).toBe(false);
    }
  });

  it('runs pipelines on older default-branch commits after newer ones, with later build numbers', () => {
    const repo = ws.truth.repos[0];
    const graph = ws.graphs['tiny-api'] as CommitGraph;
    const onMain = (repo?.pipelines ?? []).filter(
      (p) => graph.commits[indexOf(graph, p.commit)]?.mainPosition !== undefined,
    );
    const older = onMain.filter((p) => {
      const position = graph.commits[indexOf(graph, p.commit)]?.mainPosition ?? 0;
      return onMain.some(
        (q) =>
          q.buildNumber < p.buildNumber &&
          (graph.commits[indexOf(graph, q.commit)]?.mainPosition ?? 0) > position,
      );
    });
    expect(older.length).toBeGreaterThanOrEqual(3);
  });

  it('validates scenario files and says where one is wrong', () => {
    expect(loadScenarios().length).toBeGreaterThan(10);
    expect(() =>
      scenariosFromYaml(
        'name: x\nworkspaces: [{ slug: w, repos: [{ slug: r, mainCommits: 2 }] }]\n',
        'bad.yaml',
      ),
    ).toThrow(ScenarioError);
    expect(() =>
      scenariosFromYaml(
        'name: x\nworkspaces: [{ slug: w, repos: [{ slug: r, mainCommits: 2 }] }]\n',
        'bad.yaml',
      ),
    ).toThrow(/bad\.yaml: workspaces\.0\.repos\.0\.mainCommits/);
  });
});

describe('the generated workspace as the simulated API serves it', () => {
  let server: SimServer;
  const base = (): string => `${server.apiUrl}/repositories/${ws.workspace.slug}/tiny-api`;

  beforeAll(async () => {
    server = await startSimServer({ workspace: ws.workspace });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves every test name exactly, twins and names longer than 160 characters included', async () => {
    const repo = ws.truth.repos[0];
    ws.workspace.now = new Date(ws.end).toISOString();
    const twins = repo?.tests.filter((t) => t.twinOf) ?? [];
    expect(twins).toHaveLength(4);
    expect(twins.some((t) => t.name.length > LONG_NAME)).toBe(true);
    const attempt = repo?.attempts.find(
      (a) => a.tested && a.failures.some((f) => twins.some((t) => t.name === f.name)),
    ) as TruthAttempt;
    expect(attempt).toBeDefined();
    const served = await allPages<{ fully_qualified_name: string; status: string }>(
      `${base()}/pipelines/%7B${attempt.pipelineUuid}%7D/steps/%7B${attempt.stepUuid}%7D/test_reports/test_cases?pagelen=100`,
    );
    const names = served.values.map((v) => v.fully_qualified_name);
    for (const t of twins) expect(names).toContain(t.name);
    const failed = served.values
      .filter((v) => v.status !== 'PASSED' && v.status !== 'SKIPPED')
      .map((v) => v.fully_qualified_name)
      .sort();
    expect(failed).toEqual(attempt.failures.map((f) => f.name).sort());
  });

  it('shows a rerun of failed steps as Bitbucket does: same build number, run number bumped, the first attempt gone', async () => {
    const repo = ws.truth.repos[0];
    const rerun = repo?.attempts.find((a) => a.runNumber === 2 && a.result !== 'NOT_RUN');
    expect(rerun).toBeDefined();
    const first = repo?.attempts.find(
      (a) => a.stepUuid === rerun?.stepUuid && a.runNumber === 1,
    ) as TruthAttempt;
    const stepUrl = `${base()}/pipelines/%7B${rerun?.pipelineUuid}%7D/steps/%7B${rerun?.stepUuid}%7D`;
    const pipelineUrl = `${base()}/pipelines/%7B${rerun?.pipelineUuid}%7D`;

    ws.workspace.now = new Date(Date.parse(first.completedOn) + 1000).toISOString();
    const before = (await getJson(stepUrl)).body as {
      run_number: number;
      state: { result: { name: string } };
    };
    expect(before.run_number).toBe(1);
    expect(before.state.result.name).toBe(first.result);
    const pipelineBefore = (await getJson(pipelineUrl)).body as { build_number: number; run_number: number };

    ws.workspace.now = new Date(Date.parse(rerun?.completedOn ?? '') + 1000).toISOString();
    const after = (await getJson(stepUrl)).body as {
      run_number: number;
      state: { result: { name: string } };
    };
    const pipelineAfter = (await getJson(pipelineUrl)).body as { build_number: number; run_number: number };
    expect(after.run_number).toBe(2);
    expect(after.state.result.name).toBe(rerun?.result);
    expect(pipelineAfter.build_number).toBe(pipelineBefore.build_number);
    expect(pipelineAfter.run_number).toBeGreaterThan(pipelineBefore.run_number);
    const steps = await allPages<{ uuid: string; run_number: number }>(`${pipelineUrl}/steps`);
    expect(steps.values.filter((s) => s.uuid === `{${rerun?.stepUuid}}`).map((s) => s.run_number)).toEqual([
      2,
    ]);
  });

  it('lists every pipeline of the truth once, with the build numbers of the truth', async () => {
    ws.workspace.now = new Date(ws.end).toISOString();
    const listed = await allPages<{ build_number: number }>(`${base()}/pipelines?pagelen=100`);
    expect(listed.values.map((p) => p.build_number).sort((a, b) => a - b)).toEqual(
      (ws.truth.repos[0]?.pipelines ?? []).map((p) => p.buildNumber).sort((a, b) => a - b),
    );
  });
});
