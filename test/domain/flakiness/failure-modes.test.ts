/**
 * The detector's failure modes measured on workspaces it was not written for (issue "Verdicts that hold"), each as
 * a history built attempt by attempt, and the property that makes them hold: the verdict does not depend on the
 * order in which attempts arrive.
 */
import type { TestObservation } from '../../../src/domain/flakiness/types';
import { FLAKY, OTHER, Replay, aRerunOf, anObservation, mulberry32 } from './observation-builder';

function passes(replay: Replay, count: number, overrides: Partial<TestObservation> = {}): TestObservation[] {
  const out: TestObservation[] = [];
  for (let i = 0; i < count; i++) {
    const obs = anObservation(overrides);
    replay.observe(obs);
    out.push(obs);
  }
  return out;
}

const failing = (overrides: Partial<TestObservation> = {}): TestObservation =>
  anObservation({ failedTests: [FLAKY], ...overrides });

describe('a. a high-rate flaky test with a streak of failures', () => {
  it('stays flaky, neither broken nor fixed, when the streak sits inside intermittent history', () => {
    const replay = new Replay();
    const random = mulberry32(11);
    passes(replay, 30);
    // 60 runs at 20% with isolated failures, then four failures in a row by chance, then 40 more runs at 20%.
    const intermittent = (runs: number): void => {
      let last = false;
      for (let i = 0; i < runs; i++) {
        const fails: boolean = !last && random() < 0.2;
        last = fails;
        replay.observe(anObservation(fails ? { failedTests: [FLAKY] } : {}));
      }
    };
    intermittent(60);
    for (let i = 0; i < 4; i++) replay.observe(failing());
    replay.observe(anObservation());
    intermittent(40);
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('flaky');
    expect(view.brokenSince).toBeUndefined();
  });

  it('is flaky, not broken, when a commit of the streak also passed', () => {
    const replay = new Replay();
    passes(replay, 50);
    replay.observe(failing());
    replay.observe(failing());
    const third = failing();
    replay.observe(third);
    replay.observe(failing());
    replay.observe(failing());
    // "Rerun failed steps" on the third commit, after the newer commits ran: it passes.
    replay.observe(aRerunOf(third, { at: new Date(Date.parse(third.at) + 10 * 3_600_000).toISOString() }));
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('flaky');
    expect(view.brokenSince).toBeUndefined();
  });
});

describe('b. a break on the default branch while older commits still run', () => {
  it('stays broken when a pipeline runs again on a commit from before the break and passes', () => {
    const replay = new Replay();
    const before = passes(replay, 40);
    const breaking = failing();
    replay.observe(breaking);
    for (let i = 0; i < 3; i++) replay.observe(failing());
    expect(replay.view(FLAKY.id).label).toBe('broken');
    // A new pipeline (higher build number, later) on a commit built long before the break.
    const old = before[30] as TestObservation;
    replay.observe(anObservation({ commit: old.commit }));
    replay.observe(failing());
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('broken');
    expect(view.brokenSince).toMatchObject({ commit: breaking.commit, buildNumber: breaking.buildNumber });
  });

  it('stays broken when a pipeline started by hand on a commit never built before passes', () => {
    const replay = new Replay();
    passes(replay, 40);
    for (let i = 0; i < 4; i++) replay.observe(failing());
    // "Run pipeline" on an older commit that a push of several commits never built: its place is unknown.
    replay.observe(anObservation({ manualPipeline: true }));
    expect(replay.view(FLAKY.id).label).toBe('broken');
    replay.observe(failing());
    expect(replay.view(FLAKY.id).label).toBe('broken');
  });

  it('stays broken while branches that have not merged the break pass', () => {
    const replay = new Replay();
    passes(replay, 40);
    const breaking = failing();
    replay.observe(breaking);
    for (let i = 0; i < 6; i++) {
      replay.observe(failing());
      replay.observe(anObservation({ branch: `feature/lagging-${i % 2}`, isDefaultBranch: false }));
    }
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('broken');
    expect(view.brokenSince).toMatchObject({ commit: breaking.commit });
  });

  it('reaches the same verdict when the whole history arrives newest first', () => {
    const history: TestObservation[] = [];
    for (let i = 0; i < 40; i++) history.push(anObservation());
    for (let i = 0; i < 5; i++) history.push(failing());
    history.push(anObservation({ commit: (history[20] as TestObservation).commit }));
    const inOrder = new Replay();
    const reversed = new Replay();
    for (const obs of history) inOrder.observe(obs);
    for (const obs of [...history].reverse()) reversed.observe(obs);
    expect(inOrder.view(FLAKY.id).label).toBe('broken');
    expect(reversed.view(FLAKY.id).label).toBe('broken');
    expect(reversed.view(FLAKY.id).brokenSince).toEqual(inOrder.view(FLAKY.id).brokenSince);
  });
});

describe('c. a short breakage', () => {
  it('is fixed or healthy, never flaky, after two breakages of two commits each', () => {
    const replay = new Replay();
    passes(replay, 80);
    for (let round = 0; round < 2; round++) {
      replay.observe(failing());
      replay.observe(failing());
      passes(replay, 30);
    }
    expect(['fixed', 'healthy']).toContain(replay.view(FLAKY.id).label);
    expect(replay.view(FLAKY.id).flakySince).toBeUndefined();
  });

  it('labels three failing commits then a fix as fixed, with the failing rerun of a broken commit inside it', () => {
    const replay = new Replay();
    passes(replay, 80);
    const breaking = failing();
    replay.observe(breaking);
    replay.observe(aRerunOf(breaking, { failedTests: [FLAKY] }));
    replay.observe(failing());
    replay.observe(failing());
    passes(replay, 3);
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('fixed');
    expect(view.fixedAt).toBeDefined();
  });
});

describe('d. a low-rate flaky test', () => {
  it('is flaky after two failures far apart on the default branch, each followed by a pass', () => {
    const replay = new Replay();
    passes(replay, 300);
    replay.observe(failing());
    passes(replay, 150);
    expect(replay.view(FLAKY.id).label).toBe('healthy');
    replay.observe(failing());
    passes(replay, 10);
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('flaky');
    expect(view.failureRate).toBeLessThan(0.02);
    expect(view.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('finds a 2% flaky test among 1,000 runs without any rerun', () => {
    const replay = new Replay();
    const random = mulberry32(4);
    for (let i = 0; i < 1000; i++)
      replay.observe(anObservation(random() < 0.02 ? { failedTests: [FLAKY] } : {}));
    expect(replay.view(FLAKY.id).label).toBe('flaky');
  });
});

describe('e. outages', () => {
  it('does not call stable tests flaky when partial outages (a few tests failing together, the rerun passing) hit them twice', () => {
    const replay = new Replay();
    const suite = Array.from({ length: 8 }, (_, i) => ({
      id: `0000000000000${i}aa`,
      name: `db.ConnectionTest.query${i}`,
    }));
    passes(replay, 60, { summary: { total: 300, failed: 0, error: 0, skipped: 0 } });
    for (let outage = 0; outage < 2; outage++) {
      const hit = anObservation({
        failedTests: suite,
        summary: { total: 300, failed: suite.length, error: 0, skipped: 0 },
      });
      replay.observe(hit);
      replay.observe(aRerunOf(hit, { summary: { total: 300, failed: 0, error: 0, skipped: 0 } }));
      passes(replay, 40, { summary: { total: 300, failed: 0, error: 0, skipped: 0 } });
    }
    for (const test of suite) expect(replay.view(test.id).label).toBe('healthy');
  });
});

describe('f. the thresholds change the labels', () => {
  it('flags at the alarm score and clears below the recovery score', () => {
    const history: TestObservation[] = [];
    for (let i = 0; i < 200; i++) history.push(anObservation());
    history.push(failing());
    for (let i = 0; i < 60; i++) history.push(anObservation());
    history.push(failing());
    for (let i = 0; i < 20; i++) history.push(anObservation());
    const strict = new Replay({ ...new Replay().config, alarmScore: 0.95, recoveryScore: 0.9 });
    const lenient = new Replay({ ...new Replay().config, alarmScore: 0.6, recoveryScore: 0.3 });
    for (const obs of history) {
      strict.observe(obs);
      lenient.observe(obs);
    }
    expect(lenient.view(FLAKY.id).label).toBe('flaky');
    expect(strict.view(FLAKY.id).label).toBe('healthy');
    expect(lenient.view(FLAKY.id).score).toBeCloseTo(strict.view(FLAKY.id).score, 10);
  });

  it('keeps branch-only evidence out of the labels when the scope is the default branch', () => {
    const config = { ...new Replay().config, scope: 'default' as const };
    const replay = new Replay(config);
    passes(replay, 50);
    const branch = { branch: 'feature/y', isDefaultBranch: false };
    const failed = anObservation({ ...branch, failedTests: [FLAKY, OTHER] });
    replay.observe(failed);
    replay.observe(aRerunOf(failed));
    expect(replay.view(FLAKY.id).label).toBe('healthy');
    expect(replay.view(FLAKY.id, 'all').label).toBe('flaky');
  });
});
