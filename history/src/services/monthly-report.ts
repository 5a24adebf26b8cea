/**
 * The monthly executive report of a workspace: for the chosen month and up to 11 before it, side by side, per
 * repository and in total: pipelines, success rate, MTTR, reliability, build minutes, cost per successful
 * deployment, flaky and broken tests; and the month's top recurring failures.
 *
 * Every figure comes from the daily roll-ups, except the top failures (the month's failed step attempts) and the
 * verdict counts (the verdict history, a small table): the cost follows the months shown, not the history's length.
 *
 * Definitions:
 * - success rate: successful / (pipelines − stopped);
 * - MTTR: mean time from a default-branch red run's first red pipeline to the next green one, counted in the month
 *   the red run began;
 * - reliability: share of pipelines not failed by infrastructure (out of memory, runner, network, Docker limits);
 * - build minutes: step build seconds / 60; cost: billed minutes (× step size) × the price per build minute;
 * - flaky / broken: tests whose latest verdict at the end of the month is flaky / broken.
 */
import type { Queryable } from '../db/sql';
import {
  listRepositories,
  monthlyFigures,
  topFailures,
  verdictCounts,
  type MonthFigures,
  type RecurringFailureRow,
} from '../db/sql';

export const HISTORY_REPORT_SCHEMA_VERSION = 1;
/** Bitbucket Pipelines' price of an extra build minute (USD 10 per 1,000 minutes). */
export const DEFAULT_PRICE_PER_BUILD_MINUTE = 0.01;
export const MAX_MONTHS = 12;
const TOP_FAILURES = 10;

export interface MonthlyFigures {
  month: string;
  pipelines: number;
  successRate?: number;
  mttrSeconds?: number;
  recoveries: number;
  reliability?: number;
  buildMinutes: number;
  billedMinutes: number;
  cost: number;
  successfulDeployments: number;
  costPerSuccessfulDeployment?: number;
  flakyTests: number;
  brokenTests: number;
}

export interface RepositoryMonthly extends MonthlyFigures {
  uuid: string;
  slug: string;
  fullName?: string;
  /** The same figures for each month shown, oldest first. */
  trend: MonthlyFigures[];
}

export interface MonthlyReport {
  schema: 'pipeline-insights/history-report';
  schemaVersion: typeof HISTORY_REPORT_SCHEMA_VERSION;
  workspace: string;
  month: string;
  months: string[];
  generatedAt: string;
  currency: 'USD';
  pricePerBuildMinute: number;
  totals: MonthlyFigures;
  trend: MonthlyFigures[];
  repositories: RepositoryMonthly[];
  topFailures: {
    fingerprint: string;
    category?: string;
    cause?: string;
    message?: string;
    failures: number;
    repositories: number;
    lastSeen: string;
  }[];
}

export interface ReportOptions {
  workspace: string;
  /** `YYYY-MM` */
  month: string;
  months?: number;
  pricePerBuildMinute?: number;
  now: Date;
}

export class ReportInputError extends Error {}

/** `2026-03` → its first instant (UTC). */
function monthStart(month: string): Date {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new ReportInputError(`a month is YYYY-MM, not "${month.slice(0, 20)}"`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}

const shift = (d: Date, months: number): Date =>
  new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
const monthOf = (d: Date): string => d.toISOString().slice(0, 7);

function figures(
  month: string,
  rows: MonthFigures[],
  verdicts: { flaky: number; broken: number },
  price: number,
): MonthlyFigures {
  const sum = (f: (r: MonthFigures) => number): number => rows.reduce((n, r) => n + Number(f(r)), 0);
  const pipelines = sum((r) => r.pipelines);
  const finished = pipelines - sum((r) => r.stopped);
  const recoveries = sum((r) => r.recoveries);
  const billedMinutes = sum((r) => r.billed_seconds) / 60;
  const cost = Math.round(billedMinutes * price * 100) / 100;
  const deployments = sum((r) => r.successful_deployments);
  return {
    month,
    pipelines,
    ...(finished > 0 ? { successRate: sum((r) => r.successful) / finished } : {}),
    ...(recoveries > 0 ? { mttrSeconds: Math.round(sum((r) => r.recovery_seconds) / recoveries) } : {}),
    recoveries,
    ...(pipelines > 0 ? { reliability: 1 - sum((r) => r.infrastructure_failed) / pipelines } : {}),
    buildMinutes: Math.round(sum((r) => r.build_seconds) / 60),
    billedMinutes: Math.round(billedMinutes),
    cost,
    successfulDeployments: deployments,
    ...(deployments > 0 ? { costPerSuccessfulDeployment: Math.round((cost / deployments) * 100) / 100 } : {}),
    flakyTests: verdicts.flaky,
    brokenTests: verdicts.broken,
  };
}

function failureOf(r: RecurringFailureRow): MonthlyReport['topFailures'][number] {
  return {
    fingerprint: r.fingerprint,
    ...(r.category ? { category: r.category } : {}),
    ...(r.cause ? { cause: r.cause } : {}),
    ...(r.message ? { message: r.message } : {}),
    failures: r.failures,
    repositories: r.repositories,
    lastSeen: new Date(r.last_seen).toISOString(),
  };
}

export async function buildMonthlyReport(db: Queryable, o: ReportOptions): Promise<MonthlyReport> {
  const count = Math.min(MAX_MONTHS, Math.max(1, o.months ?? MAX_MONTHS));
  const price = o.pricePerBuildMinute ?? DEFAULT_PRICE_PER_BUILD_MINUTE;
  const end = shift(monthStart(o.month), 1);
  const start = shift(end, -count);
  const months = Array.from({ length: count }, (_, i) => monthOf(shift(start, i)));
  const repos = await listRepositories(db, o.workspace);
  const uuids = repos.map((r) => r.uuid);
  const rows = await monthlyFigures(db, uuids, { from: start, to: end });
  // Verdict counts at each month's end, per repository.
  const verdicts = new Map<string, Map<string, { flaky: number; broken: number }>>();
  for (const month of months) {
    const byRepo = new Map<string, { flaky: number; broken: number }>();
    for (const v of await verdictCounts(db, uuids, shift(monthStart(month), 1)))
      byRepo.set(v.repository_uuid, v);
    verdicts.set(month, byRepo);
  }
  const verdictsOf = (month: string, repo?: string): { flaky: number; broken: number } => {
    const byRepo = [...(verdicts.get(month)?.entries() ?? [])]
      .filter(([r]) => !repo || r === repo)
      .map(([, v]) => v);
    return {
      flaky: byRepo.reduce((n, v) => n + v.flaky, 0),
      broken: byRepo.reduce((n, v) => n + v.broken, 0),
    };
  };
  const trendOf = (repo?: string): MonthlyFigures[] =>
    months.map((m) =>
      figures(
        m,
        rows.filter((r) => r.month === m && (!repo || r.repository_uuid === repo)),
        verdictsOf(m, repo),
        price,
      ),
    );
  const trend = trendOf();
  const repositories = repos.map((r): RepositoryMonthly => {
    const t = trendOf(r.uuid);
    const current = t[t.length - 1] ?? figures(o.month, [], { flaky: 0, broken: 0 }, price);
    return {
      uuid: r.uuid,
      slug: r.slug,
      ...(r.full_name ? { fullName: r.full_name } : {}),
      ...current,
      trend: t,
    };
  });
  const failures = await topFailures(db, uuids, { from: shift(end, -1), to: end }, TOP_FAILURES);
  return {
    schema: 'pipeline-insights/history-report',
    schemaVersion: HISTORY_REPORT_SCHEMA_VERSION,
    workspace: o.workspace,
    month: o.month,
    months,
    generatedAt: o.now.toISOString(),
    currency: 'USD',
    pricePerBuildMinute: price,
    totals: trend[trend.length - 1] ?? figures(o.month, [], { flaky: 0, broken: 0 }, price),
    trend,
    repositories,
    topFailures: failures.map(failureOf),
  };
}
