import { classifyFailure } from '../../../src/domain/failures/classify';
import { FAILURE_RULES, TOOL_SUMMARY_GATE, TOOL_SUMMARY_RULES } from '../../../src/domain/failures/patterns';

/**
 * One realistic line per rule, in the form the tool prints it. Each must be classified by exactly that rule when it
 * ends an otherwise uneventful log, which also proves no rule is shadowed by a stronger one or by the line gate.
 */
const EXAMPLES: Record<string, string[]> = {
  'pipelines-system-error': [
    'There was an unexpected system error that may have left your step half-completed. Please rerun the step.',
  ],
  'ci-system-failure': ['ERROR: Job failed (system failure): prepare environment: waiting for pod running'],
  'pipelines-memory-limit': [
    "Container 'Build' exceeded memory limit.",
    "Service 'docker' exceeded memory limit.",
  ],
  'node-heap-out-of-memory': [
    'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  ],
  'jvm-out-of-memory': ['Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'],
  'process-out-of-memory': [
    'fatal error: runtime: out of memory',
    'c++: fatal error: Killed signal terminated program cc1plus',
    'MemoryError',
  ],
  'gradle-daemon-vanished': [
    'Gradle build daemon disappeared unexpectedly (it may have been killed or may have crashed)',
  ],
  'docker-daemon-unreachable': [
    'docker: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?.',
  ],
  'killed-or-exit-137': [
    'bash: line 9:   412 Killed                  ./gradlew build --no-daemon',
    'Killed',
    'error Command failed with exit code 137.',
  ],
  'disk-full': [
    'write /var/lib/docker/tmp/GetImageBlob123: no space left on device',
    'npm error nospc ENOSPC: no space left on device, write',
  ],
  'docker-pull-rate-limit': [
    'Error response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
  ],
  'runner-shutdown': [
    '##[error]The runner has received a shutdown signal. This can happen when the runner service is stopped.',
    'The hosted runner: GitHub Actions 12 lost communication with the server.',
    'Agent linux-build-07 went offline during the build',
    'The hosted runner encountered an error while running your job. (Error Type: Disconnect).',
    '🚨 Error: The command exited with status -1 (agent lost)',
  ],
  'agent-channel-closed': [
    'hudson.remoting.ChannelClosedException: Channel "hudson.remoting.Channel@1b2c": Remote call failed',
    'FATAL: hudson.remoting.Channel$OrderlyShutdown: Command Close created at',
  ],
  'pod-failed': [
    'Message:        The node was low on resource: ephemeral-storage.',
    'ERROR: Job failed (prepare environment): waiting for pod running: timed out waiting for pod to start',
  ],
  'pipelines-build-time-limit': ['Exceeded build time limit of 120 minutes'],
  'job-timed-out': [
    "##[error]The action 'Test' has timed out after 360 minutes.",
    'Build timed out (after 60 minutes). Marking the build as failed.',
  ],
  'job-max-run-time': [
    '[taskcluster:error] Task aborted - max run time exceeded',
    'ERROR: Job failed: execution took longer than 1h0m0s seconds',
    'Too long with no output (exceeded 10m0s): context deadline exceeded',
    'The job running on runner GitHub Actions 3 has exceeded the maximum execution time of 360 minutes.',
    'The job exceeded the maximum time limit for jobs, and has been terminated.',
  ],
  'context-deadline-exceeded': ['Error: context deadline exceeded'],
  'network-dns': [
    "fatal: unable to access 'https://bitbucket.org/acme/app.git/': Could not resolve host: bitbucket.org",
    'getaddrinfo EAI_AGAIN registry.npmjs.org',
  ],
  'network-tls-handshake': [
    'Get "https://proxy.golang.org/github.com/x/y/@v/list": net/http: TLS handshake timeout',
  ],
  'network-connection-reset': [
    'npm error code ECONNRESET',
    'curl: (56) Recv failure: Connection reset by peer',
  ],
  'network-connection-timeout': [
    'Connect to repo.maven.apache.org:443 [repo.maven.apache.org/151.101.40.215] failed: Connection timed out',
    'dial tcp 10.0.0.12:5432: i/o timeout',
  ],
  'network-download-retries': [
    "Failed to download archive 'https://codeload.github.com/a/b/tar.gz/abc' after 3 attempts.",
  ],
  'network-git-transfer': [
    'error: RPC failed; curl 92 HTTP/2 stream 5 was not closed cleanly: CANCEL (err 8)',
    "fatal: unable to access 'https://bitbucket.org/acme/app.git/': The requested URL returned error: 502",
  ],
  'network-artifact-transfer': [
    "Could not GET 'https://repo.maven.apache.org/maven2/com/acme/lib/1.2/lib-1.2.pom'. Received status code 503 from server: Service Unavailable",
    'curl: (28) Operation timed out after 30000 milliseconds with 0 bytes received',
    'curl: (18) transfer closed with 1024 bytes remaining to read',
  ],
  'network-npm': ['npm ERR! code ENOTFOUND'],
  'network-upstream-unavailable': [
    'error pulling image configuration: received unexpected HTTP status: 503 Service Unavailable',
  ],
  'api-rate-limit': [
    'gh: API rate limit exceeded for installation ID 4213. (HTTP 403)',
    'npm error 429 Too Many Requests - GET https://registry.npmjs.org/left-pad',
  ],
  'pipelines-config-not-found': ['bitbucket-pipelines.yml not found.'],
  'pipelines-config-invalid': [
    'The bitbucket-pipelines.yml file is invalid: unknown key "scripts" at line 12',
  ],
  'yaml-syntax-error': ['yaml: line 14: mapping values are not allowed in this context'],
  'variable-unbound': ['./deploy.sh: line 14: AWS_ECR_REPOSITORY: unbound variable'],
  'variable-not-set': [
    'ERROR: Environment variable SONAR_TOKEN is not set.',
    'Error: $DEPLOY_KEY is not set',
  ],
  'docker-image-not-found': [
    "Error response from daemon: pull access denied for acme/builder, repository does not exist or may require 'docker login'",
  ],
  'ssh-access-denied': ['git@bitbucket.org: Permission denied (publickey).', 'Host key verification failed.'],
  'git-ref-not-found': [
    "fatal: couldn't find remote ref refs/heads/feature/checkout",
    'fatal: Remote branch release/2.4 not found in upstream origin',
  ],
  'git-describe-no-tags': [
    "fatal: No tags can describe '60a189413d732eccd0158591618422c7cad1aed7'.",
    'fatal: No names found, cannot describe anything.',
  ],
  'git-unsafe-repository': [
    "fatal: unsafe repository ('/github/workspace' is owned by someone else)",
    "fatal: detected dubious ownership in repository at '/builds/acme/app'",
  ],
  'ci-entrypoint-missing': [
    'No Rakefile found (looking for: rakefile, Rakefile, rakefile.rb, Rakefile.rb)',
    'npm ERR! missing script: test',
    'npm error Missing script: "e2e"',
    'error Command "e2e" not found.',
    "make: *** No rule to make target 'check'.  Stop.",
    'make: *** No targets specified and no makefile found.  Stop.',
    "Task 'integrationTest' not found in root project 'app'.",
    '[ERROR] The goal you specified requires a project to execute but there is no POM in this directory (/builds/acme). Please verify you invoked Maven from the correct directory. -> [Help 1]',
  ],
  'cloud-permission-denied': [
    'An error occurred (AccessDenied) when calling the UpdateService operation: User is not authorized',
    'User: arn:aws:sts::308535385114:assumed-role/gha_workflow_s3_and_ecr_read_only/gha-ecr-login is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::gha-artifacts/x"',
    'Credentials could not be loaded, please check your action inputs: Could not load credentials from any providers',
    'Unable to locate credentials. You can configure credentials by running "aws configure".',
    "ERROR: (gcloud.run.deploy) PERMISSION_DENIED: Permission 'run.services.get' denied on resource 'namespaces/acme/services/web' (or resource may not exist).",
  ],
  'command-not-found': ['bash: yarn: command not found'],
  'kubectl-rollout-failed': [
    'error: deployment "web" exceeded its progress deadline',
    'Error from server (Forbidden): deployments.apps "web" is forbidden: User "ci" cannot patch resource',
  ],
  'helm-release-failed': [
    'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress',
  ],
  'terraform-apply-failed': ['│ Error: creating S3 Bucket (acme-assets): BucketAlreadyExists'],
  'aws-cli-error': [
    'An error occurred (ServiceNotFoundException) when calling the UpdateService operation: Service not found.',
    'Waiter ServicesStable failed: Max attempts exceeded',
  ],
  'deployment-failed': ['✖ Deployment failed.'],
  'npm-install-failed': [
    'npm ERR! code ERESOLVE',
    'npm error 404 Not Found - GET https://registry.npmjs.org/@acme%2fui-kit - Not found',
  ],
  'yarn-pnpm-install-failed': [
    'ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because pnpm-lock.yaml is not up to date',
    'error Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`.',
  ],
  'pip-install-failed': [
    'ERROR: No matching distribution found for tensorflow==2.99.0',
    'ERROR: Failed building wheel for psycopg2',
    'PackagesNotFoundError: The following packages are not available from current channels:',
    "SolverProblemError: Because acme depends on requests (^3.0) which doesn't match any versions, version solving failed.",
  ],
  'jvm-dependency-resolution': [
    '[ERROR] Failed to execute goal on project api: Could not resolve dependencies for project com.acme:api:jar:1.0.0',
    "> Could not resolve all files for configuration ':app:runtimeClasspath'.",
  ],
  'go-module-failed': [
    'go: github.com/acme/lib@v1.4.0: reading github.com/acme/lib/go.mod at revision v1.4.0: unknown revision v1.4.0',
    'main.go:5:2: missing go.sum entry for module providing package github.com/acme/lib',
  ],
  'other-package-manager-failed': ["Could not find gem 'rails (~> 8.1)' in locally installed gems."],
  'typescript-compile-error': [
    "src/api/client.ts(42,7): error TS2322: Type 'string' is not assignable to type 'number'.",
  ],
  'java-compile-error': [
    '[ERROR] COMPILATION ERROR : ',
    "Execution failed for task ':app:compileJava'.",
    'src/main/java/com/acme/App.java:12: error: cannot find symbol',
    'e: /builds/app/src/main/kotlin/Cart.kt: (12, 5): Unresolved reference: coupon',
    '[error] /builds/app/src/main/scala/Cart.scala:10:8: not found: value coupon',
  ],
  'java-compile-error-line': [
    '[ERROR] /builds/app/src/main/java/com/acme/App.java:[12,8] cannot find symbol',
  ],
  'go-compile-error': [
    'internal/terraform/context_plan2_test.go:559:42: undefined: plans.ResourceInstanceReadBecauseDependencyPending',
    'internal/command/cliconfig/credentials_test.go:112:4: undeclared name: os (typecheck)',
  ],
  'go-build-failed': ['FAIL\tgithub.com/acme/app/internal/store [build failed]'],
  'msvc-compile-error': [
    "C:\\src\\XpuptiActivityApi.cpp(253): error C2065: 'PTI_VIEW_COMMUNICATION': undeclared identifier",
  ],
  'c-compile-error': [
    "src/parser.c:88:12: error: 'token' undeclared (first use in this function)",
    "../vendor/github.com/acme/sys/sys_darwin.go:12:10: fatal error: 'libproc.h' file not found",
  ],
  'ninja-object-failed': [
    'FAILED: [code=2] third_party/kineto/CMakeFiles/kineto_base.dir/src/ActivityType.cpp.obj',
  ],
  'rust-swift-compile-error': ['error[E0425]: cannot find value `config` in this scope'],
  'bundler-compile-error': [
    "Module not found: Error: Can't resolve './theme' in '/opt/atlassian/pipelines/agent/build/src'",
  ],
  'eslint-errors': [
    '✖ 2 problems (2 errors, 0 warnings)',
    "  12:10  error  'RetryPolicy' is defined but never used  no-unused-vars",
    '✖ 3 problems (3 errors, 0 warnings)',
    'ERROR: /home/ci/build/src/compiler/checker.ts:20269:48 boolean-trivia Tag argument with parameter name',
    'ERROR: src/app.ts[12, 7]: Missing semicolon',
  ],
  'go-static-analysis': [
    'internal/lang/functions.go:176:17: func (*Scope).experimentalFunction is unused (U1000)',
    'internal/store/save.go:42:12: Error return value of `tx.Rollback` is not checked (errcheck)',
  ],
  'style-check-failed': [
    '[warn] Code style issues found in 3 files. Forgot to run Prettier?',
    'app/models.py:10:1: F401 os imported but unused',
    'app/models.py:1:0: C0114: Missing module docstring (missing-module-docstring)',
    'Found 4 errors.',
    'ERROR: /builds/app/cart/views.py Imports are incorrectly sorted and/or formatted.',
    '[ERROR] /builds/app/src/main/java/com/acme/Cart.java:12:5: Missing a Javadoc comment. [MissingJavadocMethod]',
    'docs/README.md:29 MD012/no-multiple-blanks Multiple consecutive blank lines [Expected: 1; Actual: 2]',
    '  ^-- SC2086 (info): Double quote to prevent globbing and word splitting.',
  ],
  'make-lint-target-failed': ['make: *** [Makefile:39: staticcheck] Error 1'],
  'test-case-failed': [
    '--- FAIL: TestCloud_config (0.00s)',
    '  ● Checkout payment › declines an expired card',
    'FAILED tests/test_sync.py::test_order_sync - AssertionError: assert 0 == 3',
    'LogDifferTest > testGithubParsing() FAILED',
    '_______________________ TestCart.test_apply_coupon[visa] ________________________',
    '[  FAILED  ] CartTest.AppliesCoupon (12 ms)',
    '//services/cart:cart_test                                       FAILED in 3.2s',
    'TEST-UNEXPECTED-FAIL | browser_console.js | Test timed out',
  ],
  'test-run-summary': [
    'Tests:       1 failed, 148 passed, 149 total',
    '==================== 2 failed, 210 passed in 31.20s ====================',
    '1 failed, 77 passed in 12.84s',
    '[ERROR] Tests run: 7147, Failures: 1, Errors: 0, Skipped: 7',
    '  3 failing',
    '854 examples, 1 failure',
    '24 runs, 113 assertions, 2 failures, 7 errors, 0 skips',
    'FAILED (failures=2, errors=1)',
    '1829 specs, 3 failures',
    '12 scenarios (1 failed, 11 passed)',
    '84 tests, 2 failures',
    'Executed 12 tests, with 1 failure (0 unexpected) in 0.514 (0.530) seconds',
    '92% tests passed, 2 tests failed out of 25',
    '  1 failed',
  ],
  'test-task-failed': [
    '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.0.0-M6:test (default-test) on project x: There are test failures.',
    '> Task :app:test FAILED',
    'FAIL\tgithub.com/acme/app/internal/cloud\t0.574s',
  ],
  'test-target-failed': ['RuntimeError: test_ops 3/4 failed!'],
  'test-runner-timeout': [
    '    thrown: "Exceeded timeout of 5000 ms for a test.',
    '     Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure "done()" is called',
    'panic: test timed out after 10m0s',
    '+++++++++++++++++++++++++++++++++++ Timeout ++++++++++++++++++++++++++++++++++++',
  ],
  'test-process-crashed': [
    'Fatal Python error: Segmentation fault',
    '==4211==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010',
    'panic: runtime error: index out of range [3] with length 3 [recovered]',
  ],
};

const uneventful = ['+ ./scripts/ci.sh', 'Running step for acme/app', 'Done preparing environment'].join(
  '\n',
);

describe('FAILURE_RULES table', () => {
  it('has unique ids, a description and non-stateful patterns', () => {
    const ids = FAILURE_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of FAILURE_RULES) {
      expect(rule.description.length).toBeGreaterThan(10);
      expect(rule.pattern.global || rule.pattern.sticky).toBe(false);
    }
  });

  it('has an example for every rule, and no example for a rule that does not exist', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(FAILURE_RULES.map((rule) => rule.id).sort());
  });

  const cases = Object.entries(EXAMPLES).flatMap(([id, lines]) => lines.map((line) => [id, line] as const));
  it.each(cases)('%s fires on: %s', (id, line) => {
    const rule = FAILURE_RULES.find((candidate) => candidate.id === id);
    const result = classifyFailure({ stepResult: 'FAILED', logTail: `${uneventful}\n${line}\n` });
    expect(result.rule).toBe(id);
    expect(result.category).toBe(rule?.category);
    expect(result.cause).toBe(rule?.cause);
  });
});

/** One line per build tool summary, with the category it leads to when no rule names a cause. */
const SUMMARY_EXAMPLES: Record<string, Array<readonly [string, string]>> = {
  'maven-goal-failed': [
    [
      '[ERROR] Failed to execute goal org.codehaus.mojo:exec-maven-plugin:3.1.0:exec (gen) on project api: Command execution failed.',
      'build',
    ],
    [
      'Error:  Failed to execute goal com.github.eirslett:frontend-maven-plugin:1.15.0:npm (lint) on project web',
      'build',
    ],
  ],
  'maven-build-failure': [['[INFO] BUILD FAILURE', 'build']],
  'gradle-task-failed': [
    ["Execution failed for task ':app:detekt'.", 'build'],
    ["Execution failed for task ':app:publishReleasePublicationToMavenRepository'.", 'deployment'],
  ],
  'gradle-build-failed': [['BUILD FAILED in 41s', 'build']],
  'make-target-failed': [
    ['make[2]: *** [src/CMakeFiles/core.dir/build.make:76: src/core.o] Error 1', 'build'],
    ['make: *** [Makefile:31: test-unit] Error 2', 'test'],
  ],
  'ninja-build-stopped': [['ninja: build stopped: subcommand failed.', 'build']],
  'npm-script-failed': [
    ['npm ERR! Failed at the web@1.0.0 build script.', 'build'],
    ['ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL  @acme/web@1.0.0 test:e2e: `playwright test`', 'test'],
  ],
  'npm-test-failed': [['npm ERR! Test failed.  See above for more details.', 'test']],
  'ci-command-failed': [['The command "./scripts/ci/deploy.sh" exited with 1.', 'deployment']],
  'lint-failed': [['Lint failed!', 'build']],
};

describe('TOOL_SUMMARY_RULES table', () => {
  it('has an example for every summary rule', () => {
    expect(Object.keys(SUMMARY_EXAMPLES).sort()).toEqual(TOOL_SUMMARY_RULES.map((rule) => rule.id).sort());
  });

  it('lets every example through the gate', () => {
    for (const [line] of Object.values(SUMMARY_EXAMPLES).flat())
      expect(TOOL_SUMMARY_GATE.test(line)).toBe(true);
  });

  const cases = Object.entries(SUMMARY_EXAMPLES).flatMap(([id, lines]) =>
    lines.map(([line, category]) => [id, line, category] as const),
  );
  it.each(cases)('%s: %s', (id, line, category) => {
    const result = classifyFailure({ stepResult: 'FAILED', logTail: `${uneventful}\n${line}\n` });
    expect(result.rule).toBe(`context-${id}`);
    expect(result.category).toBe(category);
  });
});
