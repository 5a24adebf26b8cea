/**
 * The critical path of one pipeline run: the chain of steps that bounds its wall time. Walk back from the step that
 * finished last; its predecessor is the step that finished latest before it started (parallel siblings that
 * finished earlier did not hold anything up).
 */
import type { CriticalPath } from '../../contract/insights';
import type { PipelineRunRecord, StepTiming } from '../attempt';

type Timed = StepTiming & { start: number; end: number };

export function criticalPath(run: PipelineRunRecord): CriticalPath | undefined {
  const timed: Timed[] = run.steps
    .filter((s) => s.startedOn && s.completedOn)
    .map((s) => ({ ...s, start: Date.parse(s.startedOn ?? ''), end: Date.parse(s.completedOn ?? '') }))
    .filter((s) => Number.isFinite(s.start) && Number.isFinite(s.end));
  if (!timed.length) return undefined;
  const chain: Timed[] = [];
  let current: Timed | undefined = timed.reduce((a, b) => (b.end > a.end ? b : a));
  while (current) {
    chain.unshift(current);
    const start: number = current.start;
    current = timed
      .filter((s) => s.end <= start && !chain.includes(s))
      .reduce<Timed | undefined>((best, s) => (!best || s.end > best.end ? s : best), undefined);
  }
  const created = Date.parse(run.createdOn);
  const last = chain[chain.length - 1];
  return {
    pipeline: run.buildNumber,
    pipelineUuid: run.pipelineUuid,
    wallSeconds: Math.round(((last?.end ?? created) - created) / 1000),
    steps: chain.map((s, i) => {
      const readyAt = i === 0 ? created : (chain[i - 1]?.end ?? created);
      return {
        name: s.name,
        seconds: Math.round((s.end - s.start) / 1000),
        queueSeconds: Math.max(0, Math.round((s.start - readyAt) / 1000)),
      };
    }),
  };
}
