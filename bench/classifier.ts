/**
 * Failure-classifier accuracy on the labelled logs in test/fixtures/logs: per category, correct/total (an `unknown`
 * counts as a miss), for the real CI logs and the Pipelines-style tails separately, then every miss, then the time
 * taken per 64 KB tail. Run with `npm run bench:classifier`.
 */
import { classifyFailure } from '../src/domain/failures/classify';
import type { FailureClassification } from '../src/domain/types';
import { loadLabelledLogs, type LabelledLog, type LogSet } from '../test/domain/failures/labelled-logs';

interface Outcome {
  log: LabelledLog;
  result: FailureClassification;
  ms: number;
}

function classifyTimed(log: LabelledLog): Outcome {
  const start = performance.now();
  const result = classifyFailure({ stepResult: 'FAILED', logTail: log.tail });
  return { log, result, ms: performance.now() - start };
}

function percent(correct: number, total: number): string {
  return total === 0 ? '-' : `${((100 * correct) / total).toFixed(1)}%`;
}

function printAccuracy(set: LogSet, outcomes: readonly Outcome[]): void {
  const inSet = outcomes.filter((outcome) => outcome.log.set === set);
  const categories = [...new Set(inSet.map((outcome) => outcome.log.category))].sort();
  console.log(`\n${set === 'real' ? 'Real CI logs' : 'Pipelines-style tails'} (${inSet.length})`);
  console.log(`  ${'category'.padEnd(16)}${'correct/total'.padStart(14)}${'accuracy'.padStart(10)}`);
  for (const category of [...categories, 'all']) {
    const rows = category === 'all' ? inSet : inSet.filter((outcome) => outcome.log.category === category);
    const correct = rows.filter((outcome) => outcome.result.category === outcome.log.category).length;
    console.log(
      `  ${category.padEnd(16)}${`${correct}/${rows.length}`.padStart(14)}${percent(correct, rows.length).padStart(10)}`,
    );
  }
}

function printMisses(outcomes: readonly Outcome[]): void {
  const misses = outcomes.filter((outcome) => outcome.result.category !== outcome.log.category);
  console.log(`\nMisses (${misses.length})`);
  for (const { log, result } of misses) {
    console.log(
      `  ${log.file}: labelled ${log.category}, got ${result.category} [${result.rule ?? 'no rule'}]`,
    );
    if (result.message !== undefined) console.log(`    ${result.message.slice(0, 160)}`);
  }
}

function printTiming(outcomes: readonly Outcome[]): void {
  const times = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const worst = times[times.length - 1] ?? 0;
  const kib = outcomes.reduce((sum, outcome) => sum + outcome.log.tail.length, 0) / 1024;
  const totalMs = times.reduce((sum, ms) => sum + ms, 0);
  console.log(
    `\nTime per tail: median ${median.toFixed(2)} ms, worst ${worst.toFixed(2)} ms (${kib.toFixed(0)} KiB in ${totalMs.toFixed(1)} ms)`,
  );
}

function main(): void {
  const logs = loadLabelledLogs();
  logs.forEach((log) => classifyFailure({ stepResult: 'FAILED', logTail: log.tail }));
  const outcomes = logs.map(classifyTimed);
  printAccuracy('real', outcomes);
  printAccuracy('pipelines', outcomes);
  printMisses(outcomes);
  printTiming(outcomes);
}

main();
