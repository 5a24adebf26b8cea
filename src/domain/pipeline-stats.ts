/**
 * Per repository: fixed-size pipeline statistics, one update per completed pipeline run (pipeline uuid + run
 * number). MTTR on the default branch: time from the first red run to the next green one.
 */
import type { PipelineRunRecord } from './attempt';
import { addToHistogram, type Histogram } from './histogram';
import { weekOf } from './time';
import { WEEKS_KEPT } from './step-stats';

export interface PipelineCounters {
  runs: number;
  successful: number;
  failed: number;
  stopped: number;
  error: number;
  expired: number;
  buildSeconds: number;
  deployments: number;
}

export interface PipelineWeek extends PipelineCounters {
  week: string;
  duration: Histogram;
}

export interface RecoveryState {
  /** The default branch is red since this run (ordered by creation time). */
  redSince?: { at: string; buildNumber: number };
  /** Creation time of the newest default-branch run applied: older late arrivals do not move the state. */
  lastAt?: string;
  recoveries: number;
  totalRecoveryHours: number;
}

export interface PipelineStats {
  totals: PipelineCounters;
  weeks: PipelineWeek[];
  recovery: RecoveryState;
  lastRecordedAt?: string;
  /** Distinct branches seen recently (bounded), for the branch filter. */
  branches: string[];
  /** The newest completed run, for the critical path. */
  latestRun?: PipelineRunRecord;
}

const zero = (): PipelineCounters => ({
  runs: 0,
  successful: 0,
  failed: 0,
  stopped: 0,
  error: 0,
  expired: 0,
  buildSeconds: 0,
  deployments: 0,
});

export function emptyPipelineStats(): PipelineStats {
  return { totals: zero(), weeks: [], recovery: { recoveries: 0, totalRecoveryHours: 0 }, branches: [] };
}

function addCounters(c: PipelineCounters, r: PipelineRunRecord): PipelineCounters {
  const out = { ...c, runs: c.runs + 1, buildSeconds: c.buildSeconds + (r.buildSecondsUsed ?? 0) };
  switch (r.result) {
    case 'SUCCESSFUL':
      out.successful += 1;
      break;
    case 'FAILED':
      out.failed += 1;
      break;
    case 'STOPPED':
      out.stopped += 1;
      break;
    case 'ERROR':
      out.error += 1;
      break;
    case 'EXPIRED':
      out.expired += 1;
      break;
    case 'UNKNOWN':
      break;
  }
  if (r.deployed) out.deployments += 1;
  return out;
}

function applyRecovery(s: RecoveryState, r: PipelineRunRecord): RecoveryState {
  if (!r.isDefaultBranch || r.result === 'STOPPED' || r.result === 'UNKNOWN') return s;
  if (s.lastAt && r.createdOn < s.lastAt) return s; // a late arrival does not rewrite history
  const next: RecoveryState = { ...s, lastAt: r.createdOn };
  const red = r.result !== 'SUCCESSFUL';
  if (red && !s.redSince) next.redSince = { at: r.createdOn, buildNumber: r.buildNumber };
  if (!red && s.redSince) {
    const end = r.completedOn ?? r.createdOn;
    next.totalRecoveryHours =
      s.totalRecoveryHours + Math.max(0, Date.parse(end) - Date.parse(s.redSince.at)) / 3.6e6;
    next.recoveries = s.recoveries + 1;
    delete next.redSince;
  }
  return next;
}

export function applyRunToPipelineStats(stats: PipelineStats, r: PipelineRunRecord): PipelineStats {
  const week = weekOf(r.createdOn);
  const weeks = stats.weeks.map((w) => ({ ...w }));
  let w = weeks.find((x) => x.week === week);
  if (!w) {
    w = { week, ...zero(), duration: [] };
    weeks.push(w);
    weeks.sort((x, y) => x.week.localeCompare(y.week));
  }
  Object.assign(w, addCounters(w, r));
  if (r.durationSeconds !== undefined && r.result !== 'STOPPED')
    w.duration = addToHistogram(w.duration, r.durationSeconds);
  const branches = r.branch
    ? [r.branch, ...stats.branches.filter((b) => b !== r.branch)].slice(0, 50)
    : stats.branches;
  return {
    totals: addCounters(stats.totals, r),
    weeks: weeks.slice(-WEEKS_KEPT),
    recovery: applyRecovery(stats.recovery, r),
    lastRecordedAt:
      !stats.lastRecordedAt || (r.completedOn ?? r.createdOn) > stats.lastRecordedAt
        ? (r.completedOn ?? r.createdOn)
        : stats.lastRecordedAt,
    branches,
    latestRun: !stats.latestRun || r.createdOn >= stats.latestRun.createdOn ? r : stats.latestRun,
  };
}
