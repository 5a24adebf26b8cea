/**
 * How a StepTrack is stored. The track is rewritten with every test-reporting attempt of its step, and its commit
 * table is most of it: stored as tuples, without the commit repeated in each entry's attempt reference, the
 * document is about a third smaller (Forge bills KVS writes by the byte). The detector works on `StepTrack` only.
 */
import type { CommitEntry, StepTrack } from './types';

/** `[commit, attempts, failed, overflow, pipelineUuid, buildNumber, stepUuid, runNumber, at, refClean]`. */
export type CommitTuple = [string, number, [string, number][], 0 | 1, string, number, string, number, string, 0 | 1];

export interface StoredStepTrack extends Omit<StepTrack, 'commits'> {
  /** Tuples; a document written before the encoding holds `CommitEntry` objects. */
  commits: (CommitTuple | CommitEntry)[];
}

export function encodeTrack(track: StepTrack): StoredStepTrack {
  return {
    ...track,
    commits: track.commits.map((c): CommitTuple => [
      c.commit,
      c.attempts,
      c.failed,
      c.overflow ? 1 : 0,
      c.ref.pipelineUuid,
      c.ref.buildNumber,
      c.ref.stepUuid,
      c.ref.runNumber,
      c.ref.at,
      c.refClean ? 1 : 0,
    ]),
  };
}

export function decodeTrack(stored: StoredStepTrack): StepTrack;
export function decodeTrack(stored: StoredStepTrack | undefined): StepTrack | undefined;
export function decodeTrack(stored: StoredStepTrack | undefined): StepTrack | undefined {
  if (!stored) return undefined;
  return { ...stored, commits: stored.commits.map(decodeCommit) };
}

function decodeCommit(c: CommitTuple | CommitEntry): CommitEntry {
  if (!Array.isArray(c)) return c;
  const [commit, attempts, failed, overflow, pipelineUuid, buildNumber, stepUuid, runNumber, at, refClean] = c;
  return {
    commit,
    attempts,
    failed,
    overflow: overflow === 1,
    ref: { commit, pipelineUuid, buildNumber, stepUuid, runNumber, at },
    refClean: refClean === 1,
  };
}
