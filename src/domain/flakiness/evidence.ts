/** The bounded evidence list a test state keeps, so a person can check a label. */
import type { AttemptRef, Evidence, EvidenceKind } from './types';

/** Build numbers are unique per repository, so build and run name an attempt of a step. */
function sameAttempt(a: AttemptRef, b: AttemptRef): boolean {
  return a.buildNumber === b.buildNumber && a.runNumber === b.runNumber;
}

/** Append evidence, keeping the list bounded: plain failures are dropped first, then the oldest items. */
export function pushEvidence(
  evidence: Evidence[],
  ref: AttemptRef,
  kind: EvidenceKind,
  limit: number,
): Evidence[] {
  if (evidence.some((item) => item.kind === kind && sameAttempt(item, ref))) return evidence;
  const next = [...evidence, { ...ref, kind }];
  while (next.length > limit) {
    const plainFailure = next.findIndex((item) => item.kind === 'failed');
    next.splice(plainFailure >= 0 ? plainFailure : 0, 1);
  }
  return next;
}
