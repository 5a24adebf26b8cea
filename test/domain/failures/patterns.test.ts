import { classifyFailure } from '../../../src/domain/failures/classify';
import { FAILURE_RULES } from '../../../src/domain/failures/patterns';

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
  ],
  'agent-channel-closed': [
    'hudson.remoting.ChannelClosedException: Channel "hudson.remoting.Channel@1b2c": Remote call failed',
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
  ],
  'go-test-binary-timeout': ['panic: test timed out after 10m0s'],
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
  ],
  'network-npm': ['npm ERR! code ENOTFOUND'],
  'network-upstream-unavailable': [
    'error pulling image configuration: received unexpected HTTP status: 503 Service Unavailable',
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
    'An error occurred (AccessDenied) when calling the UpdateService operation: User is not authorized',
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
  ],
  'java-compile-error-line': [
    '[ERROR] /builds/app/src/main/java/com/acme/App.java:[12,8] cannot find symbol',
  ],
  'go-compile-error': [
    'internal/terraform/context_plan2_test.go:559:42: undefined: plans.ResourceInstanceReadBecauseDependencyPending',
  ],
  'go-build-failed': ['FAIL\tgithub.com/acme/app/internal/store [build failed]'],
  'msvc-compile-error': [
    "C:\\src\\XpuptiActivityApi.cpp(253): error C2065: 'PTI_VIEW_COMMUNICATION': undeclared identifier",
  ],
  'c-compile-error': ["src/parser.c:88:12: error: 'token' undeclared (first use in this function)"],
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
  ],
  'go-static-analysis': [
    'internal/lang/functions.go:176:17: func (*Scope).experimentalFunction is unused (U1000)',
  ],
  'style-check-failed': [
    '[warn] Code style issues found in 3 files. Forgot to run Prettier?',
    'app/models.py:10:1: F401 os imported but unused',
  ],
  'make-lint-target-failed': ['make: *** [Makefile:39: staticcheck] Error 1'],
  'test-case-failed': [
    '--- FAIL: TestCloud_config (0.00s)',
    '  ● Checkout payment › declines an expired card',
    'FAILED tests/test_sync.py::test_order_sync - AssertionError: assert 0 == 3',
    'LogDifferTest > testGithubParsing() FAILED',
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
  ],
  'test-task-failed': [
    '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.0.0-M6:test (default-test) on project x: There are test failures.',
    '> Task :app:test FAILED',
    'FAIL\tgithub.com/acme/app/internal/cloud\t0.574s',
  ],
  'test-target-failed': ['RuntimeError: test_ops 3/4 failed!'],
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
