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
        '  echo >&2 "ERROR: go.mod/go.sum are not up-to-date. Run \'go mod tidy\'."',
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

  it('says unknown, without a rule, when nothing names the cause or the work that failed', () => {
    const result = classifyTail(pipelinesTail('+ ./ci/run.sh', 'Process completed with exit code 1.'));
    expect(result.category).toBe('unknown');
    expect(result.rule).toBeUndefined();
    expect(result.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(classifyFailure({ stepResult: 'FAILED' }).category).toBe('unknown');
    expect(classifyFailure({ stepResult: 'FAILED', stepName: 'Lint' }).category).toBe('unknown');
  });
});

describe('classifyFailure: the work that failed, when no rule names the cause', () => {
  it.each([
    [
      'a Maven goal of a plugin no rule knows',
      [
        '+ mvn -B verify',
        '[INFO] BUILD FAILURE',
        '[ERROR] Failed to execute goal org.codehaus.mojo:exec-maven-plugin:3.1.0:exec (generate-sources) on project api: Command execution failed.',
      ],
      'build',
      'compile',
      'context-maven-goal-failed',
    ],
    [
      'a Gradle lint task',
      [
        '+ ./gradlew check',
        'FAILURE: Build failed with an exception.',
        "Execution failed for task ':app:lintDebug'.",
      ],
      'build',
      'lint',
      'context-gradle-task-failed',
    ],
    [
      'Gradle with nothing but its verdict',
      ['+ ./gradlew assembleRelease', 'BUILD FAILED in 2m 3s'],
      'build',
      'compile',
      'context-gradle-build-failed',
    ],
    [
      'a make target',
      ['+ make all', 'make: *** [Makefile:12: all] Error 2'],
      'build',
      'compile',
      'context-make-target-failed',
    ],
    [
      'ninja',
      [
        '+ cmake --build build',
        '[12/340] Building CXX object src/CMakeFiles/core.dir/a.cc.o',
        'ninja: build stopped: subcommand failed.',
      ],
      'build',
      'compile',
      'context-ninja-build-stopped',
    ],
    [
      'an npm lint script',
      ['+ npm run lint', 'npm error Lifecycle script `lint` failed with error:', 'npm error code 1'],
      'build',
      'lint',
      'context-npm-script-failed',
    ],
    [
      'npm test',
      ['+ npm test', 'npm ERR! Test failed.  See above for more details.'],
      'test',
      'test-failure',
      'context-npm-test-failed',
    ],
  ])('%s', (_name, lines, category, cause, rule) => {
    expect(classifyTail(pipelinesTail(...lines))).toMatchObject({ category, cause, rule });
  });

  it.each([
    ['+ npx playwright test --project=chromium', 'test'],
    ['+ ./gradlew test --no-daemon', 'test'],
    ['+ npm run lint', 'build'],
    ['+ ./scripts/deploy.sh production', 'deployment'],
    ['+ pip install -r requirements.txt', 'dependency'],
    ['+ ./gradlew --no-daemon', 'build'],
  ])('reads the failed command %s', (command, category) => {
    const result = classifyTail(pipelinesTail(command, 'some output the rules do not know'));
    expect(result).toMatchObject({ category, rule: 'context-failed-command' });
    expect(result.message).toBe(`Command failed: ${command.slice(2)}`);
  });

  it('takes the command before the failure marker, not the cleanup after it', () => {
    const tail = [
      '2024-05-02T10:00:00.0000000Z ##[group]Run npm run typecheck',
      '2024-05-02T10:00:09.0000000Z src/cart.ts: 3 problems',
      '2024-05-02T10:00:09.1000000Z ##[error]Process completed with exit code 1.',
      '2024-05-02T10:00:09.2000000Z ##[group]Run npx playwright test',
      '2024-05-02T10:00:09.3000000Z Post job cleanup.',
    ].join('\n');
    expect(classifyTail(tail)).toMatchObject({ category: 'build', cause: 'lint' });
  });

  it('does not read the build directory of the clone command as build work', () => {
    const clone = pipelinesTail().split('\n')[1] ?? '';
    expect(clone).toContain('$BUILD_DIR');
    expect(classifyTail(`${clone}\nProcess completed with exit code 128.`).category).toBe('unknown');
  });

  it('uses the step name last, and only when it names one kind of work', () => {
    const tail = pipelinesTail('+ ./ci/run.sh', 'exit status 1');
    expect(classifyTail(tail, { stepName: 'Lint' })).toMatchObject({
      category: 'build',
      cause: 'lint',
      rule: 'context-step-name',
      message: 'Step "Lint" failed',
    });
    expect(classifyTail(tail, { stepName: 'Deploy to production' }).category).toBe('deployment');
    expect(classifyTail(tail, { stepName: 'Build and test' }).category).toBe('unknown');
    expect(classifyTail(tail, { stepName: 'Step 3' }).category).toBe('unknown');
  });

  it('lets any rule, and the test report, beat the context', () => {
    expect(classifyTail(pipelinesTail('+ npm run build', ...JEST_FAILURE.slice(1))).category).toBe('test');
    const reported = classifyTail(pipelinesTail('+ npm run build', 'exit status 1'), { failedTestCount: 2 });
    expect(reported.rule).toBe('test-report');
  });
});

describe('classifyFailure: test timeouts and the step time limit', () => {
  it.each([
    ['jest', ['  ● Cart › applies a coupon', '    thrown: "Exceeded timeout of 5000 ms for a test.']],
    [
      'mocha',
      [
        '  1) Cart',
        '       applies a coupon:',
        '     Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure "done()" is called; if returning a Promise, ensure it resolves.',
      ],
    ],
    [
      'jasmine',
      [
        'Cart applies a coupon FAILED',
        '\tError: Timeout - Async function was not invoked within 5000ms (set by jasmine.DEFAULT_TIMEOUT_INTERVAL)',
      ],
    ],
    [
      'Playwright',
      ['  1) [chromium] › cart.spec.ts:12:5 › applies a coupon', '    Test timeout of 30000ms exceeded.'],
    ],
    ['pytest-timeout', ['E       Failed: Timeout >30.0s']],
    ['JUnit 4', ['org.junit.runners.model.TestTimedOutException: test timed out after 100 milliseconds']],
    [
      'surefire',
      [
        '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project api: There was a timeout in the fork',
      ],
    ],
    ['go test', ['panic: test timed out after 10m0s', 'running tests:', '\tTestSync (10m0s)']],
  ])('a %s per-test timeout is a test failure', (_runner, lines) => {
    expect(classifyTail(pipelinesTail(...lines))).toMatchObject({ category: 'test', cause: 'test-failure' });
  });

  it("is a timeout only when the step hit Bitbucket's time limit", () => {
    const hung = pipelinesTail(
      '    thrown: "Exceeded timeout of 5000 ms for a test.',
      'Exceeded build time limit of 120 minutes',
    );
    expect(classifyTail(hung)).toMatchObject({ category: 'timeout', cause: 'time-limit' });
  });
});

describe('classifyFailure: infrastructure', () => {
  it.each([
    [
      'an evicted pod',
      'Message: The node was low on resource: ephemeral-storage. Container runner was using 8Gi.',
      'runner',
    ],
    [
      'a lost Jenkins agent',
      'FATAL: hudson.remoting.Channel$OrderlyShutdown: Command Close created at',
      'runner',
    ],
    ['an API rate limit', '  "message": "API rate limit exceeded for installation ID 4213.",', 'rate-limit'],
    [
      'a git server error',
      "fatal: unable to access 'https://bitbucket.org/acme/app.git/': The requested URL returned error: 503",
      'network',
    ],
    [
      'a repository answering 503',
      '[ERROR] Failed to execute goal on project api: Could not transfer artifact com.acme:lib:pom:1.2 from/to central (https://repo.maven.apache.org/maven2): status code: 503, reason phrase: Service Unavailable (503)',
      'network',
    ],
  ])('%s', (_name, line, cause) => {
    expect(classifyTail(pipelinesTail('+ ./gradlew build', line))).toMatchObject({
      category: 'infrastructure',
      cause,
    });
  });
});

describe('classifyFailure: a crashed test run', () => {
  it.each([
    [
      'a segfault inside the test process',
      ['tests/test_codec.py::test_decode ', 'Fatal Python error: Segmentation fault'],
    ],
    [
      'a Go panic in a test',
      ['panic: runtime error: invalid memory address or nil pointer dereference [recovered]'],
    ],
    ['a Jest worker crash', ['Jest worker encountered 4 child process exceptions, exceeding retry limit']],
  ])('%s is a test failure: the code under test crashed', (_name, lines) => {
    expect(classifyTail(pipelinesTail('+ make test', ...lines))).toMatchObject({ category: 'test' });
  });

  it('is an infrastructure failure when the test process was killed from outside', () => {
    const killed = classifyTail(pipelinesTail('+ npx jest', 'PASS src/a.test.ts', 'Killed'));
    expect(killed).toMatchObject({ category: 'infrastructure', cause: 'out-of-memory' });
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

  it('reports the text of a go test -json record, not the record', () => {
    const result = classifyTail(
      readTail(join(LOG_FIXTURES_DIR, 'test', 'gotestsum__go-test-json-flaky-rerun.out')),
    );
    expect(result).toMatchObject({ category: 'test', message: '--- FAIL: TestFailsOften (0.00s)' });
  });

  it.each([
    [
      'a Maven level column',
      '[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0',
      'Tests run: 4, Failures: 1, Errors: 0, Skipped: 0',
    ],
    [
      'a Jenkins timestamp and mozharness clock',
      '[2025-02-13T11:05:32.986Z] 11:05:32     INFO - TEST-UNEXPECTED-FAIL | dom/test_a.html | got 1',
      'TEST-UNEXPECTED-FAIL | dom/test_a.html | got 1',
    ],
    [
      "pytest's heading rule",
      '_________________________ test_checkout[visa] __________________________',
      'test_checkout[visa]',
    ],
  ])('leaves %s out of the message', (_name, line, message) => {
    expect(classifyTail(pipelinesTail(line)).message).toBe(message);
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

/**
 * Excerpts of public CI logs of other projects (bench/unseen-logs.tsv, parts A and B, with their provenance there),
 * cut to the lines that decide, as the CI system printed them.
 */
describe('classifyFailure: what the CI system prints around the job', () => {
  it("stops reading at the CI system's final verdict: its epilogue is not the cause", () => {
    // Microsoft/vscode on Travis CI (LogChunks 374142911): a mocha integration test failed.
    const tail = [
      '  82 passing (16s)',
      '  1 failing',
      '  1) window namespace',
      '       editor, assign and check view columns:',
      '     AssertionError: wanted fileName:/var/folders/bb/T/dkwnjrjb/viewColumn:1 but got fileName:/var/folders/bb/T/goslwd/viewColumn:2',
      'The command "./scripts/test-integration.sh" exited with 1.',
      'store build cache',
      'nothing changed, not updating cache',
      'Done. Your build exited with 1.',
      '/Users/travis/.travis/job_stages: line 166: shell_session_update: command not found',
    ].join('\n');
    expect(classifyTail(tail)).toMatchObject({ category: 'test' });
  });

  it("reads a line that Travis CI's timing marker runs into", () => {
    // ethereum/go-ethereum on Travis CI (LogChunks 566442292): the lint command failed.
    const tail = [
      '>>> /home/travis/gopath/src/github.com/ethereum/go-ethereum/build/bin/gometalinter.v2 --vendor --tests --deadline=2m --disable-all --enable=goimports --enable=vet --enable=gofmt ./...',
      'eth/config.go:1::warning: file is not goimported (goimports)',
      'eth/config.go:1::warning: file is not gofmted with -s (gofmt)',
      'util.go:45: exit status 1',
      'exit status 1',
      'travis_time:end:0d6db824:start=1564661250086511413,finish=1564661319426204432,duration=69339693019\u001b[0KThe command "go run build/ci.go lint" exited with 1.',
      'Done. Your build exited with 1.',
    ].join('\r\n');
    expect(classifyTail(tail)).toMatchObject({ category: 'build', cause: 'lint' });
  });

  it('takes the kind of work from the script, not from the directories on its path', () => {
    const result = classifyTail(
      pipelinesTail('+ go run build/ci.go lint', 'util.go:45: exit status 1', 'exit status 1'),
    );
    expect(result).toMatchObject({ category: 'build', cause: 'lint', rule: 'context-failed-command' });
    const script = classifyTail(pipelinesTail('+ ./build/scripts/run-tests.sh', 'exit status 1'));
    expect(script).toMatchObject({ category: 'test', rule: 'context-failed-command' });
  });
});

describe('classifyFailure: configuration the pipeline relies on', () => {
  it.each([
    [
      // angular/angular on Travis CI (LogChunks 476567056): no language set, so Travis ran Ruby's default `rake`.
      'a build file the CI command expects is missing',
      [
        '$ rake',
        'rake aborted!',
        'No Rakefile found (looking for: rakefile, Rakefile, rakefile.rb, Rakefile.rb)',
        "/home/travis/.rvm/gems/ruby-2.4.1/bin/ruby_executable_hooks:15:in `eval'",
        '(See full trace by running task with --trace)',
        'The command "rake" exited with 1.',
      ],
      'missing-config',
    ],
    [
      'an npm script the pipeline calls is not defined',
      ['+ npm run e2e', 'npm error Missing script: "e2e"'],
      'missing-config',
    ],
    [
      // pytorch/pytorch on GitHub Actions (pytorch/test-infra log-classifier fixture s3_access_denied).
      'the role has no permission for a cloud call',
      [
        '##[error]Error uploading logs-test-default-5-12-linux.idc.xpu_90550893925.zip',
        '##[error]User: arn:aws:sts::308535385114:assumed-role/gha_workflow_s3_and_ecr_read_only/gha-ecr-login is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::gha-artifacts/pytorch/pytorch/30442391378/1/artifact/logs.zip"',
      ],
      'missing-config',
    ],
    [
      // pytorch/pytorch on GitHub Actions (fixture aws_credentials_load_failure).
      'cloud credentials are missing',
      [
        '##[error]Credentials could not be loaded, please check your action inputs: Could not load credentials from any providers',
        '##[error]Process completed with exit code 1.',
      ],
      'missing-config',
    ],
    [
      // hashicorp/terraform on GitHub Actions (cidiff run390): a shallow clone has no tags to describe.
      'a checkout without the history or tags the build reads',
      [
        "fatal: No tags can describe '60a189413d732eccd0158591618422c7cad1aed7'.",
        '##[error]Process completed with exit code 1.',
      ],
      'missing-config',
    ],
    [
      // A LaTeX action on GitHub Actions (cidiff cv_45): git refuses a workspace owned by another user.
      "git refuses the checkout's owner",
      [
        "fatal: unsafe repository ('/github/workspace' is owned by someone else)",
        'tar: Exiting with failure status due to previous errors',
      ],
      'invalid-config',
    ],
  ])('%s', (_name, lines, cause) => {
    expect(classifyTail(pipelinesTail(...lines))).toMatchObject({ category: 'configuration', cause });
  });

  it('does not blame the credentials of an upload that ran after the tests failed', () => {
    // pytorch/pytorch on GitHub Actions (fixture test_file_failed_wrapper): the report upload after the failure.
    const tail = [
      '2026-07-29T20:03:33.9832158Z test_cuda 1/1 failed!',
      '2026-07-29T20:03:35.0003363Z RuntimeError: test_cuda 1/1 failed!',
      '2026-07-29T20:03:35.0003736Z Failed to upload artifacts: Unable to locate credentials',
      '2026-07-29T20:03:35.0004108Z Uploading artifacts took 1.13 seconds',
    ].join('\n');
    expect(classifyTail(tail)).toMatchObject({ category: 'test' });
  });

  it("does not read npm's missing-script message quoted inside a test's name", () => {
    // nvbn/thefuck on Travis CI (LogChunks 545320732): a parametrised test whose id quotes npm's output.
    const line =
      'tests/rules/test_npm_missing_script.py::test_get_new_command[npm -i run-script buld -X POST-\\nnpm ERR! missing script: buld\\nnpm ERR!] PASSED [ 70%]';
    expect(classifyTail(pipelinesTail('+ pytest -v', line)).rule).not.toBe('ci-entrypoint-missing');
  });

  it('still calls a denied deploy call a deployment failure when it is not about permissions', () => {
    const line =
      'An error occurred (ValidationError) when calling the UpdateStack operation: Stack:arn:aws:cloudformation:eu-west-1:1:stack/app is in UPDATE_ROLLBACK_FAILED state';
    expect(classifyTail(pipelinesTail(line))).toMatchObject({ category: 'deployment' });
  });
});

describe('classifyFailure: harness summaries of other CI systems', () => {
  it('reads a Jenkins build timeout printed into the middle of a line', () => {
    // RobotLocomotion/drake on Jenkins (issue 3079): the timeout message runs into the build's own output.
    const line =
      '[drake:make] -- Installing: /home/ubuntu/workspace/linux-gcc-exBuild timed out (after 240 minutes). Marking the build as aborted.';
    expect(classifyTail(pipelinesTail(line))).toMatchObject({ category: 'timeout', cause: 'time-limit' });
  });

  it("reads mozharness' unit test summary at warning level", () => {
    // Firefox CI on Taskcluster (mozilla/treeherder sample log xpcshell-crash).
    const tail = [
      '[task 2025-02-13T21:48:23.330Z] 21:48:23     INFO -  INFO | Result summary:',
      '[task 2025-02-13T21:48:23.330Z] 21:48:23     INFO -  INFO | Passed: 1785',
      '[task 2025-02-13T21:48:23.330Z] 21:48:23  WARNING -  INFO | Failed: 25',
      '[task 2025-02-13T21:48:23.330Z] 21:48:23  WARNING -  One or more unittests failed.',
      '[task 2025-02-13T21:48:23.330Z] 21:48:23     INFO -  INFO | Todo: 0',
      '[task 2025-02-13T21:48:23.666Z] 21:48:23     INFO - Return code: 1',
      '[task 2025-02-13T21:48:23.668Z] 21:48:23  WARNING - setting return code to 2',
    ].join('\n');
    expect(classifyTail(tail)).toMatchObject({ category: 'test', cause: 'test-failure' });
  });
});
