/**
 * The labelled log fixtures in `test/fixtures/logs/`: real CI logs (`labels.tsv`) and Pipelines-style tails
 * (`pipelines/labels.tsv`). Shared by the classifier tests and `bench/classifier.ts`.
 */
import { createHash } from 'node:crypto';
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
  /** Real logs only: held out from rule writing (see `heldOutFiles`). */
  heldOut: boolean;
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

export function isCategory(value: string): value is FailureCategory {
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
      const tail = readTail(join(baseDir, file));
      const log: LabelledLog = { set, file: relative, category, tail, heldOut: false };
      if (cause !== '') log.cause = cause;
      return log;
    });
}

/** The share of each category's real logs held out from rule writing. */
const HELD_OUT_SHARE = 1 / 3;

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The held-out part of the real logs, chosen without looking at them: within each category, files ordered by the
 * SHA-256 of their path, and the first third (rounded up) held out. New rules are written from the other part only,
 * so the bench can show accuracy on logs no rule was written from beside the in-sample figure. The rules that
 * predate the split were written from all of them, so the held-out figure flatters those.
 */
export function heldOutFiles(logs: ReadonlyArray<Pick<LabelledLog, 'file' | 'category'>>): Set<string> {
  const byCategory = new Map<string, string[]>();
  for (const log of logs) byCategory.set(log.category, [...(byCategory.get(log.category) ?? []), log.file]);
  const held = new Set<string>();
  for (const files of byCategory.values()) {
    const ordered = [...files].sort((a, b) => sha256(a).localeCompare(sha256(b)));
    ordered.slice(0, Math.ceil(files.length * HELD_OUT_SHARE)).forEach((file) => held.add(file));
  }
  return held;
}

export function loadLabelledLogs(): LabelledLog[] {
  const pipelinesDir = join(LOG_FIXTURES_DIR, 'pipelines');
  const real = readLabels('real', join(LOG_FIXTURES_DIR, 'labels.tsv'), LOG_FIXTURES_DIR);
  const held = heldOutFiles(real);
  return [
    ...real.map((log) => ({ ...log, heldOut: held.has(log.file) })),
    ...readLabels('pipelines', join(pipelinesDir, 'labels.tsv'), pipelinesDir),
  ];
}
