/**
 * Per repository: what fails and why, fixed-size. Updated only by failed attempts. The same failure across runs
 * shares a fingerprint and is counted once per fingerprint; the list keeps the TOP_FINGERPRINTS most frequent
 * (ties: most recent), with a few example pipelines each. Every failed attempt itself is a `FailureRecord` of its
 * own, listed newest first (src/services/failure-list.ts), so this document stays the same size.
 */
import type { FailureReport } from '../contract/insights';
import type { AttemptRecord } from './attempt';
import type { FailureCategory, FailureCause } from './types';
import { weekOf } from './time';
import { WEEKS_KEPT } from './step-stats';

export const TOP_FINGERPRINTS = 40;
const EXAMPLES = 3;

export interface FingerprintStat {
  fingerprint: string;
  category: FailureCategory;
  cause?: FailureCause;
  message?: string;
  count: number;
  lastSeenAt: string;
  examples: { buildNumber: number; pipelineUuid: string; step: string }[];
}

/**
 * One failed step attempt, as listed on the Failures tab and in the report's `failures` (src/contract/insights
 * `FailureReport`, less the link the report adds).
 */
export type FailureRecord = Omit<FailureReport, 'url'>;

export interface FailureStats {
  /** week → category → count */
  weeks: { week: string; byCategory: Partial<Record<FailureCategory, number>> }[];
  fingerprints: FingerprintStat[];
}

export function emptyFailureStats(): FailureStats {
  return { weeks: [], fingerprints: [] };
}

/** A failed attempt is listed, and counted here, when its step did not succeed and its failure was classified. */
export function isListedFailure(
  a: AttemptRecord,
): a is AttemptRecord & { failure: NonNullable<AttemptRecord['failure']> } {
  return a.result !== 'SUCCESSFUL' && a.failure !== undefined;
}

export function failureRecordOf(
  a: AttemptRecord & { failure: NonNullable<AttemptRecord['failure']> },
): FailureRecord {
  const f = a.failure;
  return {
    pipeline: a.buildNumber,
    pipelineUuid: a.pipelineUuid,
    step: a.stepName,
    attempt: a.runNumber,
    category: f.category,
    ...(f.cause ? { cause: f.cause } : {}),
    ...(f.message ? { message: f.message } : {}),
    fingerprint: f.fingerprint,
    at: a.completedOn,
    ...(a.commit ? { commit: a.commit } : {}),
    ...(a.branch ? { branch: a.branch } : {}),
  };
}

export function applyFailure(stats: FailureStats, a: AttemptRecord): FailureStats {
  if (!isListedFailure(a)) return stats;
  const f = a.failure;
  const week = weekOf(a.completedOn);
  const weeks = stats.weeks.map((w) => ({ week: w.week, byCategory: { ...w.byCategory } }));
  let w = weeks.find((x) => x.week === week);
  if (!w) {
    w = { week, byCategory: {} };
    weeks.push(w);
    weeks.sort((x, y) => x.week.localeCompare(y.week));
  }
  w.byCategory[f.category] = (w.byCategory[f.category] ?? 0) + 1;

  const example = { buildNumber: a.buildNumber, pipelineUuid: a.pipelineUuid, step: a.stepName };
  const existing = stats.fingerprints.find((x) => x.fingerprint === f.fingerprint);
  const updated: FingerprintStat = existing
    ? {
        ...existing,
        count: existing.count + 1,
        lastSeenAt: a.completedOn > existing.lastSeenAt ? a.completedOn : existing.lastSeenAt,
        examples: [example, ...existing.examples].slice(0, EXAMPLES),
      }
    : {
        fingerprint: f.fingerprint,
        category: f.category,
        cause: f.cause,
        message: f.message,
        count: 1,
        lastSeenAt: a.completedOn,
        examples: [example],
      };
  const fingerprints = [updated, ...stats.fingerprints.filter((x) => x.fingerprint !== f.fingerprint)]
    .sort((x, y) => y.count - x.count || y.lastSeenAt.localeCompare(x.lastSeenAt))
    .slice(0, TOP_FINGERPRINTS);

  return { weeks: weeks.slice(-WEEKS_KEPT), fingerprints };
}
