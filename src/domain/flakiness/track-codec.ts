/**
 * How a StepTrack is stored. The track is rewritten with every test-reporting attempt of its step and its timeline
 * is most of it, so entries are tuples that name their commit and scope by index into a table, with times as
 * offsets (Forge bills KVS writes by the byte). A document written by the detector before the timeline existed
 * decodes to an empty, truncated timeline: the tests' own states carry what was known.
 */
import type { ExclusionReason, ScopeSeq, StepTrack, TimelineEntry, WatchedTest } from './types';

/**
 * `[commit index, scope index, build, run, seconds after t0, seq.default and seq.other as counts back from the
 * track's, crowd × 2 + manual, ...failed ids]`.
 */
export type EntryTuple = [number, number, number, number, number, number, number, number, ...string[]];

export interface StoredStepTrack {
  v: 2;
  stepName: string;
  seq: ScopeSeq;
  excluded: Record<ExclusionReason, number>;
  truncated: boolean;
  watched: WatchedTest[];
  commits: string[];
  scopes: string[];
  t0: number;
  tl: EntryTuple[];
}

/** The shape written before the timeline (only what is still read from it). */
interface LegacyStepTrack {
  v?: undefined;
  stepName: string;
  seq: ScopeSeq;
  excluded: Record<ExclusionReason, number>;
}

function indexer(): { table: string[]; of: (value: string) => number } {
  const table: string[] = [];
  const positions = new Map<string, number>();
  return {
    table,
    of: (value) => {
      let at = positions.get(value);
      if (at === undefined) {
        at = table.length;
        table.push(value);
        positions.set(value, at);
      }
      return at;
    },
  };
}

export function encodeTrack(track: StepTrack): StoredStepTrack {
  const commits = indexer();
  const scopes = indexer();
  const t0 = track.timeline.reduce((min, e) => Math.min(min, e.at), Number.POSITIVE_INFINITY);
  const base = Number.isFinite(t0) ? t0 : 0;
  return {
    v: 2,
    stepName: track.stepName,
    seq: track.seq,
    excluded: track.excluded,
    truncated: track.truncated,
    watched: track.watched,
    commits: commits.table,
    scopes: scopes.table,
    t0: base,
    tl: track.timeline.map((e): EntryTuple => [
      commits.of(e.commit),
      scopes.of(e.scopeKey),
      e.buildNumber,
      e.runNumber,
      e.at - base,
      track.seq.default - e.seq.default,
      track.seq.other - e.seq.other,
      e.crowd * 2 + (e.manual ? 1 : 0),
      ...e.failed,
    ]),
  };
}

function decodeEntry(tuple: EntryTuple, stored: StoredStepTrack): TimelineEntry {
  const [commit, scope, buildNumber, runNumber, offset, seqDefault, seqOther, crowdAndManual, ...failed] =
    tuple;
  return {
    commit: stored.commits[commit] ?? '',
    scopeKey: stored.scopes[scope] ?? 'default',
    buildNumber,
    runNumber,
    at: stored.t0 + offset,
    seq: { default: stored.seq.default - seqDefault, other: stored.seq.other - seqOther },
    failed,
    crowd: Math.floor(crowdAndManual / 2),
    ...(crowdAndManual % 2 === 1 ? { manual: true } : {}),
  };
}

export function decodeTrack(stored: StoredStepTrack | LegacyStepTrack): StepTrack;
export function decodeTrack(stored: StoredStepTrack | LegacyStepTrack | undefined): StepTrack | undefined;
export function decodeTrack(stored: StoredStepTrack | LegacyStepTrack | undefined): StepTrack | undefined {
  if (!stored) return undefined;
  if (stored.v !== 2) {
    return {
      stepName: stored.stepName,
      seq: stored.seq,
      excluded: stored.excluded,
      timeline: [],
      truncated: true,
      watched: [],
    };
  }
  return {
    stepName: stored.stepName,
    seq: stored.seq,
    excluded: stored.excluded,
    truncated: stored.truncated,
    watched: stored.watched,
    timeline: stored.tl.map((tuple) => decodeEntry(tuple, stored)),
  };
}
