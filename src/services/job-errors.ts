/**
 * One place that decides what a failed ingest job means: come back later (rate limit, budget, network, a conflict
 * storm, a truncated body) or give up for good (no such pipeline, no access). The Forge consumer turns the first
 * into an InvocationError with `retryAfter`; the local queue sleeps and retries.
 */
import {
  AuthError,
  BitbucketHttpError,
  BudgetExhaustedError,
  MalformedResponseError,
  NotFoundError,
  PageLimitError,
  RateLimitedError,
  TransportError,
} from '../bitbucket/errors';
import { StoreConflictError, StoreLimitError } from '../storage/store';

/** `final`: a known condition no retry will fix; `unexpected`: a bug or an unknown failure, rethrown so Forge retries and records it. */
export type JobErrorKind = 'rate-limited' | 'transient' | 'final' | 'unexpected';

export interface JobErrorVerdict {
  kind: JobErrorKind;
  retryAfterSeconds?: number;
}

/** Forge delays a retried event by at most 900 s (`InvocationError` `retryAfter`). */
export const MAX_RETRY_AFTER_SECONDS = 900;

export function judgeJobError(error: unknown): JobErrorVerdict {
  if (error instanceof RateLimitedError || error instanceof BudgetExhaustedError) {
    return {
      kind: 'rate-limited',
      retryAfterSeconds: Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, error.retryAfterSeconds)),
    };
  }
  if (error instanceof AuthError || error instanceof NotFoundError || error instanceof InvalidJobError) {
    return { kind: 'final' };
  }
  // A limit no retry can pass (a value too big for the store, a list longer than allowed) is final too.
  if (error instanceof StoreLimitError || error instanceof PageLimitError) return { kind: 'final' };
  if (
    error instanceof TransportError ||
    error instanceof StoreConflictError ||
    error instanceof MalformedResponseError
  ) {
    return { kind: 'transient', retryAfterSeconds: 5 };
  }
  if (error instanceof BitbucketHttpError && error.status >= 500) {
    return {
      kind: 'transient',
      retryAfterSeconds: Math.min(MAX_RETRY_AFTER_SECONDS, error.retryAfterSeconds ?? 10),
    };
  }
  if (error instanceof BitbucketHttpError) return { kind: 'final' };
  return { kind: 'unexpected' };
}

/** A job that can never succeed (no such pipeline): dropped with a clear log line, not retried forever. */
export class InvalidJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJobError';
  }
}
