/**
 * Suggestions: rules over the aggregates (and the parsed `bitbucket-pipelines.yml`) that turn findings into work,
 * each with a priority and an estimate of what it saves. Ids are stable (kind + subject), so a status a person set
 * survives recomputation. Estimates are deliberately simple and say what they assume in `evidence`.
 */
import { createHash } from 'node:crypto';
import type {
  Impact,
  Priority,
  StepReport,
  Suggestion,
  SuggestionKind,
  TestReport,
} from '../../contract/insights';
import type { FailureStats } from '../failure-stats';
import type { StepStats } from '../step-stats';
import { firstSlowRunText } from './step-analysis';
import type { PipelinesConfig } from './pipelines-config';
import { failsText, percent, testFiguresText } from './test-wording';

export interface SuggestionInput {
  steps: StepReport[];
  stepStats: StepStats[];
  tests: TestReport[];
  failures: FailureStats;
  /** Weeks the rates are computed over (≥ 1). */
  weeks: number;
  config?: PipelinesConfig;
  defaultBranch?: string;
}

export const SUGGESTION_RULES = {
  oomKillsForMoreMemory: 2,
  slowTestStepSeconds: 10 * 60,
  infraFailuresPerWeek: 2,
  /** Share of an install step a dependency cache typically saves. */
  cacheSaving: 0.4,
};

export function suggestionId(kind: SuggestionKind, subject: string): string {
  return createHash('sha256').update(`${kind}\u0000${subject}`).digest('hex').slice(0, 12);
}

const r1 = (n: number): number => Math.round(n * 10) / 10;
const minutes = (seconds: number | undefined): number => (seconds ?? 0) / 60;

function make(
  kind: SuggestionKind,
  subject: string,
  s: Omit<Suggestion, 'id' | 'kind' | 'status' | 'subject'>,
): Suggestion {
  return { id: suggestionId(kind, subject), kind, subject, status: 'open', ...s };
}

const priorityOf = (impact: Impact): Priority => {
  const failed = impact.failedPipelinesPerWeek ?? 0;
  const mins = impact.minutesPerWeek ?? 0;
  if (failed >= 3 || mins >= 120) return 'high';
  if (failed >= 1 || mins >= 30) return 'medium';
  return 'low';
};

/**
 * Failed runs a week a test costs, and the assumption behind the figure. A test broken on the default branch fails
 * every run of its step there until it is fixed. Any other failing test fails only a share of its runs (then it is
 * not broken), so only that share of the runs where it fails is projected: its failure rate × its step's runs a week
 * on the default branch and elsewhere when it failed on the default branch, else its observed share of failures off
 * the default branch × the step's runs a week there.
 */
export function testFailuresPerWeek(
  t: TestReport,
  step: StepReport | undefined,
  weeks: number,
  defaultBranch = 'the default branch',
): { perWeek: number; basis: NonNullable<Impact['basis']> } {
  const stepRunsPerWeek = (step?.runs ?? 0) / weeks;
  const defaultShare = t.runs > 0 ? t.onDefaultBranch.runs / t.runs : 0;
  const stepName = `"${t.step}"`;
  if (t.classification === 'broken' && t.brokenSince) {
    const perWeek = stepRunsPerWeek * defaultShare;
    return {
      perWeek,
      basis: {
        assumption: 'fails-every-run',
        detail:
          `Broken on ${defaultBranch} since #${t.brokenSince.pipeline}: every run of ${stepName} there fails until it is fixed, ` +
          `${r1(perWeek)} runs a week (${percent(defaultShare)} of its ${r1(stepRunsPerWeek)} runs a week are on ${defaultBranch}).`,
      },
    };
  }
  if (t.onDefaultBranch.failures > 0 || t.runs === t.onDefaultBranch.runs) {
    const perWeek = t.failureRate * stepRunsPerWeek;
    return {
      perWeek,
      basis: {
        assumption: 'failure-rate',
        detail: `It ${failsText(t)}: ${percent(t.failureRate)} of the ${r1(stepRunsPerWeek)} runs a week of ${stepName} is ${r1(perWeek)} failed runs a week.`,
      },
    };
  }
  const runsOff = t.runs - t.onDefaultBranch.runs;
  const failuresOff = t.failures - t.onDefaultBranch.failures;
  const rateOff = runsOff > 0 ? failuresOff / runsOff : 0;
  const runsOffPerWeek = stepRunsPerWeek * (1 - defaultShare);
  const perWeek = rateOff * runsOffPerWeek;
  return {
    perWeek,
    basis: {
      assumption: 'failure-rate',
      detail:
        `It failed only off ${defaultBranch}${t.brokenOnBranches?.length ? ` (broken on ${t.brokenOnBranches.join(', ')})` : ''}: ` +
        `${failuresOff} of its ${runsOff} runs there (${percent(rateOff)}); ${percent(rateOff)} of the ${r1(runsOffPerWeek)} runs a week of ${stepName} off ${defaultBranch} is ${r1(perWeek)} failed runs a week.`,
    },
  };
}

function testSuggestions(input: SuggestionInput, stepByName: Map<string, StepReport>): Suggestion[] {
  const out: Suggestion[] = [];
  for (const t of input.tests) {
    if (t.quarantined || (t.classification !== 'flaky' && !(t.classification === 'broken' && t.brokenSince)))
      continue;
    const step = stepByName.get(t.step);
    const stepMinutes = minutes(step?.p50Seconds);
    const { perWeek, basis } = testFailuresPerWeek(t, step, input.weeks, input.defaultBranch);
    // Each failed run is rerun: the step's median time again, waited for and billed.
    const impact: Impact = {
      failedPipelinesPerWeek: r1(perWeek),
      minutesPerWeek: r1(perWeek * stepMinutes),
      buildMinutesPerWeek: r1(perWeek * stepMinutes * (step?.sizeMultiplier ?? 1)),
      basis,
    };
    if (t.classification === 'flaky') {
      out.push(
        make('fix-flaky-test', t.id, {
          title: `Fix or quarantine flaky test ${t.name}`,
          detail: `It ${testFiguresText(t)}. Each failure costs a rerun of "${t.step}".`,
          priority: priorityOf(impact),
          impact,
          evidence: t.evidence.slice(0, 3).map((e) => e.detail),
        }),
      );
    } else if (t.brokenSince) {
      out.push(
        make('fix-broken-test', t.id, {
          title: `Fix broken test ${t.name}`,
          detail: `Failing on every run of "${t.step}" on ${input.defaultBranch ?? 'the default branch'} since commit ${t.brokenSince.commit.slice(0, 12)} (pipeline #${t.brokenSince.pipeline}).`,
          priority: 'high',
          impact,
          evidence: [`broken since pipeline #${t.brokenSince.pipeline} at ${t.brokenSince.at}`],
        }),
      );
    }
  }
  return out;
}

function stepSuggestions(input: SuggestionInput, stepByName: Map<string, StepReport>): Suggestion[] {
  const out: Suggestion[] = [];
  for (const stats of input.stepStats) {
    const step = stepByName.get(stats.stepName);
    if (!step) continue;
    const runsPerWeek = step.runs / input.weeks;
    if (stats.oomKills.count >= SUGGESTION_RULES.oomKillsForMoreMemory) {
      const perWeek = stats.oomKills.count / input.weeks;
      const next = stats.sizeMultiplier >= 2 ? `${stats.sizeMultiplier * 2}x` : '2x';
      const impact: Impact = {
        failedPipelinesPerWeek: r1(perWeek),
        minutesPerWeek: r1(perWeek * minutes(step.p50Seconds)),
        basis: {
          assumption: 'observed-per-week',
          detail: `${stats.oomKills.count} out-of-memory kills in ${r1(input.weeks)} weeks, ${r1(perWeek)} a week, each a failed run of about ${r1(minutes(step.p50Seconds))} min.`,
        },
      };
      out.push(
        make('increase-step-memory', stats.stepName, {
          title: `Give "${stats.stepName}" more memory (size: ${next})`,
          detail: `Killed for exceeding its memory limit ${stats.oomKills.count} times. A ${next} step has twice the memory and costs twice the build minutes per run, less than rerunning killed runs.`,
          priority: priorityOf(impact),
          impact,
          evidence: [
            `${stats.oomKills.count} out-of-memory kills, last at ${stats.oomKills.lastAt ?? 'unknown'}`,
          ],
        }),
      );
    }
    if (step.regression) {
      const extra = step.regression.recentP50Seconds - step.regression.baselineP50Seconds;
      const firstSlowRun = firstSlowRunText(step.regression);
      const impact: Impact = {
        minutesPerWeek: r1((extra / 60) * runsPerWeek),
        buildMinutesPerWeek: r1((extra / 60) * runsPerWeek * stats.sizeMultiplier),
        basis: {
          assumption: 'slower-median',
          detail: `${Math.round(extra)} s more at the median on each of its ${r1(runsPerWeek)} runs a week.`,
        },
      };
      out.push(
        make('step-regression', stats.stepName, {
          title: `"${stats.stepName}" got ${(step.regression.change * 100).toFixed(0)}% slower`,
          detail: `Median ${step.regression.baselineP50Seconds}s → ${step.regression.recentP50Seconds}s${firstSlowRun ? `, ${firstSlowRun}` : ''}.`,
          priority: priorityOf(impact),
          impact,
          evidence: [
            `baseline median ${step.regression.baselineP50Seconds}s, recent median ${step.regression.recentP50Seconds}s`,
            ...(firstSlowRun ? [firstSlowRun] : []),
          ],
        }),
      );
    }
  }
  return out;
}

function configSuggestions(input: SuggestionInput, stepByName: Map<string, StepReport>): Suggestion[] {
  const config = input.config;
  if (!config) return [];
  const out: Suggestion[] = [];
  const seen = new Set<string>();
  for (const cs of config.steps) {
    const step = stepByName.get(cs.name);
    if (!step || seen.has(cs.name)) continue;
    seen.add(cs.name);
    const runsPerWeek = step.runs / input.weeks;
    const missing = cs.installs.filter(
      (tool) => !cs.caches.some((c) => c.startsWith(tool === 'python' ? 'pip' : tool)),
    );
    if (missing.length && step.p50Seconds) {
      const saved = minutes(step.p50Seconds) * SUGGESTION_RULES.cacheSaving * runsPerWeek;
      const impact: Impact = {
        minutesPerWeek: r1(saved),
        buildMinutesPerWeek: r1(saved),
        basis: {
          assumption: 'assumed-cache-share',
          detail: `A cache is assumed to save ${SUGGESTION_RULES.cacheSaving * 100}% of the step's ${step.p50Seconds} s median, on each of its ${r1(runsPerWeek)} runs a week.`,
        },
      };
      out.push(
        make('add-cache', cs.name, {
          title: `Cache ${missing.join(', ')} dependencies in "${cs.name}"`,
          detail: `The step installs dependencies without a cache (add \`caches: [${missing.map((m) => (m === 'python' ? 'pip' : m)).join(', ')}]\`).`,
          priority: priorityOf(impact),
          impact,
          evidence: [
            `median ${step.p50Seconds}s over ${step.runs} runs; saving assumed ${SUGGESTION_RULES.cacheSaving * 100}% of the step`,
          ],
        }),
      );
    }
    if (cs.runsTests && !cs.parallel && (step.p50Seconds ?? 0) >= SUGGESTION_RULES.slowTestStepSeconds) {
      const saved = (minutes(step.p50Seconds) / 2) * runsPerWeek;
      out.push(
        make('split-test-step', cs.name, {
          title: `Split "${cs.name}" into parallel shards`,
          detail: `The test step takes ${Math.round(minutes(step.p50Seconds))} minutes at the median; two shards in a parallel group halve the wait.`,
          priority: priorityOf({ minutesPerWeek: saved }),
          impact: {
            minutesPerWeek: r1(saved),
            basis: {
              assumption: 'half-the-step',
              detail: `Two shards halve the ${step.p50Seconds} s median: ${r1(minutes(step.p50Seconds) / 2)} min saved on each of its ${r1(runsPerWeek)} runs a week.`,
            },
          },
          evidence: [`median ${step.p50Seconds}s, p95 ${step.p95Seconds ?? '?'}s`],
        }),
      );
    }
  }
  // Sequential test steps next to each other in one pipeline can run in a parallel group.
  const sequentialTests = config.steps.filter((s) => s.runsTests && !s.parallel);
  for (let i = 1; i < sequentialTests.length; i++) {
    const a = sequentialTests[i - 1];
    const b = sequentialTests[i];
    if (!a || !b || a.pipeline !== b.pipeline || b.index !== a.index + 1) continue;
    const sa = stepByName.get(a.name);
    const sb = stepByName.get(b.name);
    if (!sa?.p50Seconds || !sb?.p50Seconds) continue;
    const saved = (Math.min(sa.p50Seconds, sb.p50Seconds) / 60) * (Math.min(sa.runs, sb.runs) / input.weeks);
    out.push(
      make('parallelise-steps', `${a.pipeline}:${a.name}+${b.name}`, {
        title: `Run "${a.name}" and "${b.name}" in parallel`,
        detail: `Both run tests one after the other in the ${a.pipeline} pipeline; a parallel group saves the shorter one's time on every run.`,
        priority: priorityOf({ minutesPerWeek: saved }),
        impact: {
          minutesPerWeek: r1(saved),
          basis: {
            assumption: 'shorter-step-saved',
            detail: `The shorter step's ${Math.min(sa.p50Seconds, sb.p50Seconds)} s median saved on each of the ${r1(Math.min(sa.runs, sb.runs) / input.weeks)} runs a week both make.`,
          },
        },
        evidence: [`"${a.name}" median ${sa.p50Seconds}s, "${b.name}" median ${sb.p50Seconds}s`],
      }),
    );
  }
  return out;
}

function infrastructureSuggestions(input: SuggestionInput): Suggestion[] {
  const byCause = new Map<string, number>();
  for (const f of input.failures.fingerprints) {
    if (f.category !== 'infrastructure' || !f.cause || f.cause === 'out-of-memory') continue;
    byCause.set(f.cause, (byCause.get(f.cause) ?? 0) + f.count);
  }
  const out: Suggestion[] = [];
  for (const [cause, count] of byCause) {
    const perWeek = count / input.weeks;
    if (perWeek < SUGGESTION_RULES.infraFailuresPerWeek) continue;
    const advice: Record<string, string> = {
      'docker-rate-limit':
        'Authenticate image pulls to Docker Hub (repository variables for the image credentials) or mirror the images.',
      'rate-limit':
        'Calls to an API hit its rate limit: authenticate them, cache the answers or spread the calls over time.',
      network: 'Retry network-bound commands and cache downloads so a network blip does not fail the build.',
      'system-error':
        'Bitbucket system errors: rerun automatically and check status.bitbucket.org when they cluster.',
      'disk-full': 'Clean build outputs between commands or use a larger step size.',
      runner: 'Check the self-hosted runners: they went offline during runs.',
    };
    out.push(
      make('reduce-infrastructure-failures', cause, {
        title: `Reduce ${cause} failures (${count} in the window)`,
        detail: advice[cause] ?? 'Infrastructure failures are not the code’s fault but cost reruns.',
        priority: priorityOf({ failedPipelinesPerWeek: perWeek }),
        impact: {
          failedPipelinesPerWeek: r1(perWeek),
          basis: {
            assumption: 'observed-per-week',
            detail: `${count} ${cause} failures recorded, over the window's ${r1(input.weeks)} weeks: ${r1(perWeek)} failed runs a week.`,
          },
        },
        evidence: [`${count} failures classified infrastructure/${cause}`],
      }),
    );
  }
  return out;
}

const PRIORITY_ORDER: Record<Priority, number> = { high: 0, medium: 1, low: 2 };
const weight = (s: Suggestion): number =>
  (s.impact.failedPipelinesPerWeek ?? 0) * 30 + (s.impact.minutesPerWeek ?? 0);

export function suggest(input: SuggestionInput): Suggestion[] {
  const stepByName = new Map(input.steps.map((s) => [s.name, s]));
  return [
    ...testSuggestions(input, stepByName),
    ...stepSuggestions(input, stepByName),
    ...configSuggestions(input, stepByName),
    ...infrastructureSuggestions(input),
  ].sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || weight(b) - weight(a));
}
