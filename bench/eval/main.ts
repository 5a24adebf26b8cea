/**
 * `npm run bench:detection`: the flaky/broken detector measured on histories it was not written for. Each
 * scenario of bench/scenarios/ is generated (bench/eval/generate.ts), served on loopback, synced every few
 * simulated hours through the real local path and reported with the CLI's `report --format json`; the figures are
 * scored against the ground truth next to a naive rule on the same visible data, and the run exits non-zero when
 * any figure misses its target (summary.ts).
 *
 * Options: `--scenario NAME` (a scenario, or a sweep's name for all its variants; repeatable), `--seed N` (every
 * scenario's seed), `--quick` (leaves out the slow scenarios and sweeps), `--json FILE`.
 * `npm run bench:detection:sim` runs the older benchmark on the demo simulator's model.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generate } from './generate';
import { runWorkspace } from './harness';
import { loadScenarios, type Scenario } from './scenario';
import { scoreRun, type RepoScore } from './score';
import { missedTargets, overallRow, renderTable, rowOf, TARGETS, type Row } from './summary';

export interface EvaluationOptions {
  scenarios: Scenario[];
  seed?: number;
  /** Report after every sync (detection delay); on by default. */
  reportEachSync?: boolean;
  log?: (line: string) => void;
}

export interface Evaluation {
  rows: Row[];
  overall: Row;
  missed: string[];
  scores: Record<string, RepoScore[]>;
}

export async function evaluate(opts: EvaluationOptions): Promise<Evaluation> {
  const rows: Row[] = [];
  const all: RepoScore[] = [];
  const scores: Record<string, RepoScore[]> = {};
  for (const scenario of opts.scenarios) {
    const started = Date.now();
    const generated = generate(scenario, opts.seed ?? scenario.seed);
    const repoScores: RepoScore[] = [];
    for (const ws of generated.workspaces) {
      const run = await runWorkspace(ws, {
        syncEveryHours: scenario.syncEveryHours,
        reportEachSync: opts.reportEachSync ?? true,
      });
      if (run.syncFailures > 0)
        throw new Error(
          `${scenario.name}/${ws.workspace.slug}: ${run.syncFailures} pipelines could not be ingested`,
        );
      repoScores.push(...scoreRun(run));
    }
    const row = rowOf(scenario.name, scenario.tags, repoScores, (Date.now() - started) / 1000);
    rows.push(row);
    all.push(...repoScores);
    scores[scenario.name] = repoScores;
    opts.log?.(`${scenario.name}: ${row.pipelines} pipelines in ${row.seconds.toFixed(0)} s`);
  }
  const overall = overallRow(rows, all);
  return { rows, overall, missed: missedTargets(rows, overall), scores };
}

export function selectScenarios(all: Scenario[], names: string[], quick: boolean): Scenario[] {
  const chosen = names.length
    ? all.filter((s) => names.some((n) => s.name === n || s.name.startsWith(`${n}/`)))
    : all.filter((s) => !quick || !s.slow);
  if (names.length && chosen.length === 0)
    throw new Error(`no scenario named ${names.join(', ')} (known: ${all.map((s) => s.name).join(', ')})`);
  return chosen;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', multiple: true },
      seed: { type: 'string' },
      quick: { type: 'boolean' },
      json: { type: 'string' },
    },
  });
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error('--seed must be an integer');
  const scenarios = selectScenarios(loadScenarios(), values.scenario ?? [], values.quick ?? false);
  const started = Date.now();
  const result = await evaluate({
    scenarios,
    ...(seed !== undefined ? { seed } : {}),
    log: (l) => process.stderr.write(`${l}\n`),
  });
  console.log('Detection on histories from the evaluation generator (bench/eval, bench/scenarios)');
  console.log(
    'prec/recall: flaky tests matched by exact name; recall over flaky tests with >= 2 visible failures of their own.',
  );
  console.log(
    'brk/fix: still broken -> broken, fixed -> fixed or healthy. outage FP: stable tests hit only by outages, labelled flaky.',
  );
  console.log(
    'delay: median runs of the step / hours from the onset (first visible run of the behaviour, or of the fix) to the first sync with the right label.',
  );
  console.log(
    'naive: flaky if >= 2 failures or pass and fail on one commit; broken if the latest default-branch run failed; on the attempts the API showed.',
  );
  console.log(
    `total ok: repositories whose pipelines.total equals the distinct pipelines. fail cov: visible failed attempts present in failures[]. slow: planted 1.6x slowdowns flagged (with the right first affected pipeline). false al: unshifted steps flagged slower.\n`,
  );
  console.log(renderTable(result.rows, result.overall));
  console.log(`\n${result.rows.length} scenarios, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (values.json)
    writeFileSync(
      values.json,
      `${JSON.stringify({ targets: TARGETS, rows: result.rows, overall: result.overall, missed: result.missed, scores: result.scores }, null, 2)}\n`,
    );
  if (result.missed.length) {
    console.log(`\nTargets missed (${result.missed.length}):`);
    for (const m of result.missed) console.log(`  - ${m}`);
    return 1;
  }
  console.log('\nEvery target met.');
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(2);
    },
  );
}
