import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprint, normaliseMessage } from '../../../src/domain/failures/fingerprint';
import { LOG_FIXTURES_DIR } from './labelled-logs';

describe('normaliseMessage', () => {
  it.each([
    [
      'CI prefix, timestamp and line:col',
      '2022-05-11T18:05:53.1949455Z ##[error]internal/terraform/context_plan2_test.go:559:42: undefined: plans.Pending',
      'internal/terraform/context_plan2_test.go:<line>: undefined: plans.Pending',
    ],
    [
      'absolute path to basename, Maven position',
      '[ERROR] /builds/workspace/cocospoon/src/main/java/fil/MethodInsert.java:[4,26] cannot access spoon.CtStatement',
      'MethodInsert.java:<line> cannot access spoon.CtStatement',
    ],
    [
      'Windows path and MSVC position; error code kept',
      "C:\\actions-runner\\_work\\pytorch\\src\\XpuptiActivityHandlers.cpp(345): error C2065: 'activity': undeclared identifier",
      "XpuptiActivityHandlers.cpp:<line>: error C2065: 'activity': undeclared identifier",
    ],
    [
      'URL path and commit hash',
      "Failed to download archive 'https://codeload.github.com/pytorch/pytorch/tar.gz/050ce9e1226b95d6b5938bdd5e245491f7219fd8' after 3 attempts.",
      "Failed to download archive 'https://codeload.github.com/<path>' after <n> attempts.",
    ],
    [
      'go durations',
      '--- FAIL: TestCloud_config (0.00s) after 1h0m0.002824s',
      '--- FAIL: TestCloud_config (<duration>) after <duration>',
    ],
    [
      'host port and IP',
      'Connect to repo.maven.apache.org:443 [repo.maven.apache.org/151.101.40.215] failed: Connection timed out',
      'Connect to repo.maven.apache.org:<port> [repo.maven.apache.org/<ip>] failed: Connection timed out',
    ],
    [
      'temp dir, UUID, short hash, localhost port',
      'at localhost:3000 tmp /tmp/jest_rs/abc123/x.js, id {27e63c0b-2997-43e1-ba1e-7c43a3b0d9ef}, commit 9f4c2a7e1b3d',
      'at localhost:<port> tmp <tmp>, id {<uuid>}, commit <hex>',
    ],
    [
      'ANSI colours and spaced units',
      '\u001b[31mERROR\u001b[0m  took 250 ms, then 3 minutes',
      'ERROR took <duration>, then <duration>',
    ],
    [
      'a go test -json record: its Output',
      '{"Time":"2020-06-21T21:12:11.147721095-04:00","Action":"output","Package":"gotest.tools/e2e/flaky","Test":"TestFailsOften","Output":"--- FAIL: TestFailsOften (0.00s)\\n"}',
      '--- FAIL: TestFailsOften (<duration>)',
    ],
    [
      'Buildkite marker, bracketed Jenkins timestamp, mozharness clock and level',
      '\u001b_bk;t=1778142104197\u0007[2023-06-13T00:24:02.638Z] 21:47:57    ERROR -  error: linking with `cc` failed: exit status: 1',
      'error: linking with `cc` failed: exit status: <n>',
    ],
    [
      'relative paths and package names kept',
      "Cannot find module '@acme/ui-kit' from 'src/App.tsx'",
      "Cannot find module '@acme/ui-kit' from 'src/App.tsx'",
    ],
  ])('%s', (_name, line, expected) => {
    expect(normaliseMessage(line)).toBe(expected);
  });

  it('keeps short words that happen to be hex letters, and caps its output at 300 characters', () => {
    expect(normaliseMessage('added cafe deadbeef')).toBe('added cafe deadbeef');
    expect(normaliseMessage(`error: ${'word '.repeat(200)}`).length).toBe(300);
  });

  it('stays fast on adversarial input', () => {
    const start = performance.now();
    for (const unit of ['/a', 'a', '1', '--- ', '\u001b[31m', 'abc123 ', '● a '])
      normaliseMessage(unit.repeat(20_000));
    expect(performance.now() - start).toBeLessThan(50);
  });
});

describe('fingerprint', () => {
  it('is 16 hex characters and depends on the category', () => {
    const print = fingerprint('build', 'error TS2322');
    expect(print).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint('build', 'error TS2322')).toBe(print);
    expect(fingerprint('test', 'error TS2322')).not.toBe(print);
  });

  /** Real MSVC output: the same error at other lines of a file repeats; other identifiers are other failures. */
  it('tells real compiler errors apart and groups their repeats', () => {
    const log = readFileSync(join(LOG_FIXTURES_DIR, 'build', 'pytorch__msvc_compiler_error.log'), 'utf8');
    const lines = log.split('\n');
    const printOf = (needle: string, nth = 0) => {
      const line = lines.filter((candidate) => candidate.includes(needle))[nth];
      if (line === undefined) throw new Error(`no line with ${needle}`);
      return fingerprint('build', normaliseMessage(line));
    };
    const missingType = 'XpuptiActivityHandlers.cpp(343): error C4430';
    expect(printOf(missingType)).toBe(printOf('XpuptiActivityHandlers.cpp(477): error C4430'));
    expect(printOf("'activity': undeclared identifier")).not.toBe(printOf("'logger': undeclared identifier"));
    expect(printOf(missingType)).not.toBe(printOf('XpuptiActivityHandlers.cpp(343): error C2143'));
  });

  it('groups one failure logged by go test -json in one run and as plain text in another', () => {
    const json = (time: string) =>
      `{"Time":"${time}","Action":"output","Package":"example.com/store","Test":"TestSave","Output":"--- FAIL: TestSave (0.31s)\\n"}`;
    const plain = '2024-03-09T23:59:59.9999999Z --- FAIL: TestSave (0.12s)';
    const printOf = (line: string) => fingerprint('test', normaliseMessage(line));
    expect(printOf(json('2024-03-01T10:00:00.1Z'))).toBe(printOf(json('2024-03-02T11:00:00.2Z')));
    expect(printOf(json('2024-03-01T10:00:00.1Z'))).toBe(printOf(plain));
    expect(printOf(plain.replace('TestSave', 'TestLoad'))).not.toBe(printOf(plain));
  });

  it('groups a Maven error whether Maven printed it or GitHub Actions rendered it', () => {
    const maven = '[ERROR] /builds/ws/src/main/java/com/acme/App.java:[12,8] cannot find symbol';
    const actions =
      '2024-03-09T23:59:59.9999999Z Error:  /home/runner/work/src/main/java/com/acme/App.java:[14,8] cannot find symbol';
    expect(fingerprint('build', normaliseMessage(maven))).toBe(
      fingerprint('build', normaliseMessage(actions)),
    );
  });

  it('groups the same failure from two runs whose times, paths, durations and hashes differ', () => {
    const runA =
      '2024-03-01T10:00:00.123Z ##[error]/home/runner/work/_temp/3f2a/app/src/api.test.ts: Tests failed after 12.3s on commit a1b2c3d4e5f6 (build 1412)';
    const runB =
      '2024-03-09T23:59:59.999Z ##[error]/builds/ws/app-77/src/api.test.ts: Tests failed after 9.8s on commit 0f9e8d7c6b5a (build 1530)';
    expect(fingerprint('test', normaliseMessage(runA))).toBe(fingerprint('test', normaliseMessage(runB)));
    const otherFile = runB.replace('api.test.ts', 'cart.test.ts');
    expect(fingerprint('test', normaliseMessage(otherFile))).not.toBe(
      fingerprint('test', normaliseMessage(runA)),
    );
  });
});
