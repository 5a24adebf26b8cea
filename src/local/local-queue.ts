/**
 * The local stand-in for a Forge queue + consumer: at-least-once delivery, retries with backoff, a `retryAfter`
 * honoured like Forge's InvocationError, and a bounded number of jobs in flight. Handlers are the same services
 * the Forge consumer calls.
 */
export interface RetryDecision {
  /** Retry after this many seconds; undefined = do not retry (the error is final). */
  retryAfterSeconds?: number;
}

export interface LocalQueueOptions<J> {
  handler: (job: J) => Promise<void>;
  /** How to treat a handler error: retry later, or give up. */
  classify: (error: unknown, attempt: number) => RetryDecision;
  concurrency?: number;
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Upper bound on any single wait, so a local run never sits for an hour on a retry-after. */
  maxWaitSeconds?: number;
  onDone?: (job: J) => void;
}

export interface QueueFailure<J> {
  job: J;
  error: unknown;
}

export class LocalQueue<J> {
  private readonly pending: { job: J; attempt: number }[] = [];
  private readonly failures: QueueFailure<J>[] = [];
  private pushed = 0;

  constructor(private readonly opts: LocalQueueOptions<J>) {}

  push(jobs: J[]): void {
    for (const job of jobs) this.pending.push({ job, attempt: 0 });
    this.pushed += jobs.length;
  }

  get size(): number {
    return this.pushed;
  }

  /** Runs until the queue is empty; resolves with the jobs that failed for good. */
  async drain(): Promise<QueueFailure<J>[]> {
    const workers = Array.from({ length: this.opts.concurrency ?? 2 }, () => this.work());
    await Promise.all(workers);
    return this.failures.splice(0);
  }

  private async work(): Promise<void> {
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (;;) {
      const item = this.pending.shift();
      if (!item) return;
      try {
        await this.opts.handler(item.job);
        this.opts.onDone?.(item.job);
      } catch (error) {
        const attempt = item.attempt + 1;
        const decision = this.opts.classify(error, attempt);
        if (decision.retryAfterSeconds === undefined || attempt >= (this.opts.maxAttempts ?? 6)) {
          this.failures.push({ job: item.job, error });
          continue;
        }
        await sleep(Math.min(decision.retryAfterSeconds, this.opts.maxWaitSeconds ?? 30) * 1000);
        this.pending.push({ job: item.job, attempt });
      }
    }
  }
}
