/**
 * Per repository: what fails and why, fixed-size. Updated only by failed attempts. The same failure across runs
 * shares a fingerprint and is counted once per fingerprint; the list keeps the TOP_FINGERPRINTS most frequent
 * (ties: most recent), with a few example pipelines each.
 */
import type { AttemptRecord } from './attempt';
import type { FailureCategory, FailureCause } from './types';
import { weekOf } from './time';
import { WEEKS_KEPT } from './step-stats';

export const TOP_FINGERPRINTS = 40;
export const RECENT_FAILURES = 40;
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

export interface RecentFailure {
  buildNumber: number;
  pipelineUuid: string;
  step: string;
  attempt: number;
  category: FailureCategory;
  cause?: FailureCause;
  message?: string;
  fingerprint: string;
  at: string;
  commit?: string;
  branch?: string;
}

export interface FailureStats {
  /** week → category → count */
  weeks: { week: string; byCategory: Partial<Record<FailureCategory, number>> }[];
  fingerprints: FingerprintStat[];
  recent: RecentFailure[];
}

export function emptyFailureStats(): FailureStats {
  return { weeks: [], fingerprints: [], recent: [] };
}

export function applyFailure(stats: FailureStats, a: AttemptRecord): FailureStats {
  const f = a.failure;
  if (!f || a.result === 'SUCCESSFUL') return stats;
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

  const recentItem: RecentFailure = {
    buildNumber: a.buildNumber,
    pipelineUuid: a.pipelineUuid,
    step: a.stepName,
    attempt: a.runNumber,
    category: f.category,
    cause: f.cause,
    message: f.message,
    fingerprint: f.fingerprint,
    at: a.completedOn,
    commit: a.commit,
    branch: a.branch,
  };
  const recent = [...stats.recent, recentItem]
    .sort((x, y) => y.at.localeCompare(x.at))
    .slice(0, RECENT_FAILURES);
  return { weeks: weeks.slice(-WEEKS_KEPT), fingerprints, recent };
}
