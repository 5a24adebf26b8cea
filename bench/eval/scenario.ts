/**
 * Scenario files of the evaluation generator (`bench/scenarios/*.yaml`): what a workspace looks like, how its
 * people work and which test behaviours are planted. Parsed with `yaml`, validated with zod; every knob has a
 * default, so a file states only what makes its scenario different. A sweep file holds a `base` scenario and
 * `variants`, each a set of dotted-path overrides, and expands into one scenario per variant.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** A fixed value or `[min, max]`, drawn uniformly each time it is used. */
const range = z.union([z.number(), z.tuple([z.number(), z.number()])]);
export type Range = z.infer<typeof range>;

const stepSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['build', 'test', 'lint', 'deploy']),
  /** Median duration of a run. */
  seconds: z.number().positive(),
  /** Log-normal sigma of a run's duration around the median; a noisy step has 0.3 or more. */
  noise: z.number().min(0).default(0.08),
  /** Test steps: the size of the suite, split evenly over `shards` parallel steps named `<name> (i/n)`. */
  tests: z.number().int().min(1).optional(),
  shards: z.number().int().min(1).default(1),
  /** Runs only on the default branch (a deployment). */
  mainOnly: z.boolean().default(false),
  size: z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(8)]).default(1),
});
export type StepConfig = z.infer<typeof stepSchema>;

const DEFAULT_STEPS: z.input<typeof stepSchema>[] = [
  { name: 'Build', kind: 'build', seconds: 150 },
  { name: 'Unit tests', kind: 'test', seconds: 420, tests: 400, noise: 0.1 },
  { name: 'Deploy to staging', kind: 'deploy', seconds: 90, mainOnly: true },
];

const testsSchema = z.object({
  /** Flaky from the first commit, failing each run independently at `rate`. */
  flaky: z.array(z.object({ count: z.number().int().min(0), rate: range })).default([]),
  /** Flaky from a default-branch commit on (`at`: where in the history, 0..1 of the default-branch commits). */
  becomesFlaky: z
    .array(z.object({ count: z.number().int().min(0), rate: range, at: range.default([0.2, 0.6]) }))
    .default([]),
  /** Broken at a default-branch commit; fixed `fixedAfter` default-branch commits later, or never (null). */
  broken: z
    .array(
      z.object({
        count: z.number().int().min(0),
        at: range.default([0.3, 0.8]),
        fixedAfter: range.nullable().default(null),
      }),
    )
    .default([]),
  /** Broken for 2–3 default-branch commits, then fixed. */
  shortBreakages: z
    .object({ count: z.number().int().min(0), commits: range.default([2, 3]) })
    .prefault({ count: 0 }),
  /** Broken on a feature branch by its author and fixed on the branch before it merges. */
  branchBreakages: z.number().int().min(0).default(0),
  /**
   * Pairs of real names that differ only in whitespace or only after character 160: one of each pair is flaky at
   * `rate`, its twin is stable.
   */
  nearDuplicates: z
    .object({ count: z.number().int().min(0), rate: range.default([0.15, 0.25]) })
    .prefault({ count: 0 }),
});

const repoSchema = z.object({
  slug: z.string().min(1),
  /** Copies of this repository, named `<slug>-1`, `<slug>-2`…, each with its own draws. */
  count: z.number().int().min(1).default(1),
  mainBranch: z.enum(['main', 'master']).default('main'),
  /** Runner family whose real test names fill the suites (see test/fixtures/eval/junit-names.json). */
  family: z.string().default('jest'),
  /** Commits that land on the default branch over the history (direct pushes and merges). */
  mainCommits: z.number().int().min(4).default(70),
  /** Share of default-branch commits pushed directly; the others are merges of feature branches. */
  directPushShare: z.number().min(0).max(1).default(0.3),
  /** Commits per push: a push of several commits runs one pipeline, on its head. */
  commitsPerPush: range.default([1, 2]),
  developers: z.number().int().min(1).default(6),
  branches: z
    .object({
      /** Commits made on a feature branch before it merges. */
      commits: range.default([1, 5]),
      /** Hours a branch lives, fork to merge. */
      hours: range.default([3, 40]),
      /** Share of branches with a pull request (pull-request pipelines on each push once it is open). */
      pullRequestShare: z.number().min(0).max(1).default(0.7),
      /** Branch pushes also run a branch pipeline (a `branches: '**'` section). */
      branchPipelines: z.boolean().default(true),
      /** Share of branches that do not merge the default branch for `lagCommits` of its commits. */
      lagShare: z.number().min(0).max(1).default(0.1),
      lagCommits: range.default([10, 25]),
      /** Share of the other branches that merge the default branch into themselves before merging back. */
      syncShare: z.number().min(0).max(1).default(0.3),
    })
    .prefault({}),
  steps: z.array(stepSchema).prefault(DEFAULT_STEPS),
  tests: testsSchema.prefault({}),
  /** Non-test failures. */
  failures: z
    .object({
      /** Share of feature-branch pushes whose head does not compile (fixed by the next push). */
      compile: z.number().min(0).max(1).default(0.06),
      /** Per build attempt: the package registry failed (transient). */
      dependency: z.number().min(0).max(1).default(0.02),
      /** Per deployment attempt: a missing variable or bad configuration. */
      config: z.number().min(0).max(1).default(0.02),
      /** Per attempt, outside outages: the platform failed the step (OOM, system error, lost runner). */
      infra: z.number().min(0).max(1).default(0.01),
    })
    .prefault({}),
  reruns: z
    .object({
      /** Chance that someone uses "Rerun failed steps" on a failed pipeline whose failure looks transient. */
      failedSteps: z.number().min(0).max(1).default(0.35),
      /** Minutes from the failure to the rerun. */
      delayMinutes: range.default([4, 150]),
      /** At most this many rerun rounds per pipeline. */
      maxRounds: z.number().int().min(1).default(2),
      /** Chance that a failed default-branch pipeline is run again as a new pipeline on the same commit. */
      wholePipeline: z.number().min(0).max(1).default(0.08),
      /** Pipelines run by hand on older default-branch commits, after newer ones exist. */
      olderCommits: z.number().int().min(0).default(2),
    })
    .prefault({}),
  durations: z
    .object({
      /** A sustained slowdown of a step from a default-branch commit, with `runsAfter` runs after it. */
      slowdown: z
        .object({
          step: z.string(),
          factor: z.number().positive().default(1.6),
          runsAfter: range.default([7, 25]),
        })
        .optional(),
      /** Steps made noisy (no shift), to count false alarms. */
      noisy: z.array(z.object({ step: z.string(), sigma: z.number().positive().default(0.35) })).default([]),
    })
    .prefault({}),
});
export type RepoConfig = z.infer<typeof repoSchema>;

const outageSchema = z.object({
  /** Hours from the start of the history. */
  atHour: range,
  hours: range.default([1, 4]),
  /** Share of step attempts starting inside the window that the platform fails (no test report). */
  stepFailShare: z.number().min(0).max(1).default(0.5),
  /** Share of test attempts inside the window where a dependency went down and `suiteShare` of the suite failed. */
  suiteFailShare: z.number().min(0).max(1).default(0.5),
  suiteShare: range.default([0.3, 0.7]),
});

const workspaceSchema = z.object({
  slug: z.string().min(1),
  repos: z.array(repoSchema).min(1),
  outages: z.array(outageSchema).default([]),
});

export const scenarioSchema = z.object({
  name: z.string().min(1),
  description: z.string().default(''),
  /** Failure mode of issue 8 item 2 that the scenario exercises (a–e), or a sweep dimension. */
  tags: z.array(z.string()).default([]),
  seed: z.number().int().default(1),
  /** What the history's randomness is keyed on besides the seed (the variants of a sweep share their sweep's). */
  seedKey: z.string().optional(),
  start: z.string().datetime().default('2026-03-02T07:00:00Z'),
  days: z.number().positive().default(14),
  /** Simulated hours between two syncs, as a person or a cron job would run `sync`. */
  syncEveryHours: z.number().positive().default(3),
  /** Left out of `--quick`. */
  slow: z.boolean().default(false),
  workspaces: z.array(workspaceSchema).min(1),
});
export type Scenario = z.infer<typeof scenarioSchema>;
export type WorkspaceConfig = Scenario['workspaces'][number];
export type OutageConfig = WorkspaceConfig['outages'][number];

const sweepSchema = z.object({
  sweep: z.string().min(1),
  description: z.string().default(''),
  slow: z.boolean().default(true),
  base: z.record(z.string(), z.unknown()),
  variants: z.array(z.object({ label: z.string().min(1), set: z.record(z.string(), z.unknown()) })).min(1),
});

/** Sets `value` at a dotted path (`workspaces.0.repos.0.tests.flaky.0.rate`), creating objects on the way. */
export function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node: Record<string, unknown> = target;
  parts.slice(0, -1).forEach((part, i) => {
    const next = node[part];
    if (typeof next !== 'object' || next === null) {
      node[part] = /^\d+$/.test(parts[i + 1] ?? '') ? [] : {};
    }
    node = node[part] as Record<string, unknown>;
  });
  node[parts[parts.length - 1] ?? ''] = value;
}

export class ScenarioError extends Error {}

function validated(raw: unknown, where: string): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ScenarioError(`${where}: ${issues}`);
  }
  return parsed.data;
}

/** The scenarios of one file: one for a scenario file, one per variant for a sweep. */
export function scenariosFromYaml(text: string, where: string): Scenario[] {
  const raw: unknown = parse(text);
  if (typeof raw === 'object' && raw !== null && 'sweep' in raw) {
    const sweep = sweepSchema.safeParse(raw);
    if (!sweep.success)
      throw new ScenarioError(
        `${where}: ${sweep.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    return sweep.data.variants.map((variant) => {
      const copy = structuredClone(sweep.data.base);
      for (const [dotted, value] of Object.entries(variant.set)) setPath(copy, dotted, value);
      copy['name'] = `${sweep.data.sweep}/${variant.label}`;
      copy['seedKey'] = sweep.data.sweep;
      copy['slow'] = sweep.data.slow;
      copy['tags'] = [...((copy['tags'] as string[] | undefined) ?? []), `sweep:${sweep.data.sweep}`];
      return validated(copy, `${where} (${variant.label})`);
    });
  }
  return [validated(raw, where)];
}

export const SCENARIO_DIR = path.join(__dirname, '..', 'scenarios');

export function loadScenarios(dir = SCENARIO_DIR): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .flatMap((f) => scenariosFromYaml(readFileSync(path.join(dir, f), 'utf8'), f));
}
