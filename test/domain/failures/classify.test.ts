import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyFailure, type ClassifyFailureInput } from '../../../src/domain/failures/classify';
import { LOG_FIXTURES_DIR, readTail } from './labelled-logs';

/** A few lines of ordinary Pipelines output around a tool's failure output. */
function pipelinesTail(...body: string[]): string {
  return [
    '+ umask 000',
    '+ GIT_LFS_SKIP_SMUDGE=1 retry 6 git clone --branch="main" --depth 50 https://x-token-auth:$REPOSITORY_OAUTH_ACCESS_TOKEN@bitbucket.org/$BITBUCKET_REPO_FULL_NAME.git $BUILD_DIR',
    "Cloning into '/opt/atlassian/pipelines/agent/build'...",
    '+ git reset --hard 9f4c2a7e1b3d',
    'HEAD is now at 9f4c2a7 Merge pull request #412 from feature/checkout',
    'Cache "node": Downloading',
    'Cache "node": Extracted in 4 seconds',
    ...body,
  ].join('\n');
}

function classifyTail(logTail: string, extra: Partial<ClassifyFailureInput> = {}) {
  return classifyFailure({ stepResult: 'FAILED', logTail, ...extra });
}

const JEST_FAILURE = [
  '+ npx jest --ci',
  'FAIL src/checkout/__tests__/payment.test.ts',
  '  ● Checkout payment › declines an expired card',
  'Tests:       1 failed, 148 passed, 149 total',
];

describe('classifyFailure: Bitbucket Pipelines phrases', () => {
  it.each([
    [
      "Container 'Build' exceeded memory limit.",
      [
        '+ npm run build',
        '> webpack --mode production',
        '<s> [webpack.Progress] 72% sealing asset processing TerserPlugin',
      ],
      'infrastructure',
      'out-of-memory',
    ],
    [
      "Service 'docker' exceeded memory limit.",
      [
        '+ docker build -t app:$BITBUCKET_COMMIT .',
        'Step 5/14 : RUN npm ci && npm run build',
        ' ---> Running in 0b5e8f2d1a44',
      ],
      'infrastructure',
      'out-of-memory',
    ],
    [
      'Exceeded build time limit of 120 minutes',
      [
        '+ npx playwright test',
        'Running 214 tests using 2 workers',
        '  ✓   1 [chromium] › auth/login.spec.ts:12:5 › logs in (4.2s)',
      ],
      'timeout',
      'time-limit',
    ],
    [
      'There was an unexpected system error that may have left your step half-completed. If the problem persists, contact support.',
      ['+ ./scripts/ci/unit-tests.sh', 'ok   pkg/api        3.412s'],
      'infrastructure',
      'system-error',
    ],
    [
      'Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
      ['+ docker pull postgres:16', '16: Pulling from library/postgres'],
      'infrastructure',
      'docker-rate-limit',
    ],
    ['bitbucket-pipelines.yml not found.', [], 'configuration', 'missing-config'],
  ])('%s', (phrase, before, category, cause) => {
    const result = classifyTail(pipelinesTail(...before, phrase));
    expect(result).toMatchObject({ category, cause, message: phrase.slice(0, 300) });
  });

  it('reads the phrases in the API error message of an ERROR result', () => {
    const result = classifyFailure({
      stepResult: 'ERROR',
      errorKey: 'result-service.pipeline.yml-not-found',
      errorMessage: 'bitbucket-pipelines.yml not found.',
    });
    expect(result).toMatchObject({
      category: 'configuration',
      cause: 'missing-config',
      rule: 'pipelines-config-not-found',
    });
    expect(result.message).toBe('bitbucket-pipelines.yml not found.');
  });
});

describe('classifyFailure: order of evidence', () => {
  it('reports a stopped step as unknown/stopped whatever the log says', () => {
    const result = classifyFailure({
      stepResult: 'STOPPED',
      logTail: pipelinesTail("Container 'Build' exceeded memory limit."),
    });
    expect(result).toMatchObject({ category: 'unknown', cause: 'stopped', rule: 'api-stopped' });
  });

  it('reports an expired step as timeout/expired', () => {
    expect(classifyFailure({ stepResult: 'EXPIRED' })).toMatchObject({
      category: 'timeout',
      cause: 'expired',
    });
  });

  it('calls a step that ran its whole max-time a timeout even when tests failed on the way', () => {
    const ranOut = classifyTail(pipelinesTail(...JEST_FAILURE), {
      maxTimeMinutes: 30,
      durationSeconds: 1800,
    });
    expect(ranOut).toMatchObject({ category: 'timeout', cause: 'time-limit', rule: 'api-time-limit' });
    const finishedSooner = classifyTail(pipelinesTail(...JEST_FAILURE), {
      maxTimeMinutes: 30,
      durationSeconds: 1799,
    });
    expect(finishedSooner.category).toBe('test');
  });

  it('leaves an API error message no rule knows to the log', () => {
    const result = classifyTail(pipelinesTail(...JEST_FAILURE), {
      errorKey: 'x.y',
      errorMessage: 'Something odd',
    });
    expect(result.category).toBe('test');
  });

  it('lets an infrastructure phrase override test failures printed after it', () => {
    const result = classifyTail(
      pipelinesTail(
        '+ npx jest --ci',
        'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
        ...JEST_FAILURE.slice(1),
      ),
    );
    expect(result).toMatchObject({
      category: 'infrastructure',
      cause: 'out-of-memory',
      rule: 'node-heap-out-of-memory',
    });
  });

  it('prefers the stronger of two infrastructure phrases, wherever each appears', () => {
    const result = classifyTail(
      pipelinesTail(
        'npm error code ECONNRESET',
        'There was an unexpected system error that may have left your step half-completed.',
        'npm error code ECONNRESET',
      ),
    );
    expect(result.cause).toBe('system-error');
  });

  it('takes the category from the last decisive line', () => {
    const compileThenTests = classifyTail(
      pipelinesTail(
        "src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.",
        ...JEST_FAILURE,
      ),
    );
    expect(compileThenTests.category).toBe('test');
    const testsThenCompile = classifyTail(
      pipelinesTail(
        ...JEST_FAILURE,
        "src/a.ts(1,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      ),
    );
    expect(testsThenCompile).toMatchObject({ category: 'build', cause: 'compile' });
  });

  it('reports the most telling line of the decisive category, not the wrapper after it', () => {
    const result = classifyTail(pipelinesTail(...JEST_FAILURE));
    expect(result.message).toBe('● Checkout payment › declines an expired card');
    expect(result.rule).toBe('test-case-failed');
  });

  it('ignores warnings: a retried download is not the cause', () => {
    const result = classifyTail(
      pipelinesTail(
        "##[warning]Failed to download action 'https://codeload.github.com/a/b/tar.gz/abc'. Error: The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.",
        'npm WARN retry will retry, error on last attempt: Error: socket hang up',
        ...JEST_FAILURE,
      ),
    );
    expect(result.category).toBe('test');
  });

  it('does not read echoed shell source as an error that happened', () => {
    const result = classifyTail(
      pipelinesTail(
        '+ echo "ERROR: Environment variable DEPLOY_TOKEN is not set"',
        'if [[ -z ${MOZHARNESS_CONFIG} ]]; then fail "MOZHARNESS_CONFIG is not set"; fi',
        'Process completed with exit code 1.',
      ),
    );
    expect(result.category).toBe('unknown');
  });

  it('counts a missing command only near the end of the tail', () => {
    const probe = 'bash: line 193: bc: command not found';
    const early = classifyTail(
      pipelinesTail(probe, ...Array.from({ length: 30 }, (_, i) => `[INFO] step ${i}`)),
    );
    expect(early.category).toBe('unknown');
    const last = classifyTail(pipelinesTail('+ yarn install', 'bash: yarn: command not found'));
    expect(last).toMatchObject({ category: 'configuration', rule: 'command-not-found' });
  });

  it('falls back to the test report when the log names no cause', () => {
    const tail = pipelinesTail('+ ./run-tests.sh', 'Process completed with exit code 1.');
    const withSummary = classifyTail(tail, {
      tests: { total: 10, successful: 7, failed: 2, error: 1, skipped: 0 },
    });
    expect(withSummary).toMatchObject({ category: 'test', cause: 'test-failure', rule: 'test-report' });
    expect(withSummary.message).toBe('3 failed tests in the test report');
    expect(classifyTail(tail, { failedTestCount: 1 }).category).toBe('test');
  });

  it('lets a decisive log line beat the test report', () => {
    const tail = pipelinesTail(
      '+ npm ci',
      'npm error code E404',
      'npm error 404 Not Found - GET https://registry.npmjs.org/x',
    );
    expect(classifyTail(tail, { failedTestCount: 3 }).category).toBe('dependency');
  });

  it('says unknown, without a rule, when only generic failure lines are present', () => {
    const result = classifyTail(
      pipelinesTail(
        '+ make all',
        'make: *** [Makefile:12: all] Error 2',
        '[INFO] BUILD FAILURE',
        '##[error]Process completed with exit code 2.',
      ),
    );
    expect(result.category).toBe('unknown');
    expect(result.rule).toBeUndefined();
    expect(result.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(classifyFailure({ stepResult: 'FAILED' }).category).toBe('unknown');
  });
});

describe('classifyFailure: what it reads', () => {
  it('reads a tail that starts in the middle of a UTF-8 character like the whole log', () => {
    const path = join(
      LOG_FIXTURES_DIR,
      'infrastructure',
      'cidiff__Build_Terraform_CLI_Packages___run380.fail.log',
    );
    const bytes = readFileSync(path);
    const boxChar = bytes.indexOf(Buffer.from('│'));
    const cutMidChar = bytes.subarray(boxChar + 1).toString('utf8');
    expect(cutMidChar.startsWith('\uFFFD')).toBe(true);
    const whole = classifyTail(readTail(path));
    expect(classifyTail(cutMidChar)).toEqual(whole);
    expect(whole).toMatchObject({ category: 'infrastructure', cause: 'network' });
  });

  it('strips colour codes and CI timestamps from the message and caps it at 300 characters', () => {
    const longName = 'x'.repeat(400);
    const result = classifyTail(
      `2022-05-11T18:05:53.1949455Z ##[error]\u001b[31msrc/app.ts(3,1): error TS2304: Cannot find name '${longName}'.\u001b[0m`,
    );
    expect(result.message?.startsWith("src/app.ts(3,1): error TS2304: Cannot find name 'xxx")).toBe(true);
    expect(result.message?.length).toBe(300);
  });

  it('gives the same fingerprint to the same failure in two runs', () => {
    const run = (time: string, buildDir: string, line: number) =>
      classifyTail(
        pipelinesTail(
          `${time} [ERROR] ${buildDir}/src/main/java/com/acme/App.java:[${line},8] cannot find symbol`,
          `${time} [ERROR]   symbol:   class PaymentGateway`,
        ),
      );
    const first = run('2024-03-01T10:00:00.1234567Z', '/opt/atlassian/pipelines/agent/build', 12);
    const second = run('2024-03-02T18:41:09.7654321Z', '/builds/workspace/acme-93121', 14);
    expect(first.fingerprint).toBe(second.fingerprint);
    const other = classifyTail(
      pipelinesTail('[ERROR] /b/src/main/java/com/acme/Cart.java:[3,1] cannot find symbol'),
    );
    expect(other.fingerprint).not.toBe(first.fingerprint);
  });
});
