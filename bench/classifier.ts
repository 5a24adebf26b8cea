/**
 * Failure-classifier accuracy (`npm run bench:classifier`), from the log tail alone, per category (an `unknown`
 * counts as a miss), on three sets:
 *
 * 1. The real CI logs in test/fixtures/logs, split once and deterministically (`heldOutFiles`: per category, files
 *    ordered by the SHA-256 of their path, the first third held out). Rules are written from the in-sample part only;
 *    the held-out part shows what over-fitting hides. The rules older than the split were written from all 28 logs,
 *    so the held-out column flatters those.
 * 2. The Pipelines-style tails in test/fixtures/logs/pipelines, written for this project: in-sample by construction.
 * 3. With `--unseen DIR`: logs this project never used, listed with their provenance and labels in
 *    bench/unseen-logs.tsv (labelled by reading each log before the classifier ran on it). Their licences do not all
 *    allow committing them, so the files live outside the repository: DIR holds them at the listed paths. Parts `A`
 *    and `B` may be read to improve rules (B was measured untuned first: 62/82); part `C`, gathered later from other
 *    projects and CI systems, is only measured. Each part is also shown on its clear-cut labels alone. `--parts A,B`
 *    measures only the parts named, for tuning runs that must not show part C.
 *
 * Then every miss, and the time per 64 KB tail.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyFailure } from '../src/domain/failures/classify';
import type { FailureCategory, FailureClassification } from '../src/domain/types';
import { isCategory, loadLabelledLogs, readTail } from '../test/domain/failures/labelled-logs';

interface Case {
  file: string;
  category: FailureCategory;
  /** The column the case is counted in. */
  column: string;
  tail: string;
}

interface Outcome {
  kase: Case;
  result: FailureClassification;
  ms: number;
}

const UNSEEN_MANIFEST = join(__dirname, 'unseen-logs.tsv');

function classify(kase: Case): Outcome {
  const start = performance.now();
  const result = classifyFailure({ stepResult: 'FAILED', logTail: kase.tail });
  return { kase, result, ms: performance.now() - start };
}

const isRight = (outcome: Outcome): boolean => outcome.result.category === outcome.kase.category;

function score(outcomes: readonly Outcome[]): string {
  if (outcomes.length === 0) return '-';
  const right = outcomes.filter(isRight).length;
  return `${right}/${outcomes.length} ${(right / outcomes.length).toFixed(2)}`;
}

/** One row per category (then `all`), one column per `Case.column`, then all columns together. */
function printTable(title: string, columns: readonly string[], outcomes: readonly Outcome[]): void {
  console.log(`\n${title}`);
  const width = 16;
  console.log(`  ${'category'.padEnd(16)}${[...columns, 'all'].map((c) => c.padStart(width)).join('')}`);
  const categories = [...new Set(outcomes.map((o) => o.kase.category))].sort();
  for (const category of [...categories, 'all']) {
    const rows = category === 'all' ? outcomes : outcomes.filter((o) => o.kase.category === category);
    const cells = [...columns.map((column) => rows.filter((o) => o.kase.column === column)), rows];
    console.log(`  ${category.padEnd(16)}${cells.map((cell) => score(cell).padStart(width)).join('')}`);
  }
}

function fixtureCases(): { real: Case[]; pipelines: Case[] } {
  const logs = loadLabelledLogs();
  const toCase = (log: (typeof logs)[number]): Case => ({
    file: log.file,
    category: log.category,
    column: log.set === 'pipelines' ? 'in-sample' : log.heldOut ? 'held-out' : 'in-sample',
    tail: log.tail,
  });
  return {
    real: logs.filter((log) => log.set === 'real').map(toCase),
    pipelines: logs.filter((log) => log.set === 'pipelines').map(toCase),
  };
}

interface UnseenRow {
  file: string;
  category: FailureCategory;
  confidence: string;
  part: string;
}

/** `--parts A,B`: only those parts of the manifest, so that tuning runs never show the held-out part. */
function selectedParts(argv: readonly string[]): ReadonlySet<string> | undefined {
  const index = argv.indexOf('--parts');
  if (index < 0) return undefined;
  const list = argv[index + 1];
  if (list === undefined || list.startsWith('--')) throw new Error('--parts needs a list such as A,B');
  return new Set(list.split(','));
}

function unseenRows(): UnseenRow[] {
  const parts = selectedParts(process.argv);
  return readFileSync(UNSEEN_MANIFEST, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [file = '', category = '', confidence = '', part = ''] = line.split('\t');
      if (!isCategory(category))
        throw new Error(`${UNSEEN_MANIFEST}: unknown category '${category}' for ${file}`);
      return { file, category, confidence, part };
    })
    .filter((row) => parts === undefined || parts.has(row.part));
}

function unseenCases(
  dir: string,
  by: (row: UnseenRow) => string,
  keep: (row: UnseenRow) => boolean = () => true,
): Case[] {
  return unseenRows()
    .filter(keep)
    .map((row) => ({
      file: row.file,
      category: row.category,
      column: by(row),
      tail: readTail(join(dir, row.file)),
    }));
}

function printMisses(outcomes: readonly Outcome[]): void {
  const misses = outcomes.filter((outcome) => !isRight(outcome));
  console.log(`\nMisses (${misses.length})`);
  for (const { kase, result } of misses) {
    const where = kase.column === 'in-sample' ? '' : ` (${kase.column})`;
    console.log(
      `  ${kase.file}${where}: labelled ${kase.category}, got ${result.category} [${result.rule ?? 'no rule'}]`,
    );
    if (result.message !== undefined) console.log(`    ${result.message.slice(0, 160)}`);
  }
}

function printTiming(outcomes: readonly Outcome[]): void {
  const times = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const worst = times[times.length - 1] ?? 0;
  const kib = outcomes.reduce((sum, outcome) => sum + outcome.kase.tail.length, 0) / 1024;
  const totalMs = times.reduce((sum, ms) => sum + ms, 0);
  console.log(
    `\nTime per tail: median ${median.toFixed(2)} ms, worst ${worst.toFixed(2)} ms (${kib.toFixed(0)} KiB in ${totalMs.toFixed(1)} ms)`,
  );
}

function unseenDir(argv: readonly string[]): string | undefined {
  const index = argv.indexOf('--unseen');
  if (index < 0) return undefined;
  const dir = argv[index + 1];
  if (dir === undefined) throw new Error('--unseen needs a directory');
  return dir;
}

function main(): void {
  const { real, pipelines } = fixtureCases();
  [...real, ...pipelines].forEach((kase) => classify(kase));
  const realOutcomes = real.map(classify);
  const pipelinesOutcomes = pipelines.map(classify);
  const inSample = real.filter((kase) => kase.column === 'in-sample').length;
  printTable(
    `Real CI logs (${real.length}): rules are written from ${inSample} (in-sample), ${real.length - inSample} held out`,
    ['in-sample', 'held-out'],
    realOutcomes,
  );
  printTable(`Pipelines-style tails (${pipelines.length}, in-sample)`, ['in-sample'], pipelinesOutcomes);
  const all = [...realOutcomes, ...pipelinesOutcomes];

  const dir = unseenDir(process.argv);
  if (dir !== undefined) {
    const missing = unseenRows().filter((row) => !existsSync(join(dir, row.file)));
    if (missing.length > 0)
      throw new Error(`${missing.length} unseen logs missing under ${dir}, e.g. ${missing[0]?.file}`);
    const parts = [...new Set(unseenRows().map((row) => row.part))].sort();
    const byPart = unseenCases(dir, (row) => `part ${row.part}`).map(classify);
    const partColumns = parts.map((part) => `part ${part}`);
    printTable(
      `Unseen logs (${byPart.length}, bench/unseen-logs.tsv): parts A and B may be read to improve rules, part C is only measured`,
      partColumns,
      byPart,
    );
    printTable(
      'Unseen logs with a clear-cut label, per part',
      partColumns,
      unseenCases(
        dir,
        (row) => `part ${row.part}`,
        (row) => row.confidence === 'clear',
      ).map(classify),
    );
    printTable(
      'Unseen logs by how sure the label is',
      ['clear', 'debatable'],
      unseenCases(dir, (row) => row.confidence).map(classify),
    );
    all.push(...byPart);
  } else {
    console.log('\nUnseen logs: not measured (run with --unseen DIR; see bench/unseen-logs.tsv)');
  }
  printMisses(all);
  printTiming(all);
}

main();
