/**
 * The labelled log fixtures in `test/fixtures/logs/`: real CI logs (`labels.tsv`) and Pipelines-style tails
 * (`pipelines/labels.tsv`). Shared by the classifier tests and `bench/classifier.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailureCategory } from '../../../src/domain/types';

export const LOG_FIXTURES_DIR = join(__dirname, '..', '..', 'fixtures', 'logs');
export const GOLDEN_FILE = join(LOG_FIXTURES_DIR, 'golden.json');

/** What the product reads of a step log: its last 64 KB. */
export const LOG_TAIL_BYTES = 64 * 1024;

export type LogSet = 'real' | 'pipelines';

export interface LabelledLog {
  set: LogSet;
  /** Path relative to `test/fixtures/logs/`. */
  file: string;
  category: FailureCategory;
  /** The finer cause when the label gives one. */
  cause?: string;
  /** The log's last 64 KB decoded as UTF-8 (a cut multi-byte character becomes U+FFFD, as in production). */
  tail: string;
}

const CATEGORIES: ReadonlySet<string> = new Set<FailureCategory>([
  'test',
  'build',
  'dependency',
  'infrastructure',
  'timeout',
  'configuration',
  'deployment',
  'unknown',
]);

function isCategory(value: string): value is FailureCategory {
  return CATEGORIES.has(value);
}

export function readTail(path: string): string {
  const bytes = readFileSync(path);
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString('utf8');
}

/** Rows of a labels.tsv: `file  category  cause  ...provenance`, with a header row. */
function readLabels(set: LogSet, labelsPath: string, baseDir: string): LabelledLog[] {
  const rows = readFileSync(labelsPath, 'utf8').split('\n').slice(1);
  return rows
    .filter((row) => row.trim() !== '')
    .map((row) => {
      const [file = '', category = '', cause = ''] = row.split('\t');
      if (!isCategory(category)) throw new Error(`${labelsPath}: unknown category '${category}' for ${file}`);
      const relative = set === 'real' ? file : join('pipelines', file);
      const log: LabelledLog = { set, file: relative, category, tail: readTail(join(baseDir, file)) };
      if (cause !== '') log.cause = cause;
      return log;
    });
}

export function loadLabelledLogs(): LabelledLog[] {
  const pipelinesDir = join(LOG_FIXTURES_DIR, 'pipelines');
  return [
    ...readLabels('real', join(LOG_FIXTURES_DIR, 'labels.tsv'), LOG_FIXTURES_DIR),
    ...readLabels('pipelines', join(pipelinesDir, 'labels.tsv'), pipelinesDir),
  ];
}
