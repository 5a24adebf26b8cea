/**
 * Runs of consecutive failures of one test, one per branch scope: the change-point state that tells a regression
 * ("started failing at X and keeps failing") from intermittent failures.
 */
import { laterOf, type AttemptContext } from './attempt-context';
import type { FailureRun } from './types';

export function openRunOf(runs: FailureRun[], scopeKey: string): FailureRun | undefined {
  return runs.find((run) => run.scopeKey === scopeKey);
}

/**
 * Whether a failure continues the open run of its scope. On the default branch this is exact: no counted attempt
 * came in between. On other branches there is no per-branch counter; the run is closed by the next attempt of the
 * branch (the test is watched), so an open run is continued. A repeat failure on the same commit always continues.
 */
export function continuesRun(run: FailureRun, ctx: AttemptContext, repeatOnCommit: boolean): boolean {
  return ctx.scope === 'other' || repeatOnCommit || run.lastSeq === ctx.seq.default - 1;
}

/** Extend the open run of the attempt's scope, or open one; runs of other scopes stay as they are. */
export function extendRun(runs: FailureRun[], ctx: AttemptContext): { runs: FailureRun[]; run: FailureRun } {
  const seqInScope = ctx.scope === 'default' ? ctx.seq.default : ctx.seq.other;
  const existing = openRunOf(runs, ctx.scopeKey);
  let run: FailureRun;
  if (existing) {
    run = {
      ...existing,
      length: existing.length + 1,
      lastSeq: Math.max(existing.lastSeq, seqInScope),
      lastAt: laterOf(existing.lastAt, ctx.ref.at),
    };
  } else {
    run = {
      scopeKey: ctx.scopeKey,
      startAt: ctx.ref.at,
      length: 1,
      lastSeq: seqInScope,
      lastAt: ctx.ref.at,
      broken: false,
    };
    // Only a default-branch regression is reported with its attempt; branch runs keep their start time.
    if (ctx.scope === 'default') run.start = ctx.ref;
  }
  const others = runs.filter((candidate) => candidate !== existing);
  return { runs: boundRuns([...others, run], ctx.config.runsLimit), run };
}

export function withoutRun(runs: FailureRun[], run: FailureRun): FailureRun[] {
  return runs.filter((candidate) => candidate.scopeKey !== run.scopeKey);
}

/** Keep the default run and the most recently active branch runs. */
function boundRuns(runs: FailureRun[], limit: number): FailureRun[] {
  if (runs.length <= limit) return runs;
  const sorted = [...runs].sort((a, b) =>
    a.scopeKey === 'default' ? -1 : b.scopeKey === 'default' ? 1 : a.lastAt < b.lastAt ? 1 : -1,
  );
  return sorted.slice(0, limit);
}
