/**
 * Wires the flaky / broken detector (src/domain/flakiness) to storage for one attempt: reads the step's track and
 * only the test states the detector names (failed tests plus a few watched ones), and returns the conditional
 * writes. Cost per attempt is O(failed tests), never O(suite size): passes of every other test are implied by the
 * track's counters.
 */
import type { AttemptRecord } from '../domain/attempt';
import { observeAttempt, testsToLoad } from '../domain/flakiness/detector';
import { decodeTestState, encodeTestState } from '../domain/flakiness/test-state';
import { currentView } from '../domain/flakiness/test-view';
import {
  DEFAULT_DETECTOR_CONFIG,
  type DetectorConfig,
  type TestObservation,
  type TestState,
} from '../domain/flakiness/types';
import { decodeTrack, encodeTrack } from '../domain/flakiness/track-codec';
import * as keys from '../storage/keys';
import type { DocOp, Store, Versioned } from '../storage/store';

/** Tests kept in a step's index; the least interesting (healthy, oldest failure) fall off first. */
const INDEX_LIMIT = 300;

export function observationOf(a: AttemptRecord): TestObservation | undefined {
  if (!a.tests) return undefined;
  return {
    stepName: a.stepName,
    commit: a.commit ?? `pipeline:${a.pipelineUuid}`,
    branch: a.branch ?? '',
    isDefaultBranch: a.isDefaultBranch,
    pipelineUuid: a.pipelineUuid,
    buildNumber: a.buildNumber,
    stepUuid: a.stepUuid,
    runNumber: a.runNumber,
    at: a.completedOn,
    summary: { total: a.tests.total, failed: a.tests.failed, error: a.tests.error, skipped: a.tests.skipped },
    failedTests: a.failedTests.map((t) => ({ id: t.id, name: t.name })),
    stepResult: a.result,
    stepSucceededOnRerun: a.runNumber > 1 && a.result === 'SUCCESSFUL',
    ...(a.manualPipeline ? { manualPipeline: true } : {}),
    // An attempt that failed for an infrastructure reason says nothing about its tests (DESIGN.md §3, item 4).
    excluded:
      a.failure?.category === 'infrastructure'
        ? 'infrastructure'
        : a.failedTestsOmitted > 0
          ? 'mass-failure'
          : undefined,
  };
}

async function readTestStates(
  store: Store,
  repo: string,
  ids: string[],
): Promise<Map<string, Versioned<TestState>>> {
  const out = new Map<string, Versioned<TestState>>();
  for (let i = 0; i < ids.length; i += 25) {
    const chunk = ids.slice(i, i + 25);
    const found = await store.getDocs(chunk.map((id) => keys.testState(repo, id)));
    for (const id of chunk) {
      const v = found.get(keys.testState(repo, id));
      if (v) out.set(id, { ...v, value: decodeTestState(v.value) });
    }
  }
  return out;
}

/** The conditional writes for this attempt's tests, at most `maxOps` of them. */
export async function planTestUpdates(
  store: Store,
  a: AttemptRecord,
  maxOps: number,
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): Promise<DocOp[]> {
  let obs = observationOf(a);
  if (!obs) return [];
  const repo = a.repoUuid;
  const trackKey = keys.stepTrack(repo, a.stepName);
  const indexKey = keys.testIndex(repo, a.stepName);
  const [trackDoc, indexDoc] = [await store.getDoc(trackKey), await store.getDoc(indexKey)];
  const track = decodeTrack(trackDoc?.value);
  let ids = testsToLoad(track, obs, config);
  if (ids.length + 2 > maxOps) {
    // More tests to update than one Forge transaction can hold: so many tests failing at once is a suite-wide
    // event, counted against none of them individually (as a mass failure).
    obs = { ...obs, excluded: 'mass-failure' };
    ids = [];
  }
  const states = await readTestStates(store, repo, ids);
  const loaded = new Map<string, TestState | undefined>(ids.map((id) => [id, states.get(id)?.value]));
  const outcome = observeAttempt(track, loaded, obs, config);
  keepReportedNames(outcome.updates, obs);
  const ops: DocOp[] = [
    {
      kind: 'put',
      key: trackKey,
      value: encodeTrack(outcome.track),
      expectedVersion: trackDoc?.version ?? 0,
    },
  ];
  for (const [id, state] of outcome.updates) {
    ops.push({
      kind: 'put',
      key: keys.testState(repo, id),
      value: encodeTestState(state),
      expectedVersion: states.get(id)?.version ?? 0,
    });
  }
  if (outcome.updates.size > 0) {
    const entries = [...outcome.updates.values()].map((state): keys.TestIndexEntry => {
      const view = currentView(outcome.track, state, config);
      return {
        id: state.id,
        label: view.label,
        score: Math.round(view.score * 1000) / 1000,
        failures: view.failures,
        ...(view.lastFailureAt ? { lastFailureAt: view.lastFailureAt } : {}),
      };
    });
    ops.push({
      kind: 'put',
      key: indexKey,
      value: mergeIndex(indexDoc?.value ?? { stepName: a.stepName, tests: [] }, entries),
      expectedVersion: indexDoc?.version ?? 0,
    });
  }
  return ops;
}

/**
 * A test's name is its identity: its state keeps the whole name the attempt reported (Bitbucket's 2,000-character
 * field limit is the only cut), also where the detector kept a shorter prefix of it.
 */
function keepReportedNames(updates: Map<string, TestState>, obs: TestObservation): void {
  const reported = new Map(obs.failedTests.map((t) => [t.id, t.name]));
  for (const [id, state] of updates) {
    const name = reported.get(id);
    if (name !== undefined && name.length > state.name.length && name.startsWith(state.name))
      updates.set(id, { ...state, name });
  }
}

const rank = (e: keys.TestIndexEntry): number => (e.label === 'healthy' ? 0 : 1);

function mergeIndex(index: keys.TestIndex, entries: keys.TestIndexEntry[]): keys.TestIndex {
  const byId = new Map(index.tests.map((t) => [t.id, t]));
  for (const e of entries) byId.set(e.id, e);
  const tests = [...byId.values()]
    .sort((x, y) => rank(y) - rank(x) || (y.lastFailureAt ?? '').localeCompare(x.lastFailureAt ?? ''))
    .slice(0, INDEX_LIMIT);
  return { stepName: index.stepName, tests };
}
