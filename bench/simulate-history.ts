/**
 * Seeded simulator of one step's test history with known truth, for the detection benchmark.
 *
 * A suite of stable tests plus flaky ones (low 0.5–2% and moderate 5–20% failure rates), tests that become flaky
 * at a default-branch commit, and tests that break at a commit and are fixed later. Pipelines run on the default
 * branch and on short-lived feature branches (some with a pull-request pipeline on the same commit); a feature
 * branch may break a test for a few commits before its author fixes it. Outages: bursts of infrastructure
 * failures (the caller marks them `excluded: 'infrastructure'`) and unmarked mass failures (40% of the suite).
 * Failed steps are sometimes rerun on the same commit; the rerun is a new attempt of the same step (run number 2),
 * as ingestion records it. The stream is ordered by completion time, with a small share delivered late.
 */
import type { TestObservation } from '../src/domain/flakiness/types';
import { mulberry32 } from '../src/sim/prng';

export type TruthKind = 'stable' | 'flaky-low' | 'flaky-moderate' | 'becomes-flaky' | 'broken';

export interface TestTruth {
  id: string;
  name: string;
  kind: TruthKind;
  /** Failure probability while flaky. */
  rate: number;
  /** Default-branch commit index from which the test is flaky (`becomes-flaky`) or broken (`broken`). */
  fromMain: number;
  /** Default-branch commit index that fixes a broken test. */
  fixedAtMain: number;
}

export interface SimulatedAttempt {
  obs: TestObservation;
  /** The attempt is an outage (marked by the caller or not): its failures say nothing about the tests. */
  outage: boolean;
}

export interface SimulatedHistory {
  stepName: string;
  tests: TestTruth[];
  attempts: SimulatedAttempt[];
}

export interface SimulationOptions {
  seed: number;
  tests: number;
  days: number;
  /** Pipelines per working day (weekends get a fifth). */
  pipelinesPerDay: number;
  flakyLow: number;
  flakyModerate: number;
  becomesFlaky: number;
  broken: number;
  /** Share of attempts delivered late (up to 8 positions after their turn). */
  outOfOrderShare: number;
  /** Share of feature-branch commits that also run a pull-request pipeline (a second pipeline, same commit). */
  pullRequestShare: number;
  /** Chance that a step that failed on tests is rerun on the same commit (outages are rerun twice as often). */
  rerunShare: number;
}

export const DEFAULT_SIMULATION: Readonly<Omit<SimulationOptions, 'seed'>> = Object.freeze({
  tests: 300,
  days: 60,
  pipelinesPerDay: 24,
  flakyLow: 12,
  flakyModerate: 8,
  becomesFlaky: 4,
  broken: 6,
  outOfOrderShare: 0.03,
  pullRequestShare: 0.4,
  rerunShare: 0.3,
});

type Rng = () => number;

function hex(rng: Rng, length: number): string {
  let out = '';
  while (out.length < length)
    out += Math.floor(rng() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, length);
}

function uuid(rng: Rng): string {
  const h = hex(rng, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function between(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng();
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const MAIN_SHARE = 0.35;

function makeTests(rng: Rng, options: SimulationOptions, expectedMainCommits: number): TestTruth[] {
  const kinds: TruthKind[] = [
    ...Array<TruthKind>(options.flakyLow).fill('flaky-low'),
    ...Array<TruthKind>(options.flakyModerate).fill('flaky-moderate'),
    ...Array<TruthKind>(options.becomesFlaky).fill('becomes-flaky'),
    ...Array<TruthKind>(options.broken).fill('broken'),
  ];
  while (kinds.length < options.tests) kinds.push('stable');
  // Shuffle so that truth does not follow the order of ids.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] ?? 'stable', kinds[i] ?? 'stable'];
  }
  return kinds.map((kind, index) => {
    const fromMain = Math.floor(between(rng, 0.1, 0.75) * expectedMainCommits);
    const rate =
      kind === 'flaky-low'
        ? between(rng, 0.005, 0.02)
        : kind === 'flaky-moderate'
          ? between(rng, 0.05, 0.2)
          : between(rng, 0.02, 0.1);
    return {
      id: hex(rng, 16),
      name: `com.example.module${index % 17}.Feature${index}Test.test${index}`,
      kind,
      rate,
      fromMain: kind === 'becomes-flaky' || kind === 'broken' ? fromMain : 0,
      fixedAtMain: kind === 'broken' ? fromMain + 4 + Math.floor(rng() * 22) : 0,
    };
  });
}

interface Branch {
  name: string;
  forkMain: number;
  commitsLeft: number;
  commitIndex: number;
  /** Test index → branch commit indexes [from, to) where the author's change breaks it. */
  breaks: Map<number, [number, number]>;
}

interface CodeState {
  isDefault: boolean;
  branch: string;
  mainIndex: number;
  branchRef?: Branch;
  branchCommit: number;
}

function failsDeterministically(test: TestTruth, index: number, code: CodeState): boolean {
  if (test.kind === 'broken' && code.mainIndex >= test.fromMain && code.mainIndex < test.fixedAtMain)
    return true;
  const window = code.branchRef?.breaks.get(index);
  return window !== undefined && code.branchCommit >= window[0] && code.branchCommit < window[1];
}

function isFlakyAt(test: TestTruth, code: CodeState): boolean {
  if (test.kind === 'flaky-low' || test.kind === 'flaky-moderate') return true;
  return test.kind === 'becomes-flaky' && code.mainIndex >= test.fromMain;
}

function failingTests(rng: Rng, tests: TestTruth[], code: CodeState): number[] {
  const failing: number[] = [];
  tests.forEach((test, index) => {
    if (failsDeterministically(test, index, code) || (isFlakyAt(test, code) && rng() < test.rate))
      failing.push(index);
  });
  return failing;
}

function randomSubset(rng: Rng, count: number, share: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (rng() < share) out.push(i);
  return out;
}

interface PipelineContext {
  code: CodeState;
  commit: string;
  pipelineUuid: string;
  buildNumber: number;
  stepUuid: string;
  at: number;
}

function observation(
  history: { stepName: string; tests: TestTruth[] },
  ctx: PipelineContext,
  runNumber: number,
  failing: number[],
  excluded: 'infrastructure' | undefined,
  at: number,
): TestObservation {
  const failedTests = failing.map((index) => {
    const test = history.tests[index];
    if (!test) throw new Error(`no test ${index}`);
    return { id: test.id, name: test.name };
  });
  const succeeded = failing.length === 0 && excluded === undefined;
  return {
    stepName: history.stepName,
    commit: ctx.commit,
    branch: ctx.code.branch,
    isDefaultBranch: ctx.code.isDefault,
    pipelineUuid: ctx.pipelineUuid,
    buildNumber: ctx.buildNumber,
    stepUuid: ctx.stepUuid,
    runNumber,
    at: new Date(at).toISOString(),
    summary: { total: history.tests.length, failed: failing.length, error: 0, skipped: 0 },
    failedTests,
    stepResult: succeeded ? 'SUCCESSFUL' : 'FAILED',
    stepSucceededOnRerun: runNumber > 1 && succeeded,
    excluded,
  };
}

/** One pipeline's attempts of the step: the first run and, sometimes, a rerun of the failed step. */
function runPipeline(
  rng: Rng,
  history: { stepName: string; tests: TestTruth[] },
  ctx: PipelineContext,
  infraBurst: boolean,
  rerunShare: number,
): SimulatedAttempt[] {
  const attempts: SimulatedAttempt[] = [];
  let at = ctx.at;
  for (let run = 1; run <= 3; run++) {
    const infra = run === 1 && infraBurst && rng() < 0.8;
    const mass = !infra && run === 1 && rng() < 0.01;
    let failing: number[];
    if (infra) failing = randomSubset(rng, history.tests.length, between(rng, 0, 0.3));
    else if (mass) failing = randomSubset(rng, history.tests.length, 0.4);
    else failing = failingTests(rng, history.tests, ctx.code);
    attempts.push({
      obs: observation(history, ctx, run, failing, infra ? 'infrastructure' : undefined, at),
      outage: infra || mass,
    });
    const failed = infra || failing.length > 0;
    const rerunChance = infra || mass ? Math.min(1, 2 * rerunShare) : rerunShare;
    if (!failed || rng() >= rerunChance) break;
    at += Math.floor(between(rng, 5, 40) * 60_000);
  }
  return attempts;
}

function newBranch(rng: Rng, serial: number, mainIndex: number, testCount: number): Branch {
  const commits = 1 + Math.floor(rng() * 6);
  const breaks = new Map<number, [number, number]>();
  const breakCount = rng() < 0.3 ? 1 + Math.floor(rng() * 2) : 0;
  for (let i = 0; i < breakCount; i++) {
    const from = Math.floor(rng() * commits);
    breaks.set(Math.floor(rng() * testCount), [from, from + 1 + Math.floor(rng() * 3)]);
  }
  return {
    name: `feature/change-${serial}`,
    forkMain: mainIndex,
    commitsLeft: commits,
    commitIndex: 0,
    breaks,
  };
}

/** Deliver a small share of attempts late, as events and the reconcile sweep do. */
function reorder(rng: Rng, attempts: SimulatedAttempt[], share: number): SimulatedAttempt[] {
  const out = [...attempts];
  for (let i = out.length - 1; i >= 0; i--) {
    if (rng() >= share) continue;
    const [late] = out.splice(i, 1);
    if (late) out.splice(Math.min(out.length, i + 1 + Math.floor(rng() * 8)), 0, late);
  }
  return out;
}

export function simulateHistory(seed: number, overrides: Partial<SimulationOptions> = {}): SimulatedHistory {
  const options: SimulationOptions = { ...DEFAULT_SIMULATION, ...overrides, seed };
  const rng = mulberry32(seed);
  const expectedMainCommits = options.days * options.pipelinesPerDay * 0.8 * MAIN_SHARE;
  const history = { stepName: 'Unit tests', tests: makeTests(rng, options, expectedMainCommits) };
  const attempts: SimulatedAttempt[] = [];
  const branches: Branch[] = [];
  let mainIndex = 0;
  let branchSerial = 0;
  let buildNumber = 100;
  let burstUntil = 0;
  const start = Date.parse('2026-01-05T00:00:00Z');
  for (let day = 0; day < options.days; day++) {
    const weekend = day % 7 >= 5;
    const pipelines = Math.round(options.pipelinesPerDay * (weekend ? 0.2 : 1));
    // Sorted start times, so that commit order on every branch follows time.
    const times = Array.from(
      { length: pipelines },
      () => start + day * 86_400_000 + Math.floor(between(rng, 8, 19) * 3_600_000),
    );
    times.sort((a, b) => a - b);
    for (const at of times) {
      // Infrastructure bursts: a runner or registry outage lasting one to three hours.
      if (rng() < 0.004) burstUntil = at + Math.floor(between(rng, 1, 3) * 3_600_000);
      const infraBurst = at < burstUntil;
      const onMain = rng() < MAIN_SHARE;
      let code: CodeState;
      if (onMain) {
        mainIndex++;
        code = { isDefault: true, branch: 'main', mainIndex, branchCommit: 0 };
      } else {
        if (branches.length < 5)
          branches.push(newBranch(rng, ++branchSerial, mainIndex, history.tests.length));
        const branch = pick(rng, branches);
        code = {
          isDefault: false,
          branch: branch.name,
          mainIndex: branch.forkMain,
          branchRef: branch,
          branchCommit: branch.commitIndex,
        };
        branch.commitIndex++;
        if (--branch.commitsLeft <= 0) branches.splice(branches.indexOf(branch), 1);
      }
      const commit = hex(rng, 40);
      const pipelineCount = !onMain && rng() < options.pullRequestShare ? 2 : 1;
      for (let k = 0; k < pipelineCount; k++) {
        const ctx: PipelineContext = {
          code,
          commit,
          pipelineUuid: uuid(rng),
          buildNumber: buildNumber++,
          stepUuid: uuid(rng),
          at: at + k * 60_000 + Math.floor(between(rng, 3, 12) * 60_000),
        };
        attempts.push(...runPipeline(rng, history, ctx, infraBurst, options.rerunShare));
      }
    }
  }
  attempts.sort((a, b) => (a.obs.at < b.obs.at ? -1 : a.obs.at > b.obs.at ? 1 : 0));
  return { ...history, attempts: reorder(rng, attempts, options.outOfOrderShare) };
}
