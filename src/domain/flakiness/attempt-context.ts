/** What the detector knows about the attempt it is applying to one test. */
import type { AttemptRef, CommitEntry, DetectorConfig, Scope, ScopeSeq } from './types';

export interface AttemptContext {
  /** Sequence numbers including this attempt. */
  seq: ScopeSeq;
  scope: Scope;
  /** `default`, or `branch:<name>`: the scope in which runs of consecutive failures are followed. */
  scopeKey: string;
  ref: AttemptRef;
  /** The commit's entry before this attempt was recorded, if the commit was seen before. */
  commitBefore: CommitEntry | undefined;
  stepSucceededOnRerun: boolean;
  config: DetectorConfig;
}

/** The later of two ISO-8601 times (string order is time order for UTC ISO strings). */
export function laterOf(a: string | undefined, b: string): string {
  return a !== undefined && a > b ? a : b;
}
