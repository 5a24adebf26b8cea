/**
 * Scores a run against the ground truth, and scores the naive rule ("flaky if it failed twice, or passed and failed
 * on one commit; broken if its latest default-branch run failed") on the same data: the attempts the API showed at
 * some sync, recorded by the harness, never what the product stored.
 */
import type { WorkspaceRun, Label } from './harness';
import { attemptKey, type TruthAttempt, type TruthRepo, type TruthTest } from './truth';

export interface Counts {
  /** Flaky precision: tests labelled flaky that are flaky / tests labelled flaky. */
  flaggedFlaky: number;
  trueFlagged: number;
  /** Flaky recall: flaky tests with >= 2 visible failures of their own, and how many of them are labelled flaky. */
  recallSet: number;
  recalled: number;
  /** Broken and fixed tests with a visible failure, and how many are labelled right. */
  brokenSet: number;
  brokenRight: number;
  /** Stable tests whose only visible failures came from outages, and how many are labelled flaky. */
  outageVictims: number;
  outageFlagged: number;
}

export interface DelaySample {
  kind: 'flaky' | 'broken' | 'fixed';
  runs: number;
  hours: number;
}

/** What a repository (or a scenario, summed) measured, and the verdict counts of each method. */
export interface Measured {
  tests: number;
  pipelines: number;
  greenRate: number;
  product: Counts;
  /** The product's verdicts with names compared loosely (whitespace collapsed, first 160 characters), as issue 8
   * also reported them: what detection alone would score if names were not cut or rewritten. */
  productLoose: Counts;
  naive: Counts;
}

export interface RepoScore extends Measured {
  slug: string;
  productDelays: DelaySample[];
  naiveDelays: DelaySample[];
  /** Labelled right at no sync after its onset. */
  productMissedDelay: number;
  pipelinesTotal: { reported: number; truth: number };
  failures: { truth: number; present: number };
  /** Failed attempts overwritten before any sync saw them (not counted anywhere). */
  hiddenFailedAttempts: number;
  slowdowns: { step: string; flagged: boolean; firstPipeline: number; reportedFirst?: number }[];
  /** Steps with no planted shift, those labelled slower, and the noisy ones among both. */
  unshiftedSteps: number;
  falseAlarms: string[];
  noisySteps: number;
  noisyFalseAlarms: number;
  /** Names the product listed that are not served anywhere in the repository (a cut or rewritten name). */
  unknownNames: string[];
  /** Each planted test: what it is, its visible failures, and both verdicts (for reading a miss). */
  planted: {
    name: string;
    kind: string;
    expected: string;
    rate?: number;
    own: number;
    outage: number;
    product: Label;
    naive: Label;
  }[];
}

export const emptyCounts = (): Counts => ({
  flaggedFlaky: 0,
  trueFlagged: 0,
  recallSet: 0,
  recalled: 0,
  brokenSet: 0,
  brokenRight: 0,
  outageVictims: 0,
  outageFlagged: 0,
});

const looseName = (name: string): string => name.replace(/\s+/g, ' ').trim().slice(0, 160);

const BREAKAGES = new Set(['broken', 'short-breakage', 'branch-breakage']);
const ms = (iso: string): number => Date.parse(iso);

/** Visible attempts that ran tests, per step, oldest first. */
function testedByStep(attempts: TruthAttempt[]): Map<string, TruthAttempt[]> {
  const out = new Map<string, TruthAttempt[]>();
  for (const a of attempts) if (a.tested) (out.get(a.step) ?? out.set(a.step, []).get(a.step))?.push(a);
  for (const list of out.values()) list.sort((x, y) => ms(x.completedOn) - ms(y.completedOn));
  return out;
}

/** The naive rule's label for one test over the given runs of its step. */
function naiveLabel(name: string, runs: TruthAttempt[]): Label {
  let failures = 0;
  const failedOn = new Set<string>();
  const passedOn = new Set<string>();
  let lastDefault: boolean | undefined;
  for (const a of runs) {
    const failed = a.failures.some((f) => f.name === name);
    if (failed) {
      failures++;
      failedOn.add(a.commit);
    } else passedOn.add(a.commit);
    if (a.defaultBranch) lastDefault = failed;
  }
  if (lastDefault === true) return 'broken';
  if (failures >= 2 || [...failedOn].some((c) => passedOn.has(c))) return 'flaky';
  return 'healthy';
}

interface TestFacts {
  truth?: TruthTest;
  step: string;
  own: number;
  outage: number;
}

/** Every test that matters for scoring: the planted ones and every test with a visible failure. */
function testFacts(repo: TruthRepo, visible: TruthAttempt[]): Map<string, TestFacts> {
  const facts = new Map<string, TestFacts>();
  for (const t of repo.tests) facts.set(t.name, { truth: t, step: t.step, own: 0, outage: 0 });
  for (const a of visible) {
    for (const f of a.failures) {
      const entry = facts.get(f.name) ?? facts.set(f.name, { step: a.step, own: 0, outage: 0 }).get(f.name);
      if (!entry) continue;
      if (f.cause === 'own') entry.own++;
      else entry.outage++;
    }
  }
  return facts;
}

function countLabels(facts: Map<string, TestFacts>, label: (name: string) => Label): Counts {
  const c = emptyCounts();
  for (const [name, f] of facts) {
    const l = label(name);
    const t = f.truth;
    if (l === 'flaky') {
      c.flaggedFlaky++;
      if (t?.expected === 'flaky') c.trueFlagged++;
    }
    if (t?.expected === 'flaky' && f.own >= 2) {
      c.recallSet++;
      if (l === 'flaky') c.recalled++;
    }
    if (t && BREAKAGES.has(t.kind) && f.own >= 1) {
      c.brokenSet++;
      if (t.expected === 'broken' ? l === 'broken' : l === 'fixed' || l === 'healthy') c.brokenRight++;
    }
    if ((!t || t.kind === 'stable') && f.own === 0 && f.outage > 0) {
      c.outageVictims++;
      if (l === 'flaky') c.outageFlagged++;
    }
  }
  return c;
}

/** The moment a test's truth starts: its behaviour first applies (or its fix first runs) in a visible attempt. */
function onsetOf(t: TruthTest, runs: TruthAttempt[]): { kind: DelaySample['kind']; at: number } | undefined {
  if (t.expected === 'healthy') return undefined;
  const fixedKind = t.expected === 'fixed';
  const first = runs.find((a) => (fixedKind ? a.fixed.includes(t.name) : a.active.includes(t.name)));
  if (!first) return undefined;
  return {
    kind: t.expected === 'flaky' ? 'flaky' : t.expected === 'broken' ? 'broken' : 'fixed',
    at: ms(first.completedOn),
  };
}

const rightLabel = (expected: TruthTest['expected'], l: Label): boolean =>
  expected === 'fixed' ? l === 'fixed' || l === 'healthy' : l === expected;

function delays(
  repo: TruthRepo,
  facts: Map<string, TestFacts>,
  byStep: Map<string, TruthAttempt[]>,
  syncs: { at: number; label: (name: string) => Label }[],
): { samples: DelaySample[]; missed: number } {
  const samples: DelaySample[] = [];
  let missed = 0;
  for (const t of repo.tests) {
    const f = facts.get(t.name);
    if (!f) continue;
    // Only tests a detector could label: flaky with two failures, breakages with one.
    if (t.expected === 'flaky' ? f.own < 2 : t.expected !== 'healthy' && f.own < 1) continue;
    const runs = byStep.get(t.step) ?? [];
    const onset = onsetOf(t, runs);
    if (!onset) continue;
    const hit = syncs.find((s) => s.at >= onset.at && rightLabel(t.expected, s.label(t.name)));
    if (!hit) {
      missed++;
      continue;
    }
    const between = runs.filter((a) => ms(a.completedOn) >= onset.at && ms(a.completedOn) <= hit.at).length;
    samples.push({ kind: onset.kind, runs: between, hours: (hit.at - onset.at) / 3_600_000 });
  }
  return { samples, missed };
}

export function scoreRepo(run: WorkspaceRun, repo: TruthRepo): RepoScore {
  const report = run.final.get(repo.slug);
  if (!report) throw new Error(`no report for ${repo.slug}`);
  const visible = repo.attempts.filter(
    (a) => a.result !== 'NOT_RUN' && run.seen.has(attemptKey(a.stepUuid, a.runNumber)),
  );
  const byStep = testedByStep(visible);
  const facts = testFacts(repo, visible);
  const finalLabels = new Map(report.tests.map((t) => [t.name, t.classification]));
  const productLabel =
    (labels: Map<string, Label> | undefined) =>
    (name: string): Label =>
      labels?.get(name) ?? 'healthy';
  const product = countLabels(facts, productLabel(finalLabels));
  const looseLabels = new Map(report.tests.map((t) => [looseName(t.name), t.classification]));
  // Loosely, a planted twin and its original are one name: the stable twin is left out rather than counted twice.
  const distinct = new Map([...facts].filter(([, f]) => !(f.truth?.twinOf && f.truth.kind === 'stable')));
  const productLoose = countLabels(distinct, (name) => looseLabels.get(looseName(name)) ?? 'healthy');
  const naiveAt =
    (upTo: number) =>
    (name: string): Label => {
      const step = facts.get(name)?.step ?? '';
      const runs = (byStep.get(step) ?? []).filter(
        (a) => (run.seen.get(attemptKey(a.stepUuid, a.runNumber)) ?? Infinity) <= upTo,
      );
      return naiveLabel(name, runs);
    };
  const naive = countLabels(facts, naiveAt(Infinity));

  const productSyncs = run.syncs.map((s) => ({ at: s.at, label: productLabel(s.labels.get(repo.slug)) }));
  const naiveSyncs = run.syncs.map((s) => ({ at: s.at, label: naiveAt(s.at) }));
  const productDelay = delays(repo, facts, byStep, productSyncs);
  const naiveDelay = delays(repo, facts, byStep, naiveSyncs);

  const failedVisible = visible.filter((a) => a.result === 'FAILED' || a.result === 'ERROR');
  const listed = new Set(report.failures.map((f) => `${f.pipeline}|${f.step}|${f.attempt}`));
  const present = failedVisible.filter((a) => listed.has(`${a.buildNumber}|${a.step}|${a.runNumber}`)).length;
  const hidden = repo.attempts.filter(
    (a) =>
      (a.result === 'FAILED' || a.result === 'ERROR') && !run.seen.has(attemptKey(a.stepUuid, a.runNumber)),
  ).length;

  const shifted = new Set(repo.slowdowns.map((s) => s.step));
  const regressions = new Map(report.steps.filter((s) => s.regression).map((s) => [s.name, s.regression]));
  const unshifted = repo.steps.filter((s) => !shifted.has(s));
  const falseAlarms = unshifted.filter((s) => regressions.has(s));
  const simRepo = run.generated.workspace.repos.find((r) => r.slug === repo.slug);
  const served = new Set(
    Object.values(simRepo?.suites ?? {}).flatMap((suite) => suite.map((d) => d.fullyQualifiedName)),
  );

  return {
    slug: repo.slug,
    tests: repo.suiteSize,
    pipelines: repo.pipelines.length,
    greenRate: repo.greenRate,
    product,
    productLoose,
    naive,
    productDelays: productDelay.samples,
    naiveDelays: naiveDelay.samples,
    productMissedDelay: productDelay.missed,
    pipelinesTotal: { reported: report.pipelines.total, truth: repo.pipelines.length },
    failures: { truth: failedVisible.length, present },
    hiddenFailedAttempts: hidden,
    slowdowns: repo.slowdowns.map((s) => {
      const r = regressions.get(s.step);
      return {
        step: s.step,
        flagged: r !== undefined,
        firstPipeline: s.firstPipeline,
        ...(r?.firstAffectedPipeline !== undefined ? { reportedFirst: r.firstAffectedPipeline } : {}),
      };
    }),
    unshiftedSteps: unshifted.length,
    falseAlarms,
    noisySteps: repo.noisySteps.filter((s) => !shifted.has(s)).length,
    noisyFalseAlarms: falseAlarms.filter((s) => repo.noisySteps.includes(s)).length,
    unknownNames: report.tests.map((t) => t.name).filter((n) => !served.has(n)),
    planted: repo.tests.map((t) => {
      const f = facts.get(t.name);
      return {
        name: t.name,
        kind: t.kind,
        expected: t.expected,
        ...(t.rate !== undefined ? { rate: Math.round(t.rate * 1000) / 1000 } : {}),
        own: f?.own ?? 0,
        outage: f?.outage ?? 0,
        product: productLabel(finalLabels)(t.name),
        naive: naiveAt(Infinity)(t.name),
      };
    }),
  };
}

export function scoreRun(run: WorkspaceRun): RepoScore[] {
  return run.generated.truth.repos.map((repo) => scoreRepo(run, repo));
}
