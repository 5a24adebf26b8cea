/**
 * The words failures leave behind: the last lines of a failed step's log and the messages of failed tests,
 * copied from what Pipelines, npm, Maven, Jest and JUnit print.
 */
import type { SimFailure, SimFailureKind } from './model';
import type { Rng } from './prng';
import type { Stack } from './repo-specs';

export const PHRASES = {
  oom: "Container 'Build' exceeded memory limit.",
  systemError:
    'There was an unexpected system error that may have left your step half-completed. Please rerun the step.',
  dockerRateLimit:
    'toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
  timeLimit: (minutes: number): string => `Exceeded build time limit of ${minutes} minutes`,
  configError:
    'There is an error in your bitbucket-pipelines.yml at [pipelines > branches > feature/* > 0 > step > script]. The section "script" must be a list of commands.',
} as const;

const DEPENDENCY: Record<Stack, string> = {
  node: "npm ERR! code ETARGET\nnpm ERR! notarget No matching version found for @acme/design-tokens@^4.2.0.\nnpm ERR! notarget In most cases you or one of your dependencies are requesting\nnpm ERR! notarget a package version that doesn't exist.",
  java: '[ERROR] Failed to execute goal on project payments-api: Could not resolve dependencies for project com.acme:payments-api:jar:2.14.0-SNAPSHOT: Could not find artifact com.acme:ledger-client:jar:3.1.0 in central (https://repo.maven.apache.org/maven2)',
  shell:
    'Error: Failed to query available provider packages\nCould not retrieve the list of available versions for provider hashicorp/aws: no available releases match the given constraints ~> 6.40',
};

const COMPILE: Record<Stack, string[]> = {
  node: [
    "src/checkout/CheckoutForm.tsx(87,21): error TS2345: Argument of type 'string | undefined' is not assignable to parameter of type 'string'.",
    "src/cart/price.ts(12,10): error TS2305: Module '\"../money\"' has no exported member 'roundHalfEven'.",
  ],
  java: [
    '[ERROR] COMPILATION ERROR :\n[ERROR] /opt/atlassian/pipelines/agent/build/src/main/java/com/acme/payments/refunds/RefundService.java:[142,31] cannot find symbol\n  symbol:   method settle(java.math.BigDecimal)\n  location: class com.acme.payments.ledger.Ledger',
  ],
  shell: [
    'Error: Unsupported argument\n  on modules/dns/main.tf line 14, in resource "aws_route53_record" "api":\n  14:   ttl_seconds = 300',
  ],
};

const LINT: Record<Stack, string> = {
  node: "/opt/atlassian/pipelines/agent/build/src/search/SearchBox.tsx\n  41:7  error  'query' is assigned a value but never used  @typescript-eslint/no-unused-vars\n\n✖ 1 problem (1 error, 0 warnings)",
  java: '[ERROR] src/main/java/com/acme/payments/fraud/FraudClient.java:[58,5] (imports) UnusedImports: Unused import - java.util.Optional.\n[ERROR] You have 1 Checkstyle violation.',
  shell:
    'In scripts/rotate-keys.sh line 23:\naws iam delete-access-key --access-key-id $OLD_KEY\n                                         ^------^ SC2086 (info): Double quote to prevent globbing and word splitting.',
};

export function failureFor(kind: SimFailureKind, stack: Stack, rng: Rng, maxTimeMinutes = 120): SimFailure {
  switch (kind) {
    case 'out-of-memory':
      return { kind, phrase: PHRASES.oom };
    case 'system-error':
      return { kind, phrase: PHRASES.systemError };
    case 'docker-rate-limit':
      return { kind, phrase: PHRASES.dockerRateLimit };
    case 'time-limit':
      return { kind, phrase: PHRASES.timeLimit(maxTimeMinutes) };
    case 'dependency-install':
      return { kind, phrase: DEPENDENCY[stack] };
    case 'compile':
      return { kind, phrase: rng.pick(COMPILE[stack]) };
    case 'lint':
      return { kind, phrase: LINT[stack] };
    case 'service-outage':
      return {
        kind,
        phrase:
          'Error: connect ECONNREFUSED 127.0.0.1:5432 (service container "postgres" exited with code 137)',
      };
    case 'test-failure':
      return { kind, phrase: testSummaryPhrase(stack) };
  }
}

function testSummaryPhrase(stack: Stack): string {
  switch (stack) {
    case 'node':
      return 'npm ERR! Lifecycle script `test` failed with error: code 1';
    case 'java':
      return '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project payments-api: There are test failures.';
    case 'shell':
      return 'bats: 1 test failed';
  }
}

const NODE_MESSAGES = [
  'Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: "$1,234.50"\nReceived: "$1,234.5"\n    at Object.<anonymous> (src/cart/CartSummary.test.tsx:42:31)',
  'thrown: "Exceeded timeout of 5000 ms for a test.\nAdd a timeout value to this test to increase the timeout, if this is a long-running test. See https://jestjs.io/docs/api#testname-fn-timeout."',
  'TestingLibraryElementError: Unable to find an element with the text: /saved/i. This could be because the text is broken up by multiple elements.\n    at waitForWrapper (node_modules/@testing-library/dom/dist/wait-for.js:163:27)',
  'Error: connect ECONNRESET 127.0.0.1:4010\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
];
const JAVA_MESSAGES = [
  'org.opentest4j.AssertionFailedError: expected: <1500.00> but was: <1499.99>\n\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)\n\tat com.acme.payments.ledger.LedgerServiceTest.postsDoubleEntry(LedgerServiceTest.java:88)',
  'org.awaitility.core.ConditionTimeoutException: Condition with lambda expression in com.acme.payments.webhooks.WebhookClientIT was not fulfilled within 10 seconds.',
  'org.springframework.dao.CannotAcquireLockException: could not execute statement; SQL [n/a]; nested exception is org.hibernate.exception.LockAcquisitionException',
  'java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)',
];
const SHELL_MESSAGES = ['(in test file tests/terraform.bats, line 31)\n  `[ "$status" -eq 0 ]\' failed'];

export function testFailureMessage(stack: Stack, rng: Rng): string {
  switch (stack) {
    case 'node':
      return rng.pick(NODE_MESSAGES);
    case 'java':
      return rng.pick(JAVA_MESSAGES);
    case 'shell':
      return rng.pick(SHELL_MESSAGES);
  }
}

/** What a test says when the database it needs went away mid-run (an outage, not the test's fault). */
export const OUTAGE_TEST_MESSAGE =
  'Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)';
