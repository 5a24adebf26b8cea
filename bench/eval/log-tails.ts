/**
 * What a failed step's log ends with: real CI log tails for build, dependency and infrastructure failures
 * (`test/fixtures/eval/log-tails/`, provenance in its `labels.tsv`), Pipelines' own phrases, and the closing lines
 * each test runner prints when tests failed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_DIR } from './names';

export type TailCategory = 'build' | 'dependency' | 'infrastructure' | 'timeout' | 'configuration';

export interface LogTail {
  file: string;
  category: TailCategory;
  cause: string;
  text: string;
}

let cached: LogTail[] | undefined;
export function logTails(): LogTail[] {
  if (cached) return cached;
  const dir = path.join(FIXTURE_DIR, 'log-tails');
  const rows = readFileSync(path.join(dir, 'labels.tsv'), 'utf8').trim().split('\n').slice(1);
  cached = rows.map((row) => {
    const [file = '', category = '', cause = ''] = row.split('\t');
    return {
      file,
      category: category as TailCategory,
      cause,
      text: readFileSync(path.join(dir, file), 'utf8').trimEnd(),
    };
  });
  return cached;
}

export function tailsOf(category: TailCategory, cause?: string): LogTail[] {
  const found = logTails().filter(
    (t) => t.category === category && (cause === undefined || t.cause === cause),
  );
  if (found.length === 0) throw new Error(`no log tail for ${category}${cause ? `/${cause}` : ''}`);
  return found;
}

/** The line a test runner ends with when `failed` of `total` tests failed. */
export function runnerSummary(family: string, failed: number, total: number, seconds: number): string {
  const passed = total - failed;
  switch (family) {
    case 'pytest':
      return `${'='.repeat(20)} ${failed} failed, ${passed} passed in ${seconds.toFixed(2)}s ${'='.repeat(20)}`;
    case 'junit':
      return `[ERROR] Tests run: ${total}, Failures: ${failed}, Errors: 0, Skipped: 0\n[ERROR] There are test failures.\n[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test): There are test failures.`;
    case 'go':
      return `FAIL\nFAIL\tgithub.com/acme/service/internal\t${seconds.toFixed(3)}s\nFAIL`;
    case 'rspec':
      return `Finished in ${seconds.toFixed(2)} seconds\n${total} examples, ${failed} failures`;
    case 'dotnet':
      return `Failed!  - Failed:     ${failed}, Passed:   ${passed}, Skipped:     0, Total:   ${total}`;
    case 'phpunit':
      return `FAILURES!\nTests: ${total}, Assertions: ${total * 3}, Failures: ${failed}.`;
    case 'xctest':
      return `Executed ${total} tests, with ${failed} failures (0 unexpected) in ${seconds.toFixed(3)} seconds\n** TEST FAILED **`;
    case 'mocha':
      return `  ${passed} passing (${Math.round(seconds)}s)\n  ${failed} failing`;
    case 'nextest':
      return `     Summary [${seconds.toFixed(3)}s] ${total} tests run: ${passed} passed, ${failed} failed, 0 skipped\nerror: test run failed`;
    default:
      return `Tests:       ${failed} failed, ${passed} passed, ${total} total\nnpm ERR! Lifecycle script \`test\` failed with error: code 1`;
  }
}

/** What a test says when the service it needs went away (an outage, not the test's fault). */
export const OUTAGE_MESSAGES = [
  'psycopg2.OperationalError: connection to server at "localhost" (127.0.0.1), port 5432 failed: Connection refused',
  'Error: connect ECONNREFUSED 127.0.0.1:6379\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
  'java.net.ConnectException: Connection refused (Connection refused)\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)',
  'dial tcp 127.0.0.1:5432: connect: connection refused',
];
