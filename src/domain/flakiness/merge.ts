/**
 * One test's history in order: its runs of consecutive failures per branch scope, and its same-commit evidence.
 * The timeline is the authority for everything it covers; what happened before it (the oldest attempts dropped
 * out of the bounded timeline) comes from the test's state as last written. A run that began before the timeline
 * and goes on inside it is joined across the edge.
 */
import { commitOrder, compareKeys, horizonOf, isUnplaced, refOfEntry, timelineKeys } from './timeline';
import type {
  AttemptRef,
  DetectorConfig,
  FailureRun,
  OrderKey,
  SameCommitEvidence,
  StepTrack,
  TestState,
  TimelineEntry,
} from './types';

export interface TestHistory {
  /** Runs of failures in history order (by start), all scopes. */
  runs: FailureRun[];
  sameCommit: SameCommitEvidence[];
}

/** The fullest ref known for a timeline entry (the timeline keeps a short commit and no uuids). */
function refWithUuids(entry: TimelineEntry, known: Map<string, AttemptRef>): AttemptRef {
  return known.get(`${entry.buildNumber}:${entry.runNumber}`) ?? refOfEntry(entry);
}

/** Refs with uuids that the state already holds (its failures), so a run's start keeps its links. */
function knownRefs(state: TestState, current: AttemptRef | undefined): Map<string, AttemptRef> {
  const known = new Map<string, AttemptRef>();
  if (current) known.set(`${current.buildNumber}:${current.runNumber}`, current);
  const add = (ref: AttemptRef | undefined): void => {
    if (ref?.pipelineUuid) known.set(`${ref.buildNumber}:${ref.runNumber}`, ref);
  };
  for (const item of state.evidence) add(item);
  for (const run of state.runs) {
    add(run.start);
    add(run.end);
    if (run.closedBy) known.set(`${run.closedBy.buildNumber}:${run.closedBy.runNumber}`, run.closedBy);
  }
  for (const same of state.sameCommit) add(same.failed);
  return known;
}

interface WindowRun extends FailureRun {
  /** The run starts at the first attempt of its scope in the timeline: it may have begun before. */
  atEdge: boolean;
}

/**
 * Per timeline: for each placed entry the index of the next placed entry of its scope, the first index of each
 * scope, which entries are placed (see `isUnplaced`), and the entries of each commit. Computed once per timeline.
 */
interface TimelineIndex {
  placed: boolean[];
  nextInScope: number[];
  firstOfScope: Map<string, number>;
  byCommit: Map<string, number[]>;
}

const indexCache = new WeakMap<readonly TimelineEntry[], TimelineIndex>();

function indexOf(timeline: readonly TimelineEntry[]): TimelineIndex {
  const cached = indexCache.get(timeline);
  if (cached) return cached;
  const nextInScope = new Array<number>(timeline.length).fill(-1);
  const lastOfScope = new Map<string, number>();
  const firstOfScope = new Map<string, number>();
  const byCommit = new Map<string, number[]>();
  const order = commitOrder(timeline);
  const placed = timeline.map((entry) => !isUnplaced(entry, order));
  timeline.forEach((entry, index) => {
    const list = byCommit.get(entry.commit);
    if (list) list.push(index);
    else byCommit.set(entry.commit, [index]);
    if (!placed[index]) return;
    const previous = lastOfScope.get(entry.scopeKey);
    if (previous === undefined) firstOfScope.set(entry.scopeKey, index);
    else nextInScope[previous] = index;
    lastOfScope.set(entry.scopeKey, index);
  });
  const built = { placed, nextInScope, firstOfScope, byCommit };
  indexCache.set(timeline, built);
  return built;
}

function failingIndices(timeline: readonly TimelineEntry[], id: string): number[] {
  const out: number[] = [];
  for (let index = 0; index < timeline.length; index++) {
    const failed = (timeline[index] as TimelineEntry).failed;
    if (failed.length > 0 && failed.includes(id)) out.push(index);
  }
  return out;
}

/** Runs of the test in the timeline, per scope, in order. */
function windowRuns(
  timeline: readonly TimelineEntry[],
  keys: OrderKey[],
  failing: number[],
  known: Map<string, AttemptRef>,
  config: DetectorConfig,
): WindowRun[] {
  const { placed, nextInScope, firstOfScope } = indexOf(timeline);
  const inPlace = failing.filter((index) => placed[index]);
  if (inPlace.length === 0) return [];
  const open = new Map<string, { run: WindowRun; last: number; commits: Set<string> }>();
  const runs: WindowRun[] = [];
  const close = (slot: { run: WindowRun; last: number }): boolean => {
    const next = nextInScope[slot.last] ?? -1;
    const entry = timeline[next];
    if (!entry) return false;
    slot.run.closedBy = refWithUuids(entry, known);
    slot.run.closedKey = keys[next] as OrderKey;
    return true;
  };
  for (const index of inPlace) {
    const entry = timeline[index] as TimelineEntry;
    const key = keys[index] as OrderKey;
    const crowded = entry.crowd >= config.crowdSize;
    const slot = open.get(entry.scopeKey);
    if (slot && nextInScope[slot.last] === index) {
      slot.run.end = refWithUuids(entry, known);
      slot.run.endKey = key;
      slot.run.seqEnd = entry.seq;
      slot.run.attempts += 1;
      slot.commits.add(entry.commit);
      slot.run.commits = slot.commits.size;
      slot.run.crowded = slot.run.crowded && crowded;
      slot.last = index;
      continue;
    }
    if (slot) close(slot);
    const ref = refWithUuids(entry, known);
    const run: WindowRun = {
      scopeKey: entry.scopeKey,
      start: ref,
      startKey: key,
      end: ref,
      endKey: key,
      seqStart: entry.seq,
      seqEnd: entry.seq,
      attempts: 1,
      commits: 1,
      crowded,
      atEdge: firstOfScope.get(entry.scopeKey) === index,
    };
    open.set(entry.scopeKey, { run, last: index, commits: new Set([entry.commit]) });
    runs.push(run);
  }
  for (const slot of open.values()) close(slot);
  return runs;
}

/** Failures of a window run that the state's run already counted (up to its latest failure as last written). */
function overlap(
  history: FailureRun,
  run: WindowRun,
  timeline: readonly TimelineEntry[],
  keys: OrderKey[],
  id: string,
): number {
  let n = 0;
  for (const [index, entry] of timeline.entries()) {
    if (entry.scopeKey !== run.scopeKey || !entry.failed.includes(id)) continue;
    const key = keys[index] as OrderKey;
    if (compareKeys(key, run.startKey) >= 0 && compareKeys(key, history.endKey) <= 0) n += 1;
  }
  return n;
}

function joinRuns(history: FailureRun, run: WindowRun, shared: number): FailureRun {
  const joined: FailureRun = {
    ...run,
    start: history.start,
    startKey: history.startKey,
    seqStart: history.seqStart,
    attempts: history.attempts + run.attempts - shared,
    commits: history.commits + run.commits - Math.min(shared, run.commits),
    crowded: history.crowded && run.crowded,
  };
  delete (joined as Partial<WindowRun>).atEdge;
  return joined;
}

function plainRun(run: WindowRun): FailureRun {
  const { atEdge: _edge, ...rest } = run;
  return rest;
}

/** Same-commit evidence in the timeline: a commit where the test failed in one attempt and passed in another. */
function windowSameCommit(
  timeline: readonly TimelineEntry[],
  keys: OrderKey[],
  failing: number[],
  id: string,
  known: Map<string, AttemptRef>,
  config: DetectorConfig,
): SameCommitEvidence[] {
  if (failing.length === 0) return [];
  const { byCommit } = indexOf(timeline);
  const out: SameCommitEvidence[] = [];
  const done = new Set<string>();
  for (const index of failing) {
    const failed = timeline[index] as TimelineEntry;
    if (done.has(failed.commit)) continue;
    done.add(failed.commit);
    // The first failure on the commit is the evidence; a rerun that passed is the clearest pass.
    let passed: TimelineEntry | undefined;
    for (const other of byCommit.get(failed.commit) ?? []) {
      const candidate = timeline[other] as TimelineEntry;
      if (candidate.failed.includes(id)) continue;
      if (!passed || (candidate.runNumber > 1 && passed.runNumber === 1)) passed = candidate;
    }
    if (!passed) continue;
    out.push({
      failed: refWithUuids(failed, known),
      passed: refWithUuids(passed, known),
      key: keys[index] as OrderKey,
      scopeKey: failed.scopeKey,
      seq: failed.seq,
      rerun: passed.buildNumber === failed.buildNumber && passed.runNumber > failed.runNumber,
      crowded: failed.crowd >= config.crowdSize,
    });
  }
  return out;
}

const before = (key: OrderKey, horizon: OrderKey | undefined): boolean =>
  horizon !== undefined && compareKeys(key, horizon) < 0;

/** The test's runs and same-commit evidence, from the timeline and, before it, from the state. */
export function testHistory(
  track: StepTrack,
  state: TestState,
  config: DetectorConfig,
  current?: AttemptRef,
): TestHistory {
  const keys = timelineKeys(track.timeline);
  const horizon = horizonOf(track);
  const failing = failingIndices(track.timeline, state.id);
  const known = knownRefs(state, current);
  const inWindow = windowRuns(track.timeline, keys, failing, known, config);
  const old = state.runs.filter((run) => before(run.startKey, horizon));
  const runs: FailureRun[] = [];
  const joinedScopes = new Set<string>();
  for (const run of inWindow) {
    const previous = [...old].reverse().find((h) => h.scopeKey === run.scopeKey);
    const continues =
      run.atEdge &&
      previous !== undefined &&
      !joinedScopes.has(run.scopeKey) &&
      (previous.closedKey === undefined || !before(previous.closedKey, horizon));
    if (continues) {
      joinedScopes.add(run.scopeKey);
      runs.push(joinRuns(previous, run, overlap(previous, run, track.timeline, keys, state.id)));
      old.splice(old.indexOf(previous), 1);
    } else {
      runs.push(plainRun(run));
    }
  }
  // A run of the state that was still open at the edge, with no failure inside the timeline: the first attempt of
  // its scope in the timeline passed, so it closed there (or its scope has not run since).
  const oldRuns = old.map((run) => {
    if (run.closedBy || !horizon) return run;
    const at = indexOf(track.timeline).firstOfScope.get(run.scopeKey);
    const next = at === undefined ? undefined : track.timeline[at];
    return next && at !== undefined
      ? { ...run, closedBy: refOfEntry(next), closedKey: keys[at] as OrderKey }
      : run;
  });
  const all = [...oldRuns, ...runs].sort((a, b) => compareKeys(a.startKey, b.startKey));
  const sameCommit = [
    ...state.sameCommit.filter((item) => before(item.key, horizon)),
    ...windowSameCommit(track.timeline, keys, failing, state.id, known, config),
  ];
  return { runs: all, sameCommit };
}

/** Keep the history bounded for storage: the newest runs and same-commit items. */
export function boundedHistory(history: TestHistory, config: DetectorConfig): TestHistory {
  return {
    runs: history.runs.slice(-config.runsLimit),
    sameCommit: history.sameCommit.slice(-config.sameCommitLimit),
  };
}
