/**
 * A test's stored state: created at its first failure, refreshed whenever the detector loads it (it failed, or it
 * has an open run in the attempt's scope). Refreshing stores the test's runs and same-commit evidence as the
 * timeline shows them now, so that once the oldest attempts drop out of the bounded timeline what they meant for
 * the test is kept.
 */
import { pushEvidence } from './evidence';
import { boundedHistory, testHistory } from './merge';
import { shortCommit } from './timeline';
import type {
  AttemptRef,
  DetectorConfig,
  FailureRun,
  OrderKey,
  SameCommitEvidence,
  ScopeSeq,
  StepTrack,
  TestState,
} from './types';

export function newTestState(id: string, name: string, seqBefore: ScopeSeq): TestState {
  return {
    v: 2,
    id,
    name,
    firstSeen: { ...seqBefore },
    failures: { default: 0, other: 0 },
    runs: [],
    sameCommit: [],
    evidence: [],
    quarantined: false,
  };
}

/** The test failed in the attempt `ref` (counted in `scope`). */
export function recordFailure(
  state: TestState,
  ref: AttemptRef,
  isDefault: boolean,
  config: DetectorConfig,
): TestState {
  return {
    ...state,
    failures: {
      default: state.failures.default + (isDefault ? 1 : 0),
      other: state.failures.other + (isDefault ? 0 : 1),
    },
    lastFailureAt:
      state.lastFailureAt !== undefined && state.lastFailureAt > ref.at ? state.lastFailureAt : ref.at,
    evidence: pushEvidence(state.evidence, ref, 'failed', config.evidenceLimit),
  };
}

/** Store what the timeline now shows of the test; `current` is the attempt being observed, known in full. */
export function refreshState(
  state: TestState,
  track: StepTrack,
  config: DetectorConfig,
  current?: AttemptRef,
): TestState {
  const history = boundedHistory(testHistory(track, state, config, current), config);
  return { ...state, runs: history.runs, sameCommit: history.sameCommit };
}

/** The parts of a state written before verdicts came from the timeline that still mean something. */
interface LegacyTestState {
  v?: undefined;
  id: string;
  name: string;
  firstSeen: ScopeSeq;
  failures: ScopeSeq;
  lastFailureAt?: string;
  evidence: (AttemptRef & { kind: string })[];
  quarantined: boolean;
  broken?: AttemptRef;
  fixed?: { ref: AttemptRef; brokenSince: AttemptRef };
}

const keyOfRef = (ref: AttemptRef): OrderKey => [ref.buildNumber, ref.buildNumber, ref.runNumber];

/**
 * Reads a stored state. A state written before the timeline keeps its name, counters, quarantine and failures;
 * an open or fixed regression becomes a run, and same-commit evidence becomes same-commit items, placed by build
 * number before everything the new timeline holds.
 */
export function decodeTestState(stored: StoredTestState | LegacyTestState): TestState {
  if (stored.v === 2) {
    return {
      ...stored,
      runs: stored.runs.map(decodeRun),
      sameCommit: stored.sameCommit.map(decodeSameCommit),
    };
  }
  const at = stored.firstSeen;
  const run = (start: AttemptRef, end: AttemptRef, closedBy?: AttemptRef): FailureRun => ({
    scopeKey: 'default',
    start,
    startKey: keyOfRef(start),
    end,
    endKey: keyOfRef(end),
    seqStart: at,
    seqEnd: at,
    attempts: 3,
    commits: 3,
    crowded: false,
    ...(closedBy ? { closedBy, closedKey: keyOfRef(closedBy) } : {}),
  });
  const runs: FailureRun[] = [];
  if (stored.fixed) runs.push(run(stored.fixed.brokenSince, stored.fixed.brokenSince, stored.fixed.ref));
  if (stored.broken) runs.push(run(stored.broken, stored.broken));
  const failed = stored.evidence.filter((item) => item.kind === 'failed');
  const sameCommit: SameCommitEvidence[] = stored.evidence
    .filter((item) => item.kind === 'passed-same-commit' || item.kind === 'step-passed-on-rerun')
    .map((item) => ({
      failed: failed.find((f) => f.commit === item.commit) ?? item,
      passed: item,
      key: keyOfRef(item),
      scopeKey: 'default',
      seq: at,
      rerun: item.kind === 'step-passed-on-rerun',
      crowded: false,
    }));
  return {
    v: 2,
    id: stored.id,
    name: stored.name,
    firstSeen: stored.firstSeen,
    failures: stored.failures,
    runs,
    sameCommit,
    ...(stored.lastFailureAt ? { lastFailureAt: stored.lastFailureAt } : {}),
    evidence: failed.map((item) => ({ ...item, kind: 'failed' as const })),
    quarantined: stored.quarantined,
  };
}

/** `[commit, build, run, completed (epoch s), pipeline uuid?, step uuid?]`. */
type RefTuple = [string, number, number, number, string?, string?];
/** `[scope, start, startKey, end, endKey, seqStart d, o, seqEnd d, o, attempts, commits, crowded, closedBy?, closedKey?]`. */
type RunTuple = [
  string,
  RefTuple,
  OrderKey,
  RefTuple,
  OrderKey,
  number,
  number,
  number,
  number,
  number,
  number,
  0 | 1,
  RefTuple?,
  OrderKey?,
];
/** `[failed, passed, key, scope, seq d, o, rerun, crowded]`. */
type SameCommitTuple = [RefTuple, RefTuple, OrderKey, string, number, number, 0 | 1, 0 | 1];

/** How a TestState is stored: runs and evidence as tuples (it is rewritten whenever its test fails). */
export interface StoredTestState extends Omit<TestState, 'runs' | 'sameCommit'> {
  runs: RunTuple[];
  sameCommit: SameCommitTuple[];
}

/**
 * A run's start and a same-commit failure keep their full commit and uuids, a run's closing pass its full commit
 * (they are shown as "broken since", "fixed"); other refs are short.
 */
function refTuple(ref: AttemptRef, detail: 'full' | 'commit' | 'short'): RefTuple {
  const commit = detail === 'short' ? shortCommit(ref.commit) : ref.commit;
  const tuple: RefTuple = [commit, ref.buildNumber, ref.runNumber, Math.floor(Date.parse(ref.at) / 1000)];
  if (detail === 'full' && ref.pipelineUuid) tuple.push(ref.pipelineUuid, ref.stepUuid ?? '');
  return tuple;
}

function refOf(tuple: RefTuple): AttemptRef {
  const [commit, buildNumber, runNumber, at, pipelineUuid, stepUuid] = tuple;
  return {
    commit,
    buildNumber,
    runNumber,
    at: new Date(at * 1000).toISOString(),
    ...(pipelineUuid ? { pipelineUuid } : {}),
    ...(stepUuid ? { stepUuid } : {}),
  };
}

export function encodeTestState(state: TestState): StoredTestState {
  return {
    ...state,
    runs: state.runs.map((run): RunTuple => {
      const tuple: RunTuple = [
        run.scopeKey,
        refTuple(run.start, 'full'),
        run.startKey,
        refTuple(run.end, 'short'),
        run.endKey,
        run.seqStart.default,
        run.seqStart.other,
        run.seqEnd.default,
        run.seqEnd.other,
        run.attempts,
        run.commits,
        run.crowded ? 1 : 0,
      ];
      if (run.closedBy && run.closedKey) tuple.push(refTuple(run.closedBy, 'commit'), run.closedKey);
      return tuple;
    }),
    sameCommit: state.sameCommit.map((item): SameCommitTuple => [
      refTuple(item.failed, 'full'),
      refTuple(item.passed, 'commit'),
      item.key,
      item.scopeKey,
      item.seq.default,
      item.seq.other,
      item.rerun ? 1 : 0,
      item.crowded ? 1 : 0,
    ]),
  };
}

function decodeRun(tuple: RunTuple): FailureRun {
  const [
    scopeKey,
    start,
    startKey,
    end,
    endKey,
    sd,
    so,
    ed,
    eo,
    attempts,
    commits,
    crowded,
    closedBy,
    closedKey,
  ] = tuple;
  return {
    scopeKey,
    start: refOf(start),
    startKey,
    end: refOf(end),
    endKey,
    seqStart: { default: sd, other: so },
    seqEnd: { default: ed, other: eo },
    attempts,
    commits,
    crowded: crowded === 1,
    ...(closedBy && closedKey ? { closedBy: refOf(closedBy), closedKey } : {}),
  };
}

function decodeSameCommit(tuple: SameCommitTuple): SameCommitEvidence {
  const [failed, passed, key, scopeKey, sd, so, rerun, crowded] = tuple;
  return {
    failed: refOf(failed),
    passed: refOf(passed),
    key,
    scopeKey,
    seq: { default: sd, other: so },
    rerun: rerun === 1,
    crowded: crowded === 1,
  };
}
