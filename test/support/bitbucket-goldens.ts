/**
 * Golden outputs of the Bitbucket mappers on the captured responses in test/fixtures/bitbucket/. Each fixture maps
 * item by item to the domain value or to the error message, so a diff of the golden file shows a behaviour change.
 * Rewrite with `UPDATE_GOLDENS=1 npx jest test/bitbucket` or `npx tsx test/support/regenerate-goldens.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { pipelineFromApi, stepFromApi } from '../../src/bitbucket/mappers';

export const FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'bitbucket');
export const GOLDEN_DIR = join(FIXTURES_DIR, 'golden');

const capture = z.union([z.array(z.unknown()), z.object({ values: z.array(z.unknown()) })]);

/** The items of a captured response: a bare array or a page's `values`. */
export function loadCapture(file: string): unknown[] {
  const parsed = capture.parse(JSON.parse(readFileSync(join(FIXTURES_DIR, file), 'utf8')));
  return Array.isArray(parsed) ? parsed : parsed.values;
}

type Mapper = (raw: unknown, index: number) => unknown;

/**
 * DevLake's `fields=` filter dropped `build_number`, which the app requires (a pipeline without it is malformed,
 * see mappers.test.ts); its golden adds a made-up `build_number` (index + 1) so the rest of the mapping is shown.
 */
function withBuildNumber(raw: unknown, index: number): unknown {
  return raw !== null && typeof raw === 'object' ? { ...raw, build_number: index + 1 } : raw;
}

export const GOLDEN_CASES: ReadonlyArray<{ fixture: string; golden: string; mapper: Mapper }> = [
  { fixture: 'faros-pipelines-values.json', golden: 'faros-pipelines', mapper: pipelineFromApi },
  {
    fixture: 'devlake-pipelines-fields-filtered.json',
    golden: 'devlake-pipelines-with-build-number',
    mapper: (raw, i) => pipelineFromApi(withBuildNumber(raw, i)),
  },
  {
    fixture: 'faros-pipeline-steps-values.json',
    golden: 'faros-pipeline-steps',
    mapper: (raw) => stepFromApi(raw),
  },
  {
    fixture: 'devlake-pipeline-steps-fields-filtered.json',
    golden: 'devlake-pipeline-steps',
    mapper: (raw) => stepFromApi(raw),
  },
];

export type GoldenItem = { ok: unknown } | { error: string };

export function mapCapture(fixture: string, mapper: Mapper): GoldenItem[] {
  return loadCapture(fixture).map((raw, index) => {
    try {
      return { ok: mapper(raw, index) };
    } catch (error) {
      return {
        error: `${error instanceof Error ? error.name : 'Error'}: ${String(error instanceof Error ? error.message : error)}`,
      };
    }
  });
}

export const goldenPath = (golden: string): string => join(GOLDEN_DIR, `${golden}.golden.json`);

export function renderGolden(items: GoldenItem[]): string {
  return `${JSON.stringify(items, null, 2)}\n`;
}

export function writeGoldens(): string[] {
  return GOLDEN_CASES.map(({ fixture, golden, mapper }) => {
    const path = goldenPath(golden);
    writeFileSync(path, renderGolden(mapCapture(fixture, mapper)));
    return path;
  });
}
