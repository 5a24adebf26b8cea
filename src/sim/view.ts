/**
 * The plan as the API shows it at `now`: attempts created later are invisible, a rerun hides the attempt it
 * replaced, steps still queued are PENDING, and a pipeline waiting on an untriggered manual step is PAUSED.
 */
import type { SimAttempt, SimPipeline, SimPipelineResult, SimStep, SimStepResult } from './model';

export type ViewState = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED';

export interface StepView {
  step: SimStep;
  /** The newest attempt created by `now`; undefined for a manual step nobody triggered yet. */
  attempt?: SimAttempt;
  state: ViewState;
  result?: SimStepResult;
}

export interface PipelineView {
  pipeline: SimPipeline;
  state: ViewState;
  stage?: 'RUNNING' | 'PAUSED';
  result?: SimPipelineResult;
  runNumber: number;
  runCreationDate: string;
  completedOn?: string;
  durationSeconds: number;
  buildSecondsUsed: number;
  steps: StepView[];
}

const ms = (iso: string): number => Date.parse(iso);

export function visibleAttempt(step: SimStep, now: number): SimAttempt | undefined {
  let found: SimAttempt | undefined;
  for (const attempt of step.attempts) if (ms(attempt.scheduledOn) <= now) found = attempt;
  return found;
}

export function stepView(step: SimStep, now: number): StepView {
  const attempt = visibleAttempt(step, now);
  if (!attempt || ms(attempt.startedOn) > now) return { step, attempt, state: 'PENDING' };
  if (ms(attempt.completedOn) > now) return { step, attempt, state: 'IN_PROGRESS' };
  return { step, attempt, state: 'COMPLETED', result: attempt.result };
}

function pipelineResult(steps: StepView[]): SimPipelineResult {
  const results = new Set(steps.map((s) => s.result));
  if (results.has('FAILED')) return 'FAILED';
  if (results.has('ERROR')) return 'ERROR';
  if (results.has('STOPPED')) return 'STOPPED';
  return 'SUCCESSFUL';
}

function maxIso(values: string[]): string | undefined {
  return values.reduce<string | undefined>(
    (max, v) => (max === undefined || ms(v) > ms(max) ? v : max),
    undefined,
  );
}

export function isVisible(pipeline: SimPipeline, now: number): boolean {
  return ms(pipeline.createdOn) <= now;
}

export function pipelineView(pipeline: SimPipeline, now: number): PipelineView {
  const reruns = pipeline.rerunsOn.filter((t) => ms(t) <= now);
  const steps = pipeline.steps.map((s) => stepView(s, now));
  const buildSecondsUsed = pipeline.steps
    .flatMap((s) => s.attempts)
    .filter((a) => ms(a.completedOn) <= now)
    .reduce((sum, a) => sum + a.buildSecondsUsed, 0);
  const base = {
    pipeline,
    steps,
    runNumber: reruns.length + 1,
    runCreationDate: reruns[reruns.length - 1] ?? pipeline.createdOn,
    buildSecondsUsed,
  };
  if (pipeline.configError) {
    const completedOn = new Date(ms(pipeline.createdOn) + 1000).toISOString();
    return { ...base, state: 'COMPLETED', result: 'ERROR', completedOn, durationSeconds: 0 };
  }
  const running = steps.some((s) => s.state !== 'COMPLETED' && !(s.step.manual && !s.attempt));
  const firstStart = steps
    .map((s) => s.attempt?.startedOn)
    .filter((t): t is string => t !== undefined && ms(t) <= now && ms(t) >= ms(base.runCreationDate))
    .reduce((min, t) => Math.min(min, ms(t)), Number.POSITIVE_INFINITY);
  const since = Number.isFinite(firstStart) ? firstStart : now;
  if (running)
    return {
      ...base,
      state: 'IN_PROGRESS',
      stage: 'RUNNING',
      durationSeconds: Math.round((now - since) / 1000),
    };
  if (steps.some((s) => s.step.manual && !s.attempt)) {
    return {
      ...base,
      state: 'IN_PROGRESS',
      stage: 'PAUSED',
      durationSeconds: Math.round((now - since) / 1000),
    };
  }
  const completedOn =
    maxIso(steps.flatMap((s) => (s.attempt ? [s.attempt.completedOn] : []))) ?? pipeline.createdOn;
  const durationSeconds = Number.isFinite(firstStart)
    ? Math.max(0, Math.round((ms(completedOn) - firstStart) / 1000))
    : 0;
  return { ...base, state: 'COMPLETED', result: pipelineResult(steps), completedOn, durationSeconds };
}
