/**
 * Builders for detector tests: observations with overrides, a seeded PRNG, and a replay harness that keeps test
 * states in a map exactly as the storage layer would (read `testsToLoad`, write `updates`).
 */
import { createHash } from 'node:crypto';
import { observeAttempt, testsToLoad } from '../../../src/domain/flakiness/detector';
import { currentView } from '../../../src/domain/flakiness/test-view';
import type {
  DetectorConfig,
  StepTrack,
  TestObservation,
  TestState,
  TestView,
  ViewScope,
} from '../../../src/domain/flakiness/types';
import { DEFAULT_DETECTOR_CONFIG } from '../../../src/domain/flakiness/types';

export { mulberry32 } from '../../../src/sim/prng';

let serial = 0;
const START = Date.parse('2026-03-02T08:00:00Z');

/** A passing default-branch attempt on a fresh commit, one hour after the previous one built. */
export function anObservation(overrides: Partial<TestObservation> = {}): TestObservation {
  serial++;
  const failedTests = overrides.failedTests ?? [];
  const failing = failedTests.length;
  return {
    stepName: 'Unit tests',
    commit: createHash('sha1').update(`commit ${serial}`).digest('hex'),
    branch: 'main',
    isDefaultBranch: true,
    pipelineUuid: `00000000-0000-4000-a000-${serial.toString(16).padStart(12, '0')}`,
    buildNumber: serial,
    stepUuid: `10000000-0000-4000-a000-${serial.toString(16).padStart(12, '0')}`,
    runNumber: 1,
    at: new Date(START + serial * 3_600_000).toISOString(),
    summary: { total: 200, failed: failing, error: 0, skipped: 0 },
    stepResult: failing > 0 ? 'FAILED' : 'SUCCESSFUL',
    stepSucceededOnRerun: false,
    ...overrides,
    failedTests,
  };
}

/** The same step rerun on the same commit and pipeline, later. */
export function aRerunOf(first: TestObservation, overrides: Partial<TestObservation> = {}): TestObservation {
  const failedTests = overrides.failedTests ?? [];
  const succeeded = failedTests.length === 0;
  return {
    ...first,
    runNumber: first.runNumber + 1,
    at: new Date(Date.parse(first.at) + 20 * 60_000).toISOString(),
    summary: { ...first.summary, failed: failedTests.length },
    stepResult: succeeded ? 'SUCCESSFUL' : 'FAILED',
    stepSucceededOnRerun: succeeded,
    ...overrides,
    failedTests,
  };
}

export const FLAKY = { id: 'a1b2c3d4e5f60718', name: 'com.example.checkout.CartTest.appliesDiscount' };
export const OTHER = { id: '0f1e2d3c4b5a6978', name: 'com.example.search.IndexTest.rebuilds' };

/** Replays observations through the detector against an in-memory store of test states. */
export class Replay {
  track: StepTrack | undefined;
  readonly states = new Map<string, TestState>();
  reads = 0;
  writes = 0;

  constructor(readonly config: DetectorConfig = DEFAULT_DETECTOR_CONFIG) {}

  observe(obs: TestObservation): ReturnType<typeof observeAttempt> {
    const ids = testsToLoad(this.track, obs, this.config);
    this.reads += ids.length;
    const outcome = observeAttempt(
      this.track,
      new Map(ids.map((id) => [id, this.states.get(id)] as const)),
      obs,
      this.config,
    );
    this.track = outcome.track;
    this.writes += outcome.updates.size;
    for (const [id, state] of outcome.updates) this.states.set(id, state);
    return outcome;
  }

  view(id: string, scope: ViewScope = this.config.scope): TestView {
    const state = this.states.get(id);
    if (!this.track || !state) throw new Error(`no state for ${id}`);
    return currentView(this.track, state, this.config, scope);
  }
}
