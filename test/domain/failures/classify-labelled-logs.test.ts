/**
 * Every labelled log in test/fixtures/logs must get its label, and the full set of classifications must equal the
 * committed golden file, so a rule change shows up as a diff. Regenerate the golden after a deliberate change with
 * `UPDATE_GOLDEN=1 npx jest test/domain/failures/classify-labelled-logs`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { classifyFailure } from '../../../src/domain/failures/classify';
import type { FailureCause, FailureClassification } from '../../../src/domain/types';
import { GOLDEN_FILE, heldOutFiles, loadLabelledLogs } from './labelled-logs';

const logs = loadLabelledLogs();
const classifications: Record<string, FailureClassification> = Object.fromEntries(
  logs.map((log) => [log.file, classifyFailure({ stepResult: 'FAILED', logTail: log.tail })]),
);

/** The label's finer cause, when it is one the product reports (a label may be finer, e.g. `collection-error`). */
const REPORTED_CAUSES: ReadonlySet<string> = new Set<FailureCause>([
  'out-of-memory',
  'network',
  'docker-rate-limit',
  'system-error',
  'disk-full',
  'runner',
  'time-limit',
  'compile',
  'lint',
  'test-failure',
  'missing-config',
  'invalid-config',
  'install',
  'deploy',
]);

describe('classifyFailure on labelled logs', () => {
  it('has both real logs and Pipelines-style tails', () => {
    expect(logs.filter((log) => log.set === 'real').length).toBeGreaterThanOrEqual(28);
    expect(logs.filter((log) => log.set === 'pipelines').length).toBeGreaterThanOrEqual(20);
  });

  it('holds out a third of each category of real logs, chosen by a hash of the path', () => {
    const real = logs.filter((log) => log.set === 'real');
    const held = real.filter((log) => log.heldOut);
    for (const category of new Set(real.map((log) => log.category))) {
      const inCategory = real.filter((log) => log.category === category);
      expect(held.filter((log) => log.category === category)).toHaveLength(Math.ceil(inCategory.length / 3));
    }
    expect(held.map((log) => log.file).sort()).toEqual([
      'build/gotestsum__go-test-build-failed.out',
      'build/pytorch__msvc_compiler_error.log',
      'dependency/pytorch__pip_wheel_build_failure.log',
      'infrastructure/cidiff__Build_Terraform_CLI_Packages___run380.fail.log',
      'infrastructure/pytorch__action_archive_download_failure.log',
      'test/cidiff__commonslang_2089.fail.log',
      'test/cirunner__rspec.log',
      'test/gojunitreport__014-panic.log',
      'test/gotestsum__go-test-json-flaky-rerun.out',
      'test/treeherder__mochitest-fail.log',
      'timeout/treeherder__taskcluster-timeout.log',
    ]);
    // Adding a log to one category moves no other category's split.
    const extra = heldOutFiles([...real, { file: 'build/new.log', category: 'build' }]);
    const outsideBuild = (files: string[]) => files.filter((file) => !file.startsWith('build/')).sort();
    expect(outsideBuild([...extra])).toEqual(outsideBuild(held.map((log) => log.file)));
  });

  it.each(logs.map((log) => [log.file, log] as const))('%s', (file, log) => {
    const result = classifications[file];
    expect(result?.category).toBe(log.category);
    if (log.cause !== undefined && REPORTED_CAUSES.has(log.cause)) expect(result?.cause).toBe(log.cause);
    expect(result?.message?.length ?? 0).toBeGreaterThan(0);
    expect(result?.message?.length ?? 0).toBeLessThanOrEqual(300);
  });

  it('matches the golden classifications', () => {
    if (process.env.UPDATE_GOLDEN === '1') {
      writeFileSync(GOLDEN_FILE, `${JSON.stringify(classifications, null, 2)}\n`);
    }
    const golden: unknown = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8'));
    expect(classifications).toEqual(golden);
  });
});
