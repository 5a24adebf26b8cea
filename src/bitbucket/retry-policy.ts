/**
 * When and how long to retry, as data. Bitbucket rate-limits `/2.0/repositories/*` at 1,000 requests per hour per
 * workspace and its 429s usually carry no `Retry-After` (PLATFORM.md), so backoff is exponential with full jitter
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), and `Retry-After` wins when sent.
 */

export interface RetryPolicy {
  /** Total attempts for one request, the first included. */
  maxAttempts: number;
  /** Total attempts when the answer is 429; Forge consumers use 1 and hand the wait back to Forge. */
  maxRateLimitAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A 429's `Retry-After` longer than this is not slept on: the client gives up with `RateLimitedError`. */
  maxRetryAfterMs: number;
  /**
   * A 5xx's `Retry-After` longer than this is not slept on either: the client gives up with the error, which carries
   * the wait (`BitbucketHttpError.retryAfterSeconds`) for whoever retries the job. A Forge consumer has 900 s in all.
   */
  maxServerRetryAfterMs: number;
  /** What `RateLimitedError.retryAfterSeconds` says when Bitbucket sent no `Retry-After`. */
  defaultRateLimitRetryAfterSeconds: number;
  retryStatuses: readonly number[];
  /** Listed for readers: any status not in `retryStatuses` is final; these are the ones that matter. */
  neverRetryStatuses: readonly number[];
  retryNetworkErrors: boolean;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 4,
  maxRateLimitAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  maxServerRetryAfterMs: 60_000,
  defaultRateLimitRetryAfterSeconds: 60,
  retryStatuses: [429, 500, 502, 503, 504],
  neverRetryStatuses: [400, 401, 403, 404, 409, 416],
  retryNetworkErrors: true,
};

/**
 * For Forge consumers: a 429 is not slept on (a consumer bills GB-seconds while it sleeps and has a 900 s cap); it
 * surfaces at once as `RateLimitedError` so the consumer returns `InvocationError({ retryAfter })`. Short 5xx and
 * network retries remain.
 */
export const forgeConsumerRetryPolicy: RetryPolicy = {
  ...defaultRetryPolicy,
  maxRateLimitAttempts: 1,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 0,
  maxServerRetryAfterMs: 5_000,
};

/** What went wrong on one attempt. */
export type AttemptFailure = { kind: 'status'; status: number; retryAfterMs?: number } | { kind: 'network' };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Whether to try again after failed attempt number `attempt` (1-based), and after how long.
 * `idempotent` false (a POST that creates something) retries only 429s, which Bitbucket did not process.
 */
export function decideRetry(
  policy: RetryPolicy,
  failure: AttemptFailure,
  attempt: number,
  random: () => number,
  idempotent = true,
): RetryDecision {
  if (failure.kind === 'network') {
    if (!policy.retryNetworkErrors || !idempotent || attempt >= policy.maxAttempts) return { retry: false };
    return { retry: true, delayMs: backoffDelayMs(policy, attempt, random) };
  }
  const { status } = failure;
  if (!policy.retryStatuses.includes(status) || policy.neverRetryStatuses.includes(status))
    return { retry: false };
  if (status === 429) return decideRateLimitRetry(policy, failure.retryAfterMs, attempt, random);
  if (!idempotent || attempt >= policy.maxAttempts) return { retry: false };
  if (failure.retryAfterMs === undefined)
    return { retry: true, delayMs: backoffDelayMs(policy, attempt, random) };
  return failure.retryAfterMs <= policy.maxServerRetryAfterMs
    ? { retry: true, delayMs: failure.retryAfterMs }
    : { retry: false };
}

function decideRateLimitRetry(
  policy: RetryPolicy,
  retryAfterMs: number | undefined,
  attempt: number,
  random: () => number,
): RetryDecision {
  if (attempt >= policy.maxRateLimitAttempts) return { retry: false };
  if (retryAfterMs !== undefined) {
    return retryAfterMs <= policy.maxRetryAfterMs ? { retry: true, delayMs: retryAfterMs } : { retry: false };
  }
  return { retry: true, delayMs: backoffDelayMs(policy, attempt, random) };
}

/** Full jitter: uniform in [0, min(cap, base · 2^(attempt-1))). */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * `Retry-After` as milliseconds from `nowMs`: delta-seconds (`120`) or an HTTP date
 * (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after). Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
