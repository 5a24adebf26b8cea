/**
 * What the history export keeps in storage, per workspace: its configuration, its position (the watermark), the one
 * batch staged for delivery, and per repository the verdicts, suggestion statuses and quarantine last exported.
 *
 * Delivery is at least once and idempotent: a batch is staged (its records, its id and the position after it, in one
 * transaction), then delivered until the receiver accepts it, and only then is the next one staged. A crash or a
 * redelivery sends the same batch again with the same id, which the receiver applies once.
 */
import type { ExportBatch } from '../../../history/src/contract';

/** Where the export goes, chosen on the admin page (or by the CLI). */
export interface ExportConfig {
  enabled: boolean;
  /** The receiver's URL (admin page, `--to`), or a redacted database URL (CLI `--database-url`). */
  destination: string;
  /** Changes whenever the destination changes or the export is switched on: each start is a fresh full export. */
  generation: string;
  enabledAt: string;
}

/** The one-time export of what is already stored: repository by repository, runs then attempts, month by month. */
export interface InitialPosition {
  repos: string[];
  repoIndex: number;
  kind: 'run' | 'attempt';
  /** `YYYYMM` of the month being read. */
  month: string;
  /** The last record key exported in that month. */
  lastKey?: string;
}

export interface ExportError {
  at: string;
  message: string;
  status?: number;
}

export interface ExportState {
  generation: string;
  phase: 'initial' | 'journal';
  initial?: InitialPosition;
  batchesSent: number;
  recordsExported: number;
  lastBatch?: { id: string; at: string; records: number; bytes: number };
  lastError?: ExportError;
  /** Failed deliveries of the staged batch in a row, and when it may be tried again. */
  attempts: number;
  nextAttemptAt?: string;
  /** The receiver refused the staged batch for a reason a retry cannot fix: stopped until an admin retries. */
  parked?: ExportError & { batchId: string };
}

export interface PendingBatch {
  batch: ExportBatch;
  /** Journal entries this batch consumed: deleted once it is delivered. */
  journalKeys: string[];
  stagedAt: string;
  bytes: number;
  /** When the oldest record in it was written or completed: the lag shown on the admin page. */
  oldestAt?: string;
}

/** What was last exported of a repository's derived state; a difference from now is a change to export. */
export interface ExportSnapshot {
  generation: string;
  /** Non-healthy tests only: an absent test was healthy. */
  verdicts: Record<
    string,
    { label: 'flaky' | 'broken' | 'fixed'; since: string; name: string; step: string }
  >;
  suggestions: Record<string, { status: string; active: boolean }>;
  /** Quarantined test id → its name. */
  quarantined: Record<string, string>;
}

export function freshState(generation: string, repos: string[], now: Date): ExportState {
  return {
    generation,
    phase: 'initial',
    initial: { repos, repoIndex: 0, kind: 'run', month: oldestMonth(now) },
    batchesSent: 0,
    recordsExported: 0,
    attempts: 0,
  };
}

/**
 * Records can be older than their retention window: a backfill records pipelines up to a year old, and they live
 * for up to a year more. The one-time export starts this many months back.
 */
export const INITIAL_MONTHS_BACK = 25;

export function oldestMonth(now: Date): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - INITIAL_MONTHS_BACK, 1));
  return monthKey(d);
}

export const monthKey = (d: Date): string => d.toISOString().slice(0, 7).replace('-', '');

export function nextMonth(yyyymm: string): string {
  const year = Number(yyyymm.slice(0, 4));
  const month = Number(yyyymm.slice(4, 6));
  return monthKey(new Date(Date.UTC(year, month, 1)));
}

/** Retry policy of a failed delivery, as data: doubling from a minute, at most six hours apart. */
export const DELIVERY_BACKOFF = { baseSeconds: 60, factor: 2, maxSeconds: 6 * 3600 } as const;

export function backoffSeconds(attempts: number): number {
  const { baseSeconds, factor, maxSeconds } = DELIVERY_BACKOFF;
  return Math.min(maxSeconds, baseSeconds * factor ** Math.max(0, attempts - 1));
}
