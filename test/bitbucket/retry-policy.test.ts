import {
  backoffDelayMs,
  decideRetry,
  defaultRetryPolicy,
  forgeConsumerRetryPolicy,
  parseRetryAfterMs,
} from '../../src/bitbucket/retry-policy';

const NOW = Date.parse('2026-01-31T09:00:00Z');

describe('retry policy', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const max = () => 0.999999;
    expect([1, 2, 3, 4, 8, 20].map((a) => backoffDelayMs(defaultRetryPolicy, a, max))).toEqual([
      499, 999, 1999, 3999, 29_999, 29_999,
    ]);
    expect(backoffDelayMs(defaultRetryPolicy, 3, () => 0)).toBe(0);
  });

  it.each([400, 401, 403, 404, 409, 416, 501])('never retries %d', (status) => {
    expect(decideRetry(defaultRetryPolicy, { kind: 'status', status }, 1, () => 0.5)).toEqual({
      retry: false,
    });
  });

  it.each([429, 500, 502, 503, 504])('retries %d until maxAttempts', (status) => {
    expect(decideRetry(defaultRetryPolicy, { kind: 'status', status }, 3, () => 0.5)).toEqual({
      retry: true,
      delayMs: 1000,
    });
    expect(decideRetry(defaultRetryPolicy, { kind: 'status', status }, 4, () => 0.5)).toEqual({
      retry: false,
    });
  });

  it('Forge consumers do not retry 429 but still retry a 503', () => {
    expect(decideRetry(forgeConsumerRetryPolicy, { kind: 'status', status: 429 }, 1, () => 0.5)).toEqual({
      retry: false,
    });
    expect(decideRetry(forgeConsumerRetryPolicy, { kind: 'status', status: 503 }, 1, () => 0.5)).toEqual({
      retry: true,
      delayMs: 250,
    });
  });

  it("caps a 5xx's Retry-After as it caps a 429's: a longer wait is handed back, not slept", () => {
    const hour = { kind: 'status' as const, status: 503, retryAfterMs: 3_600_000 };
    expect(decideRetry(defaultRetryPolicy, hour, 1, () => 0.5)).toEqual({ retry: false });
    expect(decideRetry(forgeConsumerRetryPolicy, hour, 1, () => 0.5)).toEqual({ retry: false });
    expect(decideRetry(forgeConsumerRetryPolicy, { ...hour, retryAfterMs: 6_000 }, 1, () => 0.5)).toEqual({
      retry: false,
    });
    expect(decideRetry(forgeConsumerRetryPolicy, { ...hour, retryAfterMs: 2_000 }, 1, () => 0.5)).toEqual({
      retry: true,
      delayMs: 2_000,
    });
    expect(decideRetry(defaultRetryPolicy, { ...hour, retryAfterMs: 30_000 }, 1, () => 0.5)).toEqual({
      retry: true,
      delayMs: 30_000,
    });
  });

  it('retries network errors only for idempotent requests', () => {
    expect(decideRetry(defaultRetryPolicy, { kind: 'network' }, 1, () => 0.5)).toEqual({
      retry: true,
      delayMs: 250,
    });
    expect(decideRetry(defaultRetryPolicy, { kind: 'network' }, 1, () => 0.5, false)).toEqual({
      retry: false,
    });
    expect(decideRetry(defaultRetryPolicy, { kind: 'status', status: 429 }, 1, () => 0.5, false)).toEqual({
      retry: true,
      delayMs: 250,
    });
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfterMs('30', NOW)).toBe(30_000);
    expect(parseRetryAfterMs('Sat, 31 Jan 2026 09:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfterMs('Sat, 31 Jan 2026 08:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfterMs('soon', NOW)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, NOW)).toBeUndefined();
  });
});
