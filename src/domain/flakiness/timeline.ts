/**
 * The step's timeline: its counted attempts in the order of the commits' history, bounded. An attempt is placed by
 * its `OrderKey` (lowest build number seen on its commit, then build, then run), so a pipeline that ran later on an
 * older commit, a late event, or a sync that ingests newest first all end up in the same order.
 */
import type {
  AttemptRef,
  DetectorConfig,
  ExclusionReason,
  OrderKey,
  Scope,
  ScopeSeq,
  StepTrack,
  TestObservation,
  TimelineEntry,
} from './types';

/** Branch names are cut in scope keys to keep documents small; longer names rarely differ only at the end. */
const BRANCH_KEY_LIMIT = 60;
export const DEFAULT_SCOPE_KEY = 'default';
export const BRANCH_PREFIX = 'branch:';

export function newStepTrack(stepName: string): StepTrack {
  return {
    stepName,
    seq: { default: 0, other: 0 },
    excluded: { infrastructure: 0, 'mass-failure': 0, 'no-tests': 0, 'unnamed-failures': 0 },
    timeline: [],
    truncated: false,
    watched: [],
  };
}

export function scopeOf(obs: TestObservation): Scope {
  return obs.isDefaultBranch ? 'default' : 'other';
}

/**
 * Branch scope key of an attempt. Runs of failures are followed per branch because a regression on a feature
 * branch (the author broke the test, then fixed it) interleaves with passes elsewhere and would otherwise look flaky.
 */
export function scopeKeyOf(obs: TestObservation): string {
  return obs.isDefaultBranch ? DEFAULT_SCOPE_KEY : `${BRANCH_PREFIX}${obs.branch.slice(0, BRANCH_KEY_LIMIT)}`;
}

export function isDefaultScope(scopeKey: string): boolean {
  return scopeKey === DEFAULT_SCOPE_KEY;
}

export function failingCount(obs: TestObservation): number {
  return obs.summary.failed + obs.summary.error;
}

/**
 * Why an attempt must not count against (or for) individual tests, if it must not:
 * - the caller blamed infrastructure;
 * - an unusual share of the suite failed at once (an outage the caller did not recognise);
 * - no tests ran, so there is nothing to say about any test;
 * - the summary reports failures but the failing tests are unknown, so passes cannot be told from failures.
 */
export function exclusionOf(obs: TestObservation, config: DetectorConfig): ExclusionReason | undefined {
  if (obs.excluded === 'infrastructure') return 'infrastructure';
  if (obs.excluded === 'mass-failure') return 'mass-failure';
  const failing = Math.max(failingCount(obs), obs.failedTests.length);
  const total = Math.max(obs.summary.total, failing);
  if (total === 0) return 'no-tests';
  if (failing >= config.massFailureMinTests && failing / total >= config.massFailureShare)
    return 'mass-failure';
  if (failingCount(obs) > 0 && obs.failedTests.length === 0) return 'unnamed-failures';
  return undefined;
}

export function advanceSeq(seq: ScopeSeq, scope: Scope): ScopeSeq {
  return scope === 'default' ? { ...seq, default: seq.default + 1 } : { ...seq, other: seq.other + 1 };
}

/** Counted attempts between two counter readings, over the scopes a view covers. */
export function attemptsBetween(from: ScopeSeq, to: ScopeSeq, includeOther: boolean): number {
  const defaultSteps = Math.max(0, to.default - from.default);
  const otherSteps = includeOther ? Math.max(0, to.other - from.other) : 0;
  return defaultSteps + otherSteps;
}

export function compareKeys(a: OrderKey, b: OrderKey): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Lowest build number seen on each commit of the timeline: the commit's place in history. */
export function commitOrder(timeline: readonly TimelineEntry[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const entry of timeline) {
    const known = first.get(entry.commit);
    if (known === undefined || entry.buildNumber < known) first.set(entry.commit, entry.buildNumber);
  }
  return first;
}

export function keyOf(
  entry: Pick<TimelineEntry, 'commit' | 'buildNumber' | 'runNumber'>,
  order: Map<string, number>,
): OrderKey {
  return [order.get(entry.commit) ?? entry.buildNumber, entry.buildNumber, entry.runNumber];
}

/** A manual pipeline's attempt on a commit no earlier pipeline in the timeline built: its place is unknown. */
export function isUnplaced(entry: TimelineEntry, order: Map<string, number>): boolean {
  return entry.manual === true && (order.get(entry.commit) ?? entry.buildNumber) >= entry.buildNumber;
}

export function sortTimeline(timeline: readonly TimelineEntry[]): TimelineEntry[] {
  const order = commitOrder(timeline);
  return [...timeline].sort((a, b) => compareKeys(keyOf(a, order), keyOf(b, order)));
}

const keyCache = new WeakMap<readonly TimelineEntry[], OrderKey[]>();

/** The order key of every entry of a (sorted) timeline, computed once per timeline array. */
export function timelineKeys(timeline: readonly TimelineEntry[]): OrderKey[] {
  let found = keyCache.get(timeline);
  if (!found) {
    const order = commitOrder(timeline);
    found = timeline.map((entry) => keyOf(entry, order));
    keyCache.set(timeline, found);
  }
  return found;
}

/** Where an entry with this key goes in a sorted timeline (after equal keys). */
function insertionPoint(keys: OrderKey[], key: OrderKey): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (compareKeys(keys[mid] as OrderKey, key) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The timeline with the entry in its place. Usually a binary insertion; when the entry is the lowest build seen on
 * a commit already in the timeline, that commit's entries move with it, so everything is sorted again.
 */
function placed(timeline: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  const earlier = timeline.find((e) => e.commit === entry.commit);
  const order = commitOrder(timeline);
  const commitFirst = order.get(entry.commit);
  if (earlier && commitFirst !== undefined && commitFirst > entry.buildNumber)
    return sortTimeline([...timeline, entry]);
  const at = insertionPoint(timelineKeys(timeline), keyOf(entry, order));
  return [...timeline.slice(0, at), entry, ...timeline.slice(at)];
}

export function refOfEntry(entry: TimelineEntry): AttemptRef {
  return {
    commit: entry.commit,
    buildNumber: entry.buildNumber,
    runNumber: entry.runNumber,
    at: new Date(entry.at * 1000).toISOString(),
  };
}

export function attemptRefOf(obs: TestObservation): AttemptRef {
  return {
    commit: obs.commit,
    pipelineUuid: obs.pipelineUuid,
    buildNumber: obs.buildNumber,
    stepUuid: obs.stepUuid,
    runNumber: obs.runNumber,
    at: obs.at,
  };
}

/**
 * The first 12 hex digits name a commit in the timeline (as Bitbucket's own short hashes do); the full hash is kept
 * where a test's failure is recorded.
 */
export function shortCommit(hash: string): string {
  return hash.slice(0, 12);
}

export function entryOf(
  obs: TestObservation,
  seq: ScopeSeq,
  failedIds: string[],
  config: DetectorConfig,
): TimelineEntry {
  return {
    commit: shortCommit(obs.commit),
    scopeKey: scopeKeyOf(obs),
    buildNumber: obs.buildNumber,
    runNumber: obs.runNumber,
    at: Math.floor(Date.parse(obs.at) / 1000),
    seq,
    failed: failedIds.slice(0, config.failedIdsPerEntry),
    crowd: Math.max(failingCount(obs), failedIds.length),
    ...(obs.manualPipeline ? { manual: true } : {}),
  };
}

/**
 * Put an attempt in its place and keep the timeline bounded: when it is full, the entry oldest in history drops
 * out (its tests' states keep what it meant, see `merge.ts`).
 */
export function insertEntry(track: StepTrack, entry: TimelineEntry, limit: number): StepTrack {
  const sorted = placed(track.timeline, entry);
  if (sorted.length <= limit) return { ...track, timeline: sorted };
  return { ...track, timeline: sorted.slice(sorted.length - limit), truncated: true };
}

/** The order key of the oldest attempt the timeline still holds, when older ones are known only from test states. */
export function horizonOf(track: StepTrack): OrderKey | undefined {
  const first = track.timeline[0];
  if (!track.truncated || !first) return undefined;
  return timelineKeys(track.timeline)[0];
}
