import type { AttemptRecord } from '../../src/domain/attempt';
import {
  decodeRunList,
  detectSlowdown,
  emptyStepRunHistory,
  encodeRunList,
  recordRun,
  SLOWDOWN,
  type StepRunHistory,
} from '../../src/domain/slowdown';
import { createRng } from '../../src/sim/prng';
import { anAttempt } from '../support/attempt-builders';

const START = Date.parse('2026-03-02T08:00:00Z');
const HOUR = 3_600_000;

interface RunSpec {
  index: number;
  seconds: number;
  branch?: string;
  result?: AttemptRecord['result'];
}

/** Run `index` of the step: build 500 + index, one run every eight hours. */
function aRun({ index, seconds, branch = 'main', result = 'SUCCESSFUL' }: RunSpec): AttemptRecord {
  const completedOn = new Date(START + index * 8 * HOUR).toISOString();
  return anAttempt({ buildNumber: 500 + index, completedOn, durationSeconds: seconds, branch, result });
}

function record(runs: readonly AttemptRecord[], history: StepRunHistory = emptyStepRunHistory()) {
  return runs.reduce((h, run) => recordRun(h, run) ?? h, history);
}

/** `before` runs around 300 s, then `after` runs `factor` times slower, with log-normal noise `sigma`. */
function shiftedRuns(
  before: number,
  after: number,
  factor: number,
  sigma: number,
  seed = 42,
): AttemptRecord[] {
  const rng = createRng(seed);
  return Array.from({ length: before + after }, (_, index) =>
    aRun({ index, seconds: 300 * (index >= before ? factor : 1) * rng.noise(sigma) }),
  );
}

describe('detectSlowdown', () => {
  it.each([7, 25])(
    'flags a 1.6x slowdown %i runs after it started, naming the first slow pipeline and commit',
    (after) => {
      const runs = shiftedRuns(40, after, 1.6, 0.1);
      const slowdown = detectSlowdown(record(runs));
      const first = runs[40];
      expect(slowdown).toMatchObject({
        firstSlow: { buildNumber: 540, commit: first?.commit?.slice(0, 7), at: first?.completedOn },
        runsSince: after,
        scope: 'default-branch',
      });
      expect(slowdown?.change).toBeGreaterThan(0.45);
      expect(slowdown?.change).toBeLessThan(0.75);
      expect(slowdown?.baselineP50Seconds).toBeGreaterThan(270);
      expect(slowdown?.baselineP50Seconds).toBeLessThan(330);
    },
  );

  it('does not flag a noisy step with no shift, at any point of 200 runs', () => {
    const rng = createRng(7);
    let history = emptyStepRunHistory();
    for (let index = 0; index < 200; index += 1) {
      history = recordRun(history, aRun({ index, seconds: 300 * rng.noise(0.3) })) ?? history;
      expect(detectSlowdown(history)).toBeUndefined();
    }
  });

  it('does not flag a single slow run', () => {
    const runs = shiftedRuns(40, 0, 1, 0.05).map((run, index) =>
      index === 36 ? { ...run, durationSeconds: 900 } : run,
    );
    expect(detectSlowdown(record(runs))).toBeUndefined();
  });

  it('clears once a step that got slower is back to its usual speed', () => {
    const slow = shiftedRuns(40, 8, 1.6, 0.05);
    expect(detectSlowdown(record(slow))).toBeDefined();
    const rng = createRng(9);
    const back = Array.from({ length: 4 }, (_, i) => aRun({ index: 48 + i, seconds: 300 * rng.noise(0.05) }));
    expect(detectSlowdown(record([...slow, ...back]))).toBeUndefined();
  });

  it('needs a sustained shift of at least the minimum ratio', () => {
    expect(detectSlowdown(record(shiftedRuns(40, 12, 1.1, 0.01)))).toBeUndefined();
    expect(detectSlowdown(record(shiftedRuns(40, 12, 1.3, 0.01)))).toBeDefined();
  });

  it('orders runs by completion, whatever order they were recorded in', () => {
    const runs = shiftedRuns(40, 7, 1.6, 0.1);
    const shuffled = [...runs].sort((a, b) => ((a.buildNumber * 7919) % 47) - ((b.buildNumber * 7919) % 47));
    expect(detectSlowdown(record(shuffled))).toEqual(detectSlowdown(record(runs)));
  });

  it('counts a run that failed on a few tests of a suite that ran: a step broken by one test still shows its speed', () => {
    const failedOnOneTest = (index: number, seconds: number): AttemptRecord => ({
      ...aRun({ index, seconds, result: 'FAILED' }),
      tests: { total: 400, successful: 399, failed: 1, error: 0, skipped: 0 },
      failure: { category: 'test', fingerprint: 'one-test' },
    });
    // The step slows down 1.6x after a test broke: every run since fails on that one test.
    const runs = [
      ...shiftedRuns(30, 0, 1, 0.05),
      ...Array.from({ length: 4 }, (_, i) => failedOnOneTest(30 + i, 300)),
      ...Array.from({ length: 8 }, (_, i) => failedOnOneTest(34 + i, 480)),
    ];
    expect(detectSlowdown(record(runs))).toMatchObject({ firstSlow: { buildNumber: 534 }, runsSince: 8 });
    // Many failed tests, or a failure of another kind, say nothing about the step's speed.
    const manyFailed = {
      ...failedOnOneTest(1, 900),
      tests: { total: 400, successful: 300, failed: 100, error: 0, skipped: 0 },
    };
    const timedOut = {
      ...failedOnOneTest(1, 900),
      failure: { category: 'timeout' as const, fingerprint: 't' },
    };
    expect(recordRun(emptyStepRunHistory(), manyFailed)).toBeUndefined();
    expect(recordRun(emptyStepRunHistory(), timedOut)).toBeUndefined();
  });

  it('counts successful runs only, of the runs that failed for other reasons than a few tests', () => {
    const runs = shiftedRuns(40, 7, 1, 0.05);
    const failedSlow = Array.from({ length: 7 }, (_, i) =>
      aRun({ index: 47 + i, seconds: 900, result: 'FAILED' }),
    );
    expect(record([...runs, ...failedSlow])).toEqual(record(runs));
    expect(
      recordRun(emptyStepRunHistory(), aRun({ index: 1, seconds: 900, result: 'FAILED' })),
    ).toBeUndefined();
  });

  it("uses the default branch's runs when it has enough of them, every branch's otherwise", () => {
    const slowBranch = Array.from({ length: 10 }, (_, i) =>
      aRun({ index: 40 + i, seconds: 600, branch: 'feature/x' }),
    );
    const steadyMain = shiftedRuns(40, 0, 1, 0.05);
    expect(detectSlowdown(record([...steadyMain, ...slowBranch]))).toBeUndefined();
    const onBranchesOnly = shiftedRuns(30, 8, 1.6, 0.05).map((run) => ({
      ...run,
      branch: 'develop',
      isDefaultBranch: false,
    }));
    expect(detectSlowdown(record(onBranchesOnly))).toMatchObject({ scope: 'all-branches', runsSince: 8 });
  });

  it('keeps a bounded history, a few kilobytes whatever the number of runs', () => {
    const history = record(shiftedRuns(500, 0, 1, 0.1));
    expect(history.defaultBranch).toHaveLength(SLOWDOWN.defaultBranchRuns);
    expect(history.defaultBranch[history.defaultBranch.length - 1]?.[1]).toBe(999);
    const withBranches = record(
      Array.from({ length: 300 }, (_, i) => aRun({ index: 500 + i, seconds: 300, branch: `b${i}` })),
      history,
    );
    expect(withBranches.otherBranches).toHaveLength(SLOWDOWN.otherBranchRuns);
    expect(JSON.stringify(encodeRunList(withBranches.defaultBranch)).length).toBeLessThan(1_100);
    expect(JSON.stringify(encodeRunList(withBranches.otherBranches)).length).toBeLessThan(600);
  });

  it('places a run by its code, not by when it ran: pipelines started by hand on older commits do not hide a slowdown', () => {
    const runs = shiftedRuns(20, 8, 1.6, 0.05);
    // After the slowdown, "Run pipeline" on commits from before it, one of them never built before: fast runs.
    const olderCommits = [
      { ...aRun({ index: 30, seconds: 300 }), commit: runs[15]?.commit, manualPipeline: true },
      {
        ...aRun({ index: 31, seconds: 295 }),
        commit: '0ldc0mm1tneverbuilt00000000000000000000',
        manualPipeline: true,
      },
      {
        ...aRun({ index: 32, seconds: 305 }),
        commit: '0ldc0mm1tneverbuilt00000000000000000000',
        manualPipeline: true,
      },
    ];
    const interleaved = [...runs.slice(0, 22), ...olderCommits, ...runs.slice(22)].map((run, index) => ({
      ...run,
      buildNumber: 500 + index,
      completedOn: new Date(START + index * 8 * HOUR).toISOString(),
    }));
    const slowdown = detectSlowdown(record(interleaved));
    expect(slowdown).toMatchObject({ firstSlow: { buildNumber: 520 }, scope: 'default-branch' });
    expect(slowdown?.change).toBeGreaterThan(0.45);
    // The same runs, none started by hand: they are new code that runs at the old speed again, so nothing is slow.
    const unmarked = interleaved.map(({ manualPipeline: _manual, ...run }) => run);
    expect(detectSlowdown(record(unmarked))).toBeUndefined();
  });

  it('a step that only runs in pipelines started by hand is read in completion order', () => {
    const runs = shiftedRuns(40, 8, 1.6, 0.1).map((run) => ({ ...run, manualPipeline: true }));
    expect(detectSlowdown(record(runs))).toMatchObject({ firstSlow: { buildNumber: 540 }, runsSince: 8 });
  });

  it('stores the history compactly and reads back exactly what it stored', () => {
    const history = record([
      ...shiftedRuns(40, 8, 1.6, 0.1),
      aRun({ index: 60, seconds: 250, branch: 'feature/x' }),
      { ...aRun({ index: 61, seconds: 251 }), buildNumber: 12 },
      { ...aRun({ index: 63, seconds: 260 }), manualPipeline: true },
    ]);
    const { commit: _unknown, ...withoutCommit } = aRun({ index: 62, seconds: 240 });
    const withUnknownCommit = record([withoutCommit], history);
    for (const runs of [withUnknownCommit.defaultBranch, withUnknownCommit.otherBranches]) {
      expect(decodeRunList(encodeRunList(runs))).toEqual(runs);
    }
    expect(decodeRunList(undefined)).toEqual([]);
  });
});
