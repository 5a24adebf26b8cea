/**
 * The evaluation generator: a scenario in, per workspace a plan in the format the simulated Bitbucket serves
 * (`SimWorkspace` of src/sim/model.ts, projected at a movable `now` by src/sim/server.ts) and the ground truth
 * beside it. Its model of tests, commits and people is its own (commit-graph.ts, behaviour.ts, pipelines.ts);
 * only the serving layer is shared with the demo simulator.
 */
import { stringify } from 'yaml';
import type { SimPipeline, SimRepo, SimWorkspace } from '../../src/sim/model';
import { planTests, truthTests, type RepoTests } from './behaviour';
import { buildCommitGraph, type CommitGraph } from './commit-graph';
import {
  plansForPush,
  runPipeline,
  type PipelinePlan,
  type PlannedPipeline,
  type RepoContext,
  type Slowdown,
  type Window,
} from './pipelines';
import { createRng, draw, drawInt, HOUR_MS, iso, MINUTE_MS, type Rng } from './random';
import type { RepoConfig, Scenario, WorkspaceConfig } from './scenario';
import type { TruthRepo, TruthSlowdown, TruthWorkspace } from './truth';

export interface GeneratedWorkspace {
  workspace: SimWorkspace;
  truth: TruthWorkspace;
  /** When the history starts, and a moment after every attempt has completed. */
  start: number;
  end: number;
  /** The commit graph of each repository (by slug), for checks; not served. */
  graphs: Record<string, CommitGraph>;
}

export interface Generated {
  scenario: Scenario;
  workspaces: GeneratedWorkspace[];
}

const LANGUAGE: Record<string, string> = {
  jest: 'typescript',
  mocha: 'javascript',
  pytest: 'python',
  junit: 'java',
  go: 'go',
  rspec: 'ruby',
  dotnet: 'c#',
  phpunit: 'php',
  xctest: 'swift',
  nextest: 'rust',
};

function outageWindows(rng: Rng, ws: WorkspaceConfig, start: number): Window[] {
  return ws.outages.map((o) => {
    const from = start + draw(rng, o.atHour) * HOUR_MS;
    return {
      from,
      to: from + draw(rng, o.hours) * HOUR_MS,
      stepFailShare: o.stepFailShare,
      suiteFailShare: o.suiteFailShare,
      suiteShare: o.suiteShare,
    };
  });
}

/** Pipelines run by hand on an older default-branch commit while newer ones exist (a re-deploy, a bisect). */
function olderCommitPlans(rng: Rng, cfg: RepoConfig, graph: CommitGraph): PipelinePlan[] {
  const plans: PipelinePlan[] = [];
  for (let i = 0; i < cfg.reruns.olderCommits; i++) {
    const at = graph.start + (0.35 + rng.next() * 0.55) * (graph.end - graph.start);
    const landed = graph.main.filter((m) => (graph.commits[m]?.at ?? Infinity) < at);
    if (landed.length < 4) continue;
    const back = rng.int(2, Math.min(15, landed.length - 2));
    const code = landed[landed.length - 1 - back];
    if (code === undefined) continue;
    plans.push({
      createdOn: at,
      trigger: 'MANUAL',
      code,
      branch: graph.mainBranch,
      defaultBranch: true,
      author: rng.pick(graph.developers),
    });
  }
  return plans;
}

/** The default-branch commit of the slowdown: the newest with at least `runsAfter` planned runs of the step. */
function placeSlowdown(
  rng: Rng,
  cfg: RepoConfig,
  graph: CommitGraph,
  tests: RepoTests,
  plans: PipelinePlan[],
): Slowdown | undefined {
  const spec = cfg.durations.slowdown;
  if (!spec) return undefined;
  const steps = tests.steps.filter((s) => s.config.name === spec.step || s.name === spec.step);
  if (steps.length === 0) throw new Error(`${cfg.slug}: slowdown of unknown step "${spec.step}"`);
  const mainOnly = steps.every((s) => s.config.mainOnly);
  const target = drawInt(rng, spec.runsAfter);
  const runsOn = plans.filter((p) => p.defaultBranch || !mainOnly);
  for (let position = graph.main.length - 1; position > 0; position--) {
    const commit = graph.main[position] ?? 0;
    if (runsOn.filter((p) => graph.commits[p.code]?.ancestors.has(commit)).length >= target)
      return { steps: new Set(steps.map((s) => s.name)), factor: spec.factor, commit };
  }
  return undefined;
}

function pipelinesYml(tests: RepoTests, cfg: RepoConfig): string {
  const group = (g: number) => tests.steps.filter((s) => s.group === g && !s.config.mainOnly);
  const stepYml = (s: (typeof tests.steps)[number]) => ({
    step: {
      name: s.name,
      ...(s.config.size > 1 ? { size: `${s.config.size}x` } : {}),
      script: [s.config.kind === 'test' ? 'make test' : `make ${s.config.kind}`],
    },
  });
  const section = [0, 1].flatMap((g): unknown[] => {
    const steps = group(g);
    return steps.length > 1 ? [{ parallel: steps.map(stepYml) }] : steps.map(stepYml);
  });
  const deploy = tests.steps.filter((s) => s.config.mainOnly).map(stepYml);
  return stringify({
    image: 'atlassian/default-image:4',
    pipelines: {
      branches: { [cfg.mainBranch]: [...section, ...deploy], '**': section },
      'pull-requests': { '**': section },
    },
  });
}

function slowdownTruth(graph: CommitGraph, s: Slowdown, pipelines: PlannedPipeline[]): TruthSlowdown[] {
  const commit = graph.commits[s.commit];
  if (!commit) return [];
  return [...s.steps].map((step) => {
    const affected = pipelines
      .filter((p) => graph.commits[p.plan.code]?.ancestors.has(s.commit))
      .flatMap((p) => p.attempts.filter((a) => a.step === step && a.result !== 'NOT_RUN'));
    const first = affected.reduce<number | undefined>(
      (min, a) => (min === undefined || a.buildNumber < min ? a.buildNumber : min),
      undefined,
    );
    return {
      step,
      factor: s.factor,
      commit: {
        hash: commit.hash,
        at: iso(commit.at),
        ...(commit.mainPosition !== undefined ? { mainPosition: commit.mainPosition } : {}),
      },
      firstPipeline: first ?? -1,
      runsAfter: new Set(affected.map((a) => a.buildNumber)).size,
    };
  });
}

interface BuiltRepo {
  graph: CommitGraph;
  repo: SimRepo;
  truth: TruthRepo;
  end: number;
}

function buildRepo(scenario: Scenario, cfg: RepoConfig, seed: string, outages: Window[]): BuiltRepo {
  const start = Date.parse(scenario.start);
  const graph = buildCommitGraph(createRng(`${seed}:graph`), cfg, start, scenario.days);
  const tests = planTests(createRng(`${seed}:tests`), cfg, graph);
  const rng = createRng(`${seed}:pipelines`);
  const brokenBuilds = new Set(
    graph.pushes
      .filter((p) => p.branch !== graph.mainBranch && rng.chance(cfg.failures.compile))
      .map((p) => p.head),
  );
  const plans = [
    ...graph.pushes.flatMap((push) => plansForPush(graph, cfg, push, rng)),
    ...olderCommitPlans(rng, cfg, graph),
  ];
  const slowdown = placeSlowdown(rng, cfg, graph, tests, plans);
  const ctx: RepoContext = {
    seed,
    cfg,
    graph,
    tests,
    outages,
    brokenBuilds,
    ...(slowdown ? { slowdown } : {}),
  };
  const done: PlannedPipeline[] = [];
  plans.forEach((plan, i) => {
    const run = runPipeline(ctx, plan, i);
    done.push(run);
    const again = plan.defaultBranch ? cfg.reruns.wholePipeline : cfg.reruns.wholePipeline / 2;
    if (!run.green && rng.chance(again)) {
      const last = Math.max(...run.attempts.map((a) => Date.parse(a.completedOn)));
      const rerun: PipelinePlan = {
        ...plan,
        trigger: 'MANUAL',
        createdOn: last + draw(rng, [10, 240]) * MINUTE_MS,
      };
      done.push(runPipeline(ctx, rerun, plans.length + i));
    }
  });
  done.sort((a, b) => a.plan.createdOn - b.plan.createdOn);
  const firstBuild = rng.int(40, 900);
  done.forEach((p, i) => {
    p.pipeline.buildNumber = firstBuild + i;
    for (const a of p.attempts) a.buildNumber = firstBuild + i;
  });
  const pipelines: SimPipeline[] = done.map((p) => p.pipeline);
  const attempts = done.flatMap((p) => p.attempts);
  const end = Math.max(...attempts.map((a) => Date.parse(a.completedOn)));
  const uuid = rng.uuid();
  const slowdowns = slowdown ? slowdownTruth(graph, slowdown, done) : [];
  const repo: SimRepo = {
    uuid,
    slug: cfg.slug,
    name: cfg.slug.replace(/-/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()),
    mainBranch: cfg.mainBranch,
    language: LANGUAGE[cfg.family] ?? 'other',
    createdOn: iso(start - 400 * 24 * HOUR_MS),
    suites: tests.suites,
    pipelines,
    brokenYmlCommits: [],
    pipelinesYml: pipelinesYml(tests, cfg),
  };
  const truth: TruthRepo = {
    slug: cfg.slug,
    uuid,
    mainBranch: cfg.mainBranch,
    tests: truthTests(graph, tests),
    suiteSize: Object.values(tests.suites).reduce((n, s) => n + s.length, 0),
    steps: tests.steps.map((s) => s.name),
    noisySteps: tests.steps
      .filter((s) => cfg.durations.noisy.some((n) => n.step === s.config.name || n.step === s.name))
      .map((s) => s.name),
    slowdowns,
    pipelines: done.map((p) => ({
      uuid: p.pipeline.uuid,
      buildNumber: p.pipeline.buildNumber,
      createdOn: p.pipeline.createdOn,
      commit: p.pipeline.target.commit,
      rerunsOn: p.pipeline.rerunsOn,
    })),
    attempts,
    outages: outages.map((o) => ({ from: iso(o.from), to: iso(o.to) })),
    greenRate: done.length === 0 ? 0 : done.filter((p) => p.green).length / done.length,
  };
  return { graph, repo, truth, end };
}

/** Expands `count` copies of a repository entry into their own configurations. */
function repoConfigs(ws: WorkspaceConfig): RepoConfig[] {
  return ws.repos.flatMap((r) =>
    r.count === 1 ? [r] : Array.from({ length: r.count }, (_, i) => ({ ...r, slug: `${r.slug}-${i + 1}` })),
  );
}

export function generate(scenario: Scenario, seed = scenario.seed): Generated {
  const start = Date.parse(scenario.start);
  const workspaces = scenario.workspaces.map((wsConfig): GeneratedWorkspace => {
    const wsSeed = `${scenario.seedKey ?? scenario.name}:${seed}:${wsConfig.slug}`;
    const wsRng = createRng(wsSeed);
    const outages = outageWindows(wsRng, wsConfig, start);
    const built = repoConfigs(wsConfig).map((cfg) =>
      buildRepo(scenario, cfg, `${wsSeed}:${cfg.slug}`, outages),
    );
    const end = Math.max(...built.map((b) => b.end)) + HOUR_MS;
    const workspace: SimWorkspace = {
      slug: wsConfig.slug,
      uuid: wsRng.uuid(),
      name: wsConfig.slug.replace(/-/g, ' '),
      seed,
      now: iso(start),
      repos: built.map((b) => b.repo),
      // The serving layer reads only `specs` of the demo's planted facts (to choose a log style); the evaluation
      // keeps its own truth beside the plan.
      planted: {
        specs: [],
        slowingSince: {},
        infraBursts: [],
        flaky: [],
        broken: [],
        failures: [],
        incidents: [],
        pullRequestBreakages: [],
        hostileTestName: '',
        repoState: {},
      },
      truth: { repos: {}, infraBursts: [], hostileTestName: '' },
    };
    const truth: TruthWorkspace = {
      slug: wsConfig.slug,
      repos: built.map((b) => b.truth),
      outages: outages.map((o) => ({ from: iso(o.from), to: iso(o.to) })),
    };
    return {
      workspace,
      truth,
      start,
      end,
      graphs: Object.fromEntries(built.map((b) => [b.repo.slug, b.graph])),
    };
  });
  return { scenario, workspaces };
}
