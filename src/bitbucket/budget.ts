/**
 * The API budget guard. Forge `asApp` calls to `/2.0/repositories/*` get 1,000 requests per hour per workspace
 * (DESIGN.md "The budget that binds"); every job of a workspace shares that, so the jobs share one counter per clock
 * hour in storage and defer work (`BudgetExhaustedError` with `retryAfterSeconds`) instead of burning into 429s.
 *
 * A Forge invocation is short: an ingest job spends 1 to 6 calls. Calls are reserved a block at a time (one storage
 * write per block), and what an invocation reserved and did not spend is handed back when it ends (`release`), so
 * the hour's counter tracks calls spent, not blocks taken (`npm run bench:budget`).
 */
import { apiBudget, type ApiBudgetDoc } from '../storage/keys';
import { StoreConflictError, type Store } from '../storage/store';
import { BudgetExhaustedError } from './errors';

export interface ApiBudget {
  /** Reserve `n` (default 1) calls; throws `BudgetExhaustedError` when the hour's budget cannot cover them. */
  take(n?: number): Promise<void>;
  /** Hand back the calls reserved and not spent: call once when the invocation's work is over. */
  release(): Promise<void>;
}

export const unlimitedBudget: ApiBudget = {
  take: () => Promise.resolve(),
  release: () => Promise.resolve(),
};

export interface StoreBudgetOptions {
  store: Store;
  /** Workspace slug or UUID: one budget per workspace. */
  workspaceId: string;
  /** Default 900 of Bitbucket's 1,000/h, leaving headroom for the UI's resolvers. */
  limitPerHour?: number;
  /**
   * Calls reserved per storage write. An invocation that ends hands back what it did not spend (`release`); one that
   * crashes before it wastes at most `blockSize - 1` calls.
   */
  blockSize?: number;
  maxConflictRetries?: number;
  now?: () => number;
}

/** Of Bitbucket's 1,000 calls per hour, what the jobs may use: the rest is headroom for people (pages, merge checks). */
export const DEFAULT_LIMIT_PER_HOUR = 900;
const HOUR_MS = 3_600_000;
/** Counters outlive their hour by one hour, then expire. */
const BUDGET_TTL_SECONDS = 2 * 3600;

/** `2026-01-31T09`: the clock hour (UTC) of `ms`, key-safe. */
export function hourIso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13);
}

/**
 * Budget shared through the Store. Reserves calls in blocks kept in memory, so a job writes once per block instead
 * of once per call, and hands back the unspent rest when it ends; each read-modify-write is a versioned commit,
 * retried on conflict with other jobs.
 */
export class StoreBudget implements ApiBudget {
  private readonly store: Store;
  private readonly workspaceId: string;
  private readonly limit: number;
  private readonly blockSize: number;
  private readonly maxConflictRetries: number;
  private readonly now: () => number;
  private hour = '';
  private held = 0;
  /** Serialises `take` calls of this instance: concurrent callers must not double-reserve. */
  private queue: Promise<void> = Promise.resolve();

  constructor(options: StoreBudgetOptions) {
    this.store = options.store;
    this.workspaceId = options.workspaceId;
    this.limit = options.limitPerHour ?? DEFAULT_LIMIT_PER_HOUR;
    this.blockSize = options.blockSize ?? 10;
    this.maxConflictRetries = options.maxConflictRetries ?? 8;
    this.now = options.now ?? Date.now;
  }

  take(n = 1): Promise<void> {
    return this.serialised(() => this.takeNow(n));
  }

  release(): Promise<void> {
    return this.serialised(() => this.releaseNow());
  }

  private serialised(run: () => Promise<void>): Promise<void> {
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Calls still held in memory for the current hour (for tests and stats). */
  get heldCalls(): number {
    return this.hour === hourIso(this.now()) ? this.held : 0;
  }

  private async takeNow(n: number): Promise<void> {
    const nowMs = this.now();
    const hour = hourIso(nowMs);
    if (hour !== this.hour) {
      this.hour = hour;
      this.held = 0;
    }
    if (this.held < n) this.held += await this.reserve(hour, n - this.held, nowMs);
    this.held -= n;
  }

  /** Calls held for an hour that has ended belong to no counter any more: they are simply dropped. */
  private async releaseNow(): Promise<void> {
    const held = this.heldCalls;
    this.held = 0;
    if (held === 0) return;
    await this.adjust(this.hour, (reserved) => Math.max(0, reserved - held));
  }

  /** Reserve at least `needed` (up to a block) in storage; returns how many were reserved. */
  private async reserve(hour: string, needed: number, nowMs: number): Promise<number> {
    let granted = 0;
    await this.adjust(hour, (reserved) => {
      granted = Math.min(Math.max(this.blockSize, needed), this.limit - reserved);
      if (granted < needed) throw new BudgetExhaustedError(this.workspaceId, secondsToNextHour(nowMs));
      return reserved + granted;
    });
    return granted;
  }

  /** Read-modify-write of the hour's counter, re-read and retried when another job committed first. */
  private async adjust(hour: string, next: (reserved: number) => number): Promise<void> {
    const key = apiBudget(this.workspaceId, hour);
    for (let attempt = 0; ; attempt++) {
      const current = await this.store.getDoc(key);
      const value: ApiBudgetDoc = { reserved: next(current?.value.reserved ?? 0) };
      try {
        await this.store.commit([
          { kind: 'put', key, value, expectedVersion: current?.version ?? 0, ttlSeconds: BUDGET_TTL_SECONDS },
        ]);
        return;
      } catch (error) {
        if (!(error instanceof StoreConflictError) || attempt >= this.maxConflictRetries) throw error;
      }
    }
  }
}

function secondsToNextHour(nowMs: number): number {
  return Math.max(1, Math.ceil((HOUR_MS - (nowMs % HOUR_MS)) / 1000));
}
