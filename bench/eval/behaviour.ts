/**
 * Which tests a repository has, in which step, and how each behaves. A behaviour is a rule over the code a run
 * tests (a commit and its ancestors) and the run's own chance:
 * - flaky: fails each run independently at its rate (so a 25 % test has streaks of three by chance);
 * - becomes-flaky: flaky on code that contains commit X;
 * - broken / short breakage / branch breakage: fails on every run of code that contains X and not the fix Y,
 *   so a branch that has not merged X still passes, and one that merged Y passes again.
 */
import type { SimTestDef } from '../../src/sim/model';
import type { CommitGraph } from './commit-graph';
import { drawNames, longNames, longNameTwin, whitespaceTwin, type TestName } from './names';
import { draw, drawInt, shuffled, type Rng } from './random';
import type { RepoConfig, StepConfig } from './scenario';
import type { CommitRef, ExpectedLabel, TestKind, TruthTest } from './truth';

export interface ServedStep {
  name: string;
  config: StepConfig;
  /** 0: build and lint, 1: tests (shards in parallel), 2: deployment. */
  group: number;
  /** Key into the repository's suites (the step's name) for test steps. */
  suite?: string;
  seconds: number;
  noise: number;
}

export interface PlantedTest {
  name: string;
  suite: string;
  kind: TestKind;
  rate: number;
  /** Commit index from which the behaviour applies (becomes-flaky, broken kinds). */
  since?: number;
  /** Commit index that ends a breakage. */
  fixedAt?: number;
  twinOf?: string;
}

export interface RepoTests {
  steps: ServedStep[];
  suites: Record<string, SimTestDef[]>;
  planted: PlantedTest[];
  /** Stable twins of planted twins (listed in the truth so they can be scored). */
  stableTwins: { name: string; suite: string; twinOf: string }[];
}

const GROUP: Record<StepConfig['kind'], number> = { build: 0, lint: 0, test: 1, deploy: 2 };

export function servedSteps(cfg: RepoConfig): ServedStep[] {
  return cfg.steps.flatMap((s) => {
    const noisy = cfg.durations.noisy.find((n) => n.step === s.name);
    const noise = noisy ? noisy.sigma : s.noise;
    if (s.kind !== 'test' || s.shards === 1)
      return [
        {
          name: s.name,
          config: s,
          group: GROUP[s.kind],
          seconds: s.seconds,
          noise,
          ...(s.kind === 'test' ? { suite: s.name } : {}),
        },
      ];
    return Array.from({ length: s.shards }, (_, i) => {
      const name = `${s.name} (${i + 1}/${s.shards})`;
      return {
        name,
        config: s,
        group: GROUP[s.kind],
        seconds: s.seconds / s.shards + 30,
        noise,
        suite: name,
      };
    });
  });
}

function testDef(rng: Rng, t: TestName): SimTestDef {
  return {
    name: t.name,
    packageName: t.classname,
    fullyQualifiedName: t.fullName,
    durationMs: Math.round(40 * rng.noise(1.2)) + 1,
  };
}

/** Splits `count` tests of a step over its shards, as evenly as a runner's sharding would. */
function shardSizes(total: number, shards: number): number[] {
  return Array.from({ length: shards }, (_, i) => Math.floor(total / shards) + (i < total % shards ? 1 : 0));
}

function buildSuites(
  rng: Rng,
  cfg: RepoConfig,
  steps: ServedStep[],
): { suites: Record<string, TestName[]>; taken: Set<string> } {
  const taken = new Set<string>();
  const suites: Record<string, TestName[]> = {};
  for (const s of cfg.steps.filter((x) => x.kind === 'test')) {
    const shards = steps.filter((x) => x.config === s);
    const sizes = shardSizes(s.tests ?? 100, shards.length);
    shards.forEach((shard, i) => {
      suites[shard.suite ?? shard.name] = drawNames(rng, cfg.family, sizes[i] ?? 0, taken);
    });
  }
  return { suites, taken };
}

/** Replaces two tests of a suite by a real name and its twin; returns them (original first). */
function plantTwins(
  rng: Rng,
  suite: TestName[],
  original: TestName,
  taken: Set<string>,
): [TestName, TestName] | undefined {
  const twin = original.fullName.length > 160 ? longNameTwin(original) : whitespaceTwin(original);
  if (taken.has(twin.fullName) || suite.length < 4) return undefined;
  taken.add(twin.fullName);
  taken.add(original.fullName);
  const [i, j] = shuffled(
    rng,
    suite.map((_, k) => k),
  ).slice(0, 2) as [number, number];
  suite[i] = original;
  suite[j] = twin;
  return [original, twin];
}

const mainCommitAt = (graph: CommitGraph, share: number): number => {
  const position = Math.min(graph.main.length - 1, Math.max(1, Math.round(share * (graph.main.length - 1))));
  return graph.main[position] ?? 0;
};

const mainAfter = (graph: CommitGraph, commit: number, k: number): number | undefined => {
  const position = graph.commits[commit]?.mainPosition ?? 0;
  return graph.main[position + k];
};

export function planTests(rng: Rng, cfg: RepoConfig, graph: CommitGraph): RepoTests {
  const steps = servedSteps(cfg);
  const { suites, taken } = buildSuites(rng, cfg, steps);
  const suiteKeys = Object.keys(suites);
  const planted: PlantedTest[] = [];
  const stableTwins: RepoTests['stableTwins'] = [];
  const used = new Set<string>();
  if (suiteKeys.length === 0) return { steps, suites: {}, planted, stableTwins };

  // Twins first, so the behaviours below never land on them.
  const nd = cfg.tests.nearDuplicates;
  const longOnes = longNames(rng, taken, Math.ceil(nd.count / 2));
  for (let k = 0; k < nd.count; k++) {
    const key = suiteKeys[k % suiteKeys.length] ?? '';
    const suite = suites[key] ?? [];
    const original =
      k % 2 === 1 && longOnes.length > 0
        ? longOnes.pop()
        : suite.find((t) => !used.has(t.fullName) && / /.test(t.name));
    if (!original) continue;
    const pair = plantTwins(rng, suite, original, taken);
    if (!pair) continue;
    used.add(pair[0].fullName);
    used.add(pair[1].fullName);
    planted.push({
      name: pair[0].fullName,
      suite: key,
      kind: 'flaky',
      rate: draw(rng, nd.rate),
      twinOf: pair[1].fullName,
    });
    stableTwins.push({ name: pair[1].fullName, suite: key, twinOf: pair[0].fullName });
  }

  const pickTest = (): { name: string; suite: string } | undefined => {
    for (let tries = 0; tries < 200; tries++) {
      const key = rng.pick(suiteKeys);
      const t = rng.pick(suites[key] ?? []);
      if (!used.has(t.fullName)) {
        used.add(t.fullName);
        return { name: t.fullName, suite: key };
      }
    }
    return undefined;
  };
  const plant = (p: Omit<PlantedTest, 'name' | 'suite'>): void => {
    const t = pickTest();
    if (t) planted.push({ ...t, ...p });
  };

  for (const f of cfg.tests.flaky)
    for (let i = 0; i < f.count; i++) plant({ kind: 'flaky', rate: draw(rng, f.rate) });
  for (const f of cfg.tests.becomesFlaky)
    for (let i = 0; i < f.count; i++)
      plant({ kind: 'becomes-flaky', rate: draw(rng, f.rate), since: mainCommitAt(graph, draw(rng, f.at)) });
  for (const b of cfg.tests.broken)
    for (let i = 0; i < b.count; i++) {
      const since = mainCommitAt(graph, draw(rng, b.at));
      const fixedAt =
        b.fixedAfter === null ? undefined : mainAfter(graph, since, Math.max(1, drawInt(rng, b.fixedAfter)));
      plant({ kind: 'broken', rate: 1, since, ...(fixedAt !== undefined ? { fixedAt } : {}) });
    }
  for (let i = 0; i < cfg.tests.shortBreakages.count; i++) {
    const since = mainCommitAt(graph, 0.15 + rng.next() * 0.7);
    const fixedAt = mainAfter(graph, since, Math.max(2, drawInt(rng, cfg.tests.shortBreakages.commits)));
    if (fixedAt !== undefined) plant({ kind: 'short-breakage', rate: 1, since, fixedAt });
  }
  const candidates = shuffled(
    rng,
    graph.branches.filter((b) => b.pushes.length >= 2),
  );
  for (let i = 0; i < cfg.tests.branchBreakages && i < candidates.length; i++) {
    const b = candidates[i];
    if (!b) break;
    const p = rng.int(0, b.pushes.length - 2);
    const since = b.pushes[p]?.head;
    const fixedAt = b.pushes[p + 1]?.head;
    if (since !== undefined && fixedAt !== undefined)
      plant({ kind: 'branch-breakage', rate: 1, since, fixedAt });
  }

  const defs: Record<string, SimTestDef[]> = {};
  for (const key of suiteKeys) defs[key] = (suites[key] ?? []).map((t) => testDef(rng, t));
  return { steps, suites: defs, planted, stableTwins };
}

/** Whether a planted test's behaviour applies to `code` (commit index): off, on, or over (a breakage fixed). */
export function behaviourState(graph: CommitGraph, test: PlantedTest, code: number): 'off' | 'on' | 'fixed' {
  const has = (c: number | undefined): boolean =>
    c !== undefined && (graph.commits[code]?.ancestors.has(c) ?? false);
  switch (test.kind) {
    case 'stable':
      return 'off';
    case 'flaky':
      return 'on';
    case 'becomes-flaky':
      return has(test.since) ? 'on' : 'off';
    case 'broken':
    case 'short-breakage':
    case 'branch-breakage':
      return has(test.fixedAt) ? 'fixed' : has(test.since) ? 'on' : 'off';
  }
}

/** Whether a planted test fails on a run of `code`, given the run's own draw in [0, 1). */
export function fails(graph: CommitGraph, test: PlantedTest, code: number, roll: number): boolean {
  return behaviourState(graph, test, code) === 'on' && roll < test.rate;
}

const commitRef = (graph: CommitGraph, index: number | undefined): CommitRef | undefined => {
  const c = index === undefined ? undefined : graph.commits[index];
  return c
    ? {
        hash: c.hash,
        at: new Date(c.at).toISOString(),
        ...(c.mainPosition !== undefined ? { mainPosition: c.mainPosition } : {}),
      }
    : undefined;
};

function expectedLabel(t: PlantedTest): ExpectedLabel {
  switch (t.kind) {
    case 'flaky':
    case 'becomes-flaky':
      return 'flaky';
    case 'broken':
      return t.fixedAt === undefined ? 'broken' : 'fixed';
    case 'short-breakage':
    case 'branch-breakage':
      return 'fixed';
    case 'stable':
      return 'healthy';
  }
}

export function truthTests(graph: CommitGraph, tests: RepoTests): TruthTest[] {
  const planted = tests.planted.map((t): TruthTest => {
    const since = commitRef(graph, t.since);
    const fixedAt = commitRef(graph, t.fixedAt);
    return {
      name: t.name,
      step: t.suite,
      kind: t.kind,
      expected: expectedLabel(t),
      ...(t.kind === 'flaky' || t.kind === 'becomes-flaky' ? { rate: t.rate } : {}),
      ...(since ? { since } : {}),
      ...(fixedAt ? { fixedAt } : {}),
      ...(t.twinOf ? { twinOf: t.twinOf } : {}),
    };
  });
  const twins = tests.stableTwins.map((t): TruthTest => ({
    name: t.name,
    step: t.suite,
    kind: 'stable',
    expected: 'healthy',
    twinOf: t.twinOf,
  }));
  return [...planted, ...twins];
}
