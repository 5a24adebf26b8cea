import { observeAttempt, testsToLoad } from '../../../src/domain/flakiness/detector';
import { currentView } from '../../../src/domain/flakiness/test-view';
import { encodeTestState } from '../../../src/domain/flakiness/test-state';
import { encodeTrack } from '../../../src/domain/flakiness/track-codec';
import { DEFAULT_DETECTOR_CONFIG } from '../../../src/domain/flakiness/types';
import { FLAKY, OTHER, Replay, aRerunOf, anObservation, mulberry32 } from './observation-builder';

const config = DEFAULT_DETECTOR_CONFIG;

function passes(replay: Replay, count: number, overrides: Parameters<typeof anObservation>[0] = {}): void {
  for (let i = 0; i < count; i++) replay.observe(anObservation(overrides));
}

describe('rare flaky test', () => {
  it('is labelled flaky, with same-commit hard evidence, when it fails 1% of 1,000 attempts', () => {
    const replay = new Replay();
    const random = mulberry32(71);
    let rerunDone = false;
    for (let i = 0; i < 1000; i++) {
      const fails = random() < 0.01;
      const obs = anObservation({ failedTests: fails ? [FLAKY] : [] });
      replay.observe(obs);
      if (fails && !rerunDone) {
        replay.observe(aRerunOf(obs));
        rerunDone = true;
      }
    }
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('flaky');
    expect(view.failures).toBeGreaterThanOrEqual(5);
    expect(view.failures).toBeLessThan(20);
    expect(view.evidence.map((item) => item.kind)).toContain('step-passed-on-rerun');
    expect(view.flakySince).toBeDefined();
  });

  it('is flaky after one failure and a pass on the same commit, but not after one failure alone', () => {
    const alone = new Replay();
    passes(alone, 100);
    alone.observe(anObservation({ failedTests: [FLAKY] }));
    passes(alone, 3);
    expect(alone.view(FLAKY.id).label).toBe('healthy');

    const rerun = new Replay();
    passes(rerun, 100);
    const failed = anObservation({ failedTests: [FLAKY] });
    rerun.observe(failed);
    rerun.observe(aRerunOf(failed));
    const view = rerun.view(FLAKY.id);
    expect(view.label).toBe('flaky');
    expect(view.flakySince).toMatchObject({ commit: failed.commit, buildNumber: failed.buildNumber });
  });

  it('is flaky from the score alone after repeated isolated failures on the default branch', () => {
    const replay = new Replay();
    for (let round = 0; round < 4; round++) {
      passes(replay, 40);
      replay.observe(anObservation({ failedTests: [FLAKY] }));
    }
    passes(replay, 1);
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('flaky');
    expect(view.score).toBeGreaterThanOrEqual(config.alarmScore);
    expect(
      view.evidence.some(
        (item) => item.kind === 'passed-same-commit' || item.kind === 'step-passed-on-rerun',
      ),
    ).toBe(false);
  });

  it('recovers (hysteresis) once it has passed long enough, and not before', () => {
    const replay = new Replay();
    for (let round = 0; round < 4; round++) {
      passes(replay, 40);
      replay.observe(anObservation({ failedTests: [FLAKY] }));
    }
    passes(replay, 50);
    expect(replay.view(FLAKY.id).label).toBe('flaky');
    passes(replay, 1500);
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('healthy');
    expect(view.score).toBeLessThan(config.recoveryScore);
  });
});

describe('broken and fixed', () => {
  it('labels a test broken since the commit where it started failing, then fixed where it passes again', () => {
    const replay = new Replay();
    passes(replay, 60);
    const breaking = anObservation({ failedTests: [FLAKY] });
    replay.observe(breaking);
    replay.observe(anObservation({ failedTests: [FLAKY] }));
    expect(replay.view(FLAKY.id).label).toBe('healthy');
    for (let i = 0; i < 5; i++) replay.observe(anObservation({ failedTests: [FLAKY] }));
    const broken = replay.view(FLAKY.id);
    expect(broken.label).toBe('broken');
    expect(broken.brokenSince).toMatchObject({
      commit: breaking.commit,
      pipelineUuid: breaking.pipelineUuid,
      buildNumber: breaking.buildNumber,
    });
    expect(broken.score).toBeLessThan(config.alarmScore);

    const fixing = anObservation();
    replay.observe(fixing);
    const fixed = replay.view(FLAKY.id);
    expect(fixed.label).toBe('fixed');
    expect(fixed.fixedAt).toMatchObject({ commit: fixing.commit, at: fixing.at });
    expect(fixed.evidence.map((item) => item.kind)).toEqual(
      expect.arrayContaining(['broken-since', 'fixed']),
    );

    passes(replay, config.fixedHold + 1);
    expect(replay.view(FLAKY.id).label).toBe('healthy');
  });

  it('treats failures on branches during a default-branch regression as part of it, not as flakiness', () => {
    const replay = new Replay();
    passes(replay, 60);
    for (let i = 0; i < 6; i++) {
      replay.observe(anObservation({ failedTests: [FLAKY] }));
      replay.observe(
        anObservation({ failedTests: [FLAKY], branch: `feature/f${i}`, isDefaultBranch: false }),
      );
      replay.observe(anObservation({ branch: `feature/g${i}`, isDefaultBranch: false }));
    }
    replay.observe(anObservation());
    passes(replay, 5);
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('fixed');
    expect(view.flakySince).toBeUndefined();
  });

  it('labels a regression on a feature branch only in that branch scope', () => {
    const replay = new Replay();
    passes(replay, 60);
    const branch = { branch: 'feature/rewrite-cart', isDefaultBranch: false };
    for (let i = 0; i < 4; i++) {
      replay.observe(anObservation({ ...branch, failedTests: [FLAKY] }));
      replay.observe(anObservation());
    }
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('healthy');
    expect(view.brokenOnBranches).toEqual(['feature/rewrite-cart']);
    replay.observe(anObservation(branch));
    expect(replay.view(FLAKY.id).brokenOnBranches).toEqual([]);
  });

  it('does not count a failing rerun of the same broken commit as a new episode', () => {
    const replay = new Replay();
    passes(replay, 60);
    const branch = { branch: 'feature/x', isDefaultBranch: false };
    const failed = anObservation({ ...branch, failedTests: [FLAKY] });
    replay.observe(failed);
    replay.observe(anObservation(branch));
    // A late rerun of the broken commit fails again: the same failure of the same code, not a new one.
    replay.observe(aRerunOf(failed, { failedTests: [FLAKY] }));
    replay.observe(anObservation(branch));
    const runs = replay.states.get(FLAKY.id)?.runs ?? [];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ attempts: 2, commits: 1 });
    expect(replay.view(FLAKY.id).failures).toBe(2);
  });
});

describe('outages', () => {
  it('does not count attempts the caller marked as infrastructure failures', () => {
    const replay = new Replay();
    passes(replay, 50);
    const seqBefore = replay.track?.seq;
    for (let i = 0; i < 5; i++) {
      const obs = anObservation({ failedTests: [FLAKY, OTHER], excluded: 'infrastructure' });
      expect(testsToLoad(replay.track, obs)).toEqual([]);
      expect(replay.observe(obs).updates.size).toBe(0);
    }
    expect(replay.track?.seq).toEqual(seqBefore);
    expect(replay.track?.excluded.infrastructure).toBe(5);
    expect(replay.states.size).toBe(0);
  });

  it('excludes an unmarked mass failure, but counts a large failure of a tiny suite', () => {
    const replay = new Replay();
    passes(replay, 50);
    const many = Array.from({ length: 120 }, (_, i) => ({ id: `t${i}`, name: `T${i}` }));
    const mass = replay.observe(
      anObservation({ failedTests: many, summary: { total: 300, failed: 120, error: 0, skipped: 0 } }),
    );
    expect(mass.excluded).toBe('mass-failure');
    expect(replay.states.size).toBe(0);
    const small = replay.observe(
      anObservation({ failedTests: [FLAKY, OTHER], summary: { total: 4, failed: 2, error: 0, skipped: 0 } }),
    );
    expect(small.excluded).toBeUndefined();
    expect([...small.updates.keys()].sort()).toEqual([FLAKY.id, OTHER.id].sort());
  });

  it('never labels a stable test flaky because of repeated outages', () => {
    const replay = new Replay();
    const random = mulberry32(5);
    const suite = Array.from({ length: 300 }, (_, i) => ({ id: `s${i}`, name: `Stable${i}` }));
    for (let i = 0; i < 600; i++) {
      const outage = random() < 0.1;
      if (!outage) {
        replay.observe(anObservation({ summary: { total: 300, failed: 0, error: 0, skipped: 0 } }));
        continue;
      }
      const failing = suite.filter(() => random() < 0.45);
      const marked = random() < 0.5;
      const obs = anObservation({
        failedTests: failing,
        summary: { total: 300, failed: failing.length, error: 0, skipped: 0 },
        excluded: marked ? 'infrastructure' : undefined,
      });
      replay.observe(obs);
      replay.observe(aRerunOf(obs, { summary: { total: 300, failed: 0, error: 0, skipped: 0 } }));
    }
    expect(replay.states.size).toBe(0);
  });
});

describe('out-of-order delivery', () => {
  it('finds same-commit evidence when the failure arrives after the pass on that commit', () => {
    const replay = new Replay();
    passes(replay, 80);
    const failed = anObservation({ failedTests: [FLAKY] });
    const passedLater = aRerunOf(failed);
    replay.observe(passedLater);
    replay.observe(failed);
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('flaky');
    // The pass was the step's own rerun, whichever arrived first.
    expect(view.evidence.map((item) => item.kind)).toContain('step-passed-on-rerun');
  });

  it('counts a late pass once and does not let a pass older than a regression mark it fixed', () => {
    const replay = new Replay();
    passes(replay, 40);
    const old = anObservation();
    for (let i = 0; i < 4; i++) replay.observe(anObservation({ failedTests: [FLAKY] }));
    expect(replay.view(FLAKY.id).label).toBe('broken');
    const runsBefore = replay.view(FLAKY.id).runs;
    replay.observe(old);
    const view = replay.view(FLAKY.id);
    expect(view.label).toBe('broken');
    expect(view.runs).toBe(runsBefore + 1);
  });

  it('still counts a late failure', () => {
    const replay = new Replay();
    passes(replay, 40);
    const late = anObservation({ failedTests: [FLAKY] });
    passes(replay, 5);
    replay.observe(late);
    expect(replay.view(FLAKY.id).failures).toBe(1);
  });
});

describe('lazy passes', () => {
  it('reads and writes only failed and watched tests, and currentView does not change the state', () => {
    const replay = new Replay();
    passes(replay, 200);
    replay.observe(anObservation({ failedTests: [FLAKY] }));
    passes(replay, 200);
    expect(replay.reads).toBe(2);
    expect(replay.writes).toBe(2);
    const state = replay.states.get(FLAKY.id);
    const before = JSON.stringify(state);
    if (!replay.track || !state) throw new Error('missing state');
    currentView(replay.track, state);
    expect(JSON.stringify(state)).toBe(before);
  });
});

describe('scopes and quarantine', () => {
  it('keeps branch-only flakiness out of the default-branch view', () => {
    const replay = new Replay();
    passes(replay, 50);
    const branch = { branch: 'feature/y', isDefaultBranch: false };
    const failed = anObservation({ ...branch, failedTests: [FLAKY] });
    replay.observe(failed);
    replay.observe(aRerunOf(failed));
    expect(replay.view(FLAKY.id, 'all').label).toBe('flaky');
    expect(replay.view(FLAKY.id, 'default').label).toBe('healthy');
  });

  it('reports quarantine without changing the computed label', () => {
    const replay = new Replay();
    const failed = anObservation({ failedTests: [FLAKY] });
    replay.observe(failed);
    replay.observe(aRerunOf(failed));
    const state = replay.states.get(FLAKY.id);
    if (!replay.track || !state) throw new Error('missing state');
    const view = currentView(replay.track, { ...state, quarantined: true });
    expect(view).toMatchObject({ label: 'flaky', quarantined: true });
  });
});

describe('bounded documents', () => {
  it('keeps the stored StepTrack under 32 KB and TestState under 16 KB after 10,000 attempts', () => {
    const replay = new Replay();
    const random = mulberry32(3);
    const longName = `com.example.${'deeply.nested.package.'.repeat(12)}VeryLongTestClassName.testWithAVeryLongName`;
    const suite = Array.from({ length: 40 }, (_, i) => ({
      id: `${i.toString(16).padStart(16, 'f')}`,
      name: `${longName}${i}`,
    }));
    let maxTrack = 0;
    let maxState = 0;
    for (let i = 0; i < 10_000; i++) {
      const onBranch = random() < 0.6;
      const failing = suite.filter(() => random() < 0.04);
      const obs = anObservation({
        failedTests: failing,
        summary: { total: 400, failed: failing.length, error: 0, skipped: 0 },
        isDefaultBranch: !onBranch,
        branch: onBranch ? `feature/${'long-branch-name-'.repeat(6)}${Math.floor(random() * 60)}` : 'main',
      });
      const outcome = replay.observe(obs);
      if (failing.length > 0 && random() < 0.3)
        replay.observe(aRerunOf(obs, { failedTests: failing.filter(() => random() < 0.5) }));
      maxTrack = Math.max(maxTrack, JSON.stringify(encodeTrack(outcome.track)).length);
      for (const state of outcome.updates.values())
        maxState = Math.max(maxState, JSON.stringify(encodeTestState(state)).length);
    }
    // 40 tests failing 4% of the time: 1.6 failing tests per attempt, a dense timeline.
    expect(maxTrack).toBeLessThan(32 * 1024);
    expect(maxState).toBeLessThan(16 * 1024);
  });
});

describe('observeAttempt contract', () => {
  it('skips a watched test whose state the caller did not load, and starts states for new failures', () => {
    const first = observeAttempt(undefined, new Map(), anObservation({ failedTests: [FLAKY] }));
    const next = anObservation();
    expect(testsToLoad(first.track, next)).toEqual([FLAKY.id]);
    const outcome = observeAttempt(first.track, new Map(), next);
    expect(outcome.updates.size).toBe(0);
    expect(outcome.track.seq.default).toBe(2);
  });
});
