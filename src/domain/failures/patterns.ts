/**
 * The failure-cause rules, as data. `classify.ts` reads a failed step's log tail line by line and asks this table
 * which lines are evidence of what (DESIGN.md §3 "Failures": rules are a table of patterns, tested on real logs).
 *
 * Two strengths of evidence:
 * - `override`: phrases that name a cause outside the code under test (out of memory, disk full, runner lost, the
 *   step time limit, the network). They win wherever they appear in the tail: an OOM-killed test run is an
 *   infrastructure failure, however many tests it failed on the way down.
 * - `decisive`: phrases that name the failing tool's verdict (compile error, test summary, install error...). The
 *   LAST one in the log decides the category: earlier errors are often retried, tolerated or merely printed.
 *
 * `priority` breaks ties: between override matches (the higher wins anywhere in the tail), between rules matching
 * the same line, and, once the category is decided, to pick the most telling line near the decisive one (a
 * `--- FAIL: TestX` line tells more than the `FAIL pkg 0.1s` wrapper after it).
 *
 * Every pattern runs on one line of at most `MAX_LINE_CHARS` characters, so each must be linear in line length:
 * no nested quantifiers, bounded wildcards (`.{0,120}`), and an anchor or a literal before any leading repetition.
 * The Bitbucket Pipelines phrases are those listed in PLATFORM.md ("Failure phrases seen in Pipelines logs").
 */
import type { FailureCategory, FailureCause } from '../types';

export type RuleStrength = 'override' | 'decisive';

export interface FailureRule {
  /** Stable id, reported as `FailureClassification.rule` and used in tests and goldens. */
  readonly id: string;
  readonly category: Exclude<FailureCategory, 'unknown'>;
  readonly cause?: FailureCause;
  /** Tested against one cleaned line (ANSI colours and CI timestamp prefixes removed). Never global or sticky. */
  readonly pattern: RegExp;
  readonly strength: RuleStrength;
  /** Higher is stronger; see the module comment for where it matters. */
  readonly priority: number;
  readonly description: string;
  /**
   * Weak evidence counts only this close to the end of the tail: a `command not found` early in a log is usually a
   * harmless probe, while one that fails the step (`set -e`) is among its last lines.
   */
  readonly withinLastLines?: number;
}

/** Lines are cut to this length before matching: no telling CI message is longer, and it bounds regex cost. */
export const MAX_LINE_CHARS = 2000;

const infrastructureRules: readonly FailureRule[] = [
  {
    id: 'pipelines-system-error',
    category: 'infrastructure',
    cause: 'system-error',
    pattern: /There was an unexpected system error that may have left your step half-completed/i,
    strength: 'override',
    priority: 100,
    description: 'Bitbucket Pipelines reports an internal error during the step',
  },
  {
    id: 'ci-system-failure',
    category: 'infrastructure',
    cause: 'system-error',
    pattern: /\bJob failed \(system failure\)/i,
    strength: 'override',
    priority: 100,
    description: 'The CI system itself failed the job (GitLab-style "system failure")',
  },
  {
    id: 'pipelines-memory-limit',
    category: 'infrastructure',
    cause: 'out-of-memory',
    pattern: /\b(?:Container|Service) '[^']{1,100}' exceeded memory limit/i,
    strength: 'override',
    priority: 90,
    description: "Pipelines killed the build container or a service (e.g. 'docker') for exceeding its memory",
  },
  {
    id: 'node-heap-out-of-memory',
    category: 'infrastructure',
    cause: 'out-of-memory',
    pattern: /JavaScript heap out of memory|Allocation failed - process out of memory/,
    strength: 'override',
    priority: 90,
    description: 'Node.js ran out of heap',
  },
  {
    id: 'jvm-out-of-memory',
    category: 'infrastructure',
    cause: 'out-of-memory',
    pattern: /\bOutOfMemoryError\b|\bCould not reserve enough space for (?:object heap|\d+KB)/,
    strength: 'override',
    priority: 90,
    description: 'A JVM ran out of heap or metaspace',
  },
  {
    id: 'process-out-of-memory',
    category: 'infrastructure',
    cause: 'out-of-memory',
    pattern:
      /fatal error: runtime: out of memory|\bOut of memory: Kill(?:ed)? process\b|\bOOMKilled\b|\bCannot allocate memory\b|(?:^|\s)MemoryError(?::|\s*$)|Killed signal terminated program/,
    strength: 'override',
    priority: 90,
    description: 'The kernel OOM killer, Go runtime, Python or a compiler driver reports memory exhaustion',
  },
  {
    id: 'killed-or-exit-137',
    category: 'infrastructure',
    cause: 'out-of-memory',
    pattern: /(?:^|\s)Killed(?:\s*$|\s{2,}\S)|\b(?:exit(?:ed)?|status|code)\b[^0-9\n]{0,20}\b137\b/i,
    strength: 'override',
    priority: 85,
    description: 'A process was SIGKILLed (shell "Killed", exit code 137): in a container, the memory limit',
  },
  {
    id: 'disk-full',
    category: 'infrastructure',
    cause: 'disk-full',
    pattern:
      /No space left on device|\bENOSPC\b(?!: System limit)|not enough space on the disk|\bdisk quota exceeded\b/i,
    strength: 'override',
    priority: 85,
    description: 'The build ran out of disk space',
  },
  {
    id: 'docker-pull-rate-limit',
    category: 'infrastructure',
    cause: 'docker-rate-limit',
    pattern: /\btoomanyrequests\b|You have reached your (?:unauthenticated )?pull rate limit/i,
    strength: 'override',
    priority: 80,
    description: 'Docker Hub refused an image pull: rate limit reached',
  },
  {
    id: 'runner-shutdown',
    category: 'infrastructure',
    cause: 'runner',
    pattern:
      /\bThe runner has received a shutdown signal\b|\blost communication with the server\b|\b(?:agent|runner|node|worker)\b.{0,80}\b(?:went|is|was marked|has gone) offline\b/i,
    strength: 'override',
    priority: 75,
    description: 'The runner or build agent was shut down or lost mid-step',
  },
  {
    id: 'agent-channel-closed',
    category: 'infrastructure',
    cause: 'runner',
    pattern:
      /\bChannelClosedException\b|\bRemoting channel (?:is )?closed\b|\bCannot contact \S{1,200}: java\./,
    strength: 'override',
    priority: 75,
    description: 'The controller lost its connection to the build agent (Jenkins-style)',
  },
];

const timeoutRules: readonly FailureRule[] = [
  {
    id: 'pipelines-build-time-limit',
    category: 'timeout',
    cause: 'time-limit',
    pattern: /Exceeded build time limit of \d+ minutes/i,
    strength: 'override',
    priority: 70,
    description: 'Pipelines stopped the step at its max-time (default 120 minutes)',
  },
  {
    id: 'job-timed-out',
    category: 'timeout',
    cause: 'time-limit',
    pattern:
      /\b(?:job|build|step|action|task|stage|workflow|pipeline)\b.{0,120}?\btimed out after \d+(?:\.\d+)? ?(?:m|min|mins|minutes?|h|hours?)\b|\bBuild timed out \(after \d+ minutes\)/i,
    strength: 'override',
    priority: 70,
    description:
      'The CI system timed out the job or step (the limit is in minutes or hours, not a test timeout)',
  },
  {
    id: 'job-max-run-time',
    category: 'timeout',
    cause: 'time-limit',
    pattern:
      /\bmax(?:imum)? run ?time exceeded\b|\bexecution took longer than \S{1,40} seconds\b|\bran longer than the maximum time of \d+ minutes\b|\bToo long with no output \(exceeded [^)]{1,20}\)|\bNo output has been received in the last \S{1,20}/i,
    strength: 'override',
    priority: 70,
    description: 'The job hit its run-time or no-output limit',
  },
  {
    id: 'go-test-binary-timeout',
    category: 'timeout',
    cause: 'time-limit',
    pattern: /^panic: test timed out after \S{1,20}/,
    strength: 'decisive',
    priority: 40,
    description: 'go test killed the whole test binary at its -timeout (a hang, not an assertion)',
  },
  {
    id: 'context-deadline-exceeded',
    category: 'timeout',
    cause: 'time-limit',
    pattern: /^\s*(?:Error|FATAL|fatal|level=fatal)\b:?.{0,200}?\bcontext deadline exceeded\s*$/,
    strength: 'decisive',
    priority: 20,
    description:
      'A tool gave up waiting as a whole (`Error: context deadline exceeded` as the final verdict)',
  },
];

const networkRules: readonly FailureRule[] = [
  {
    id: 'network-dns',
    category: 'infrastructure',
    cause: 'network',
    pattern:
      /Could not resolve host|Temporary failure in name resolution|Name or service not known|nodename nor servname provided|\bgetaddrinfo (?:ENOTFOUND|EAI_AGAIN)\b|failed to lookup address information|\bdns error\b|: no such host\b/i,
    strength: 'override',
    priority: 60,
    description: 'A host name could not be resolved',
  },
  {
    id: 'network-tls-handshake',
    category: 'infrastructure',
    cause: 'network',
    pattern:
      /\b(?:TLS|SSL) handshake (?:timeout|timed out|failed)\b|SSL_ERROR_SYSCALL|gnutls_handshake\(\) failed/i,
    strength: 'override',
    priority: 60,
    description: 'A TLS handshake failed or timed out',
  },
  {
    id: 'network-connection-reset',
    category: 'infrastructure',
    cause: 'network',
    pattern: /\bECONNRESET\b|Connection reset by peer|\bsocket hang up\b/i,
    strength: 'override',
    priority: 60,
    description: 'A connection was reset mid-transfer',
  },
  {
    id: 'network-connection-timeout',
    category: 'infrastructure',
    cause: 'network',
    pattern:
      /\bETIMEDOUT\b|Connection timed out|\bconnect timed out\b|\bRead timed out\b|\bi\/o timeout\b|\bHttpClient\.Timeout\b|request canceled while waiting for connection/i,
    strength: 'override',
    priority: 60,
    description: 'A connection or read timed out',
  },
  {
    id: 'network-download-retries',
    category: 'infrastructure',
    cause: 'network',
    pattern: /Failed to (?:download|fetch) .{1,300}? after \d+ (?:attempts|retries|tries)/i,
    strength: 'override',
    priority: 60,
    description: 'A download failed after all its retries',
  },
  {
    id: 'network-git-transfer',
    category: 'infrastructure',
    cause: 'network',
    pattern: /The remote end hung up unexpectedly|\bRPC failed; curl \d+|\bfatal: early EOF\b/,
    strength: 'override',
    priority: 60,
    description: 'A git clone or fetch lost its connection',
  },
  {
    id: 'network-npm',
    category: 'infrastructure',
    cause: 'network',
    pattern:
      /npm (?:ERR!|error) code (?:EAI_AGAIN|ENOTFOUND|ECONNREFUSED)\b|npm (?:ERR!|error) network request to \S{1,300} failed/,
    strength: 'override',
    priority: 60,
    description: 'npm could not reach its registry',
  },
  {
    id: 'network-upstream-unavailable',
    category: 'infrastructure',
    cause: 'network',
    pattern: /\b(?:502 Bad Gateway|503 Service (?:Temporarily )?Unavailable|504 Gateway Time-?out)\b/i,
    strength: 'decisive',
    priority: 30,
    description:
      'A registry or service answered 502/503/504 (decisive only: a deploy health check says this too)',
  },
];

const configurationRules: readonly FailureRule[] = [
  {
    id: 'pipelines-config-not-found',
    category: 'configuration',
    cause: 'missing-config',
    pattern: /bitbucket-pipelines\.yml not found/i,
    strength: 'decisive',
    priority: 50,
    description: 'The commit has no bitbucket-pipelines.yml',
  },
  {
    id: 'pipelines-config-invalid',
    category: 'configuration',
    cause: 'invalid-config',
    pattern:
      /\bbitbucket-pipelines\.yml\b.{0,120}?\b(?:invalid|not valid|error|failed to parse|could not be parsed)\b/i,
    strength: 'decisive',
    priority: 50,
    description: 'Pipelines rejected bitbucket-pipelines.yml',
  },
  {
    id: 'yaml-syntax-error',
    category: 'configuration',
    cause: 'invalid-config',
    pattern:
      /\bYAMLException\b|\byaml: line \d+:|mapping values are not allowed (?:in this context|here)|could not find expected ':'|did not find expected (?:key|node content|'-' indicator)|found character that cannot start any token/i,
    strength: 'decisive',
    priority: 45,
    description: 'A YAML file (pipeline or deploy config) does not parse',
  },
  {
    id: 'variable-unbound',
    category: 'configuration',
    cause: 'missing-config',
    pattern:
      /\b[A-Za-z_][A-Za-z0-9_]{0,100}: unbound variable\b|\$\{?[A-Za-z_][A-Za-z0-9_]{0,100}\}?: parameter (?:null or )?not set/,
    strength: 'decisive',
    priority: 45,
    description:
      'A script under `set -u` used a variable that is not defined (a missing repository variable)',
  },
  {
    id: 'variable-not-set',
    category: 'configuration',
    cause: 'missing-config',
    pattern:
      /\$[A-Z_][A-Z0-9_]{0,100} is not set\b|\b[A-Z][A-Z0-9]*_[A-Z0-9_]{1,100} (?:is not set|must be set|is required|is missing)\b|[Ee]nvironment variable '?\$?[A-Z_][A-Z0-9_]{0,100}'? (?:is )?(?:not set|missing|required|undefined)|[Mm]issing required (?:environment )?variable/,
    strength: 'decisive',
    priority: 45,
    description: 'A required environment variable (deployment or repository variable) is missing',
  },
  {
    id: 'docker-image-not-found',
    category: 'configuration',
    cause: 'invalid-config',
    pattern:
      /pull access denied for \S{1,200}|\bmanifest (?:for \S{1,200} )?unknown\b|repository does not exist or may require 'docker login'/,
    strength: 'decisive',
    priority: 40,
    description: 'The step or service image name is wrong or private without credentials',
  },
  {
    id: 'command-not-found',
    category: 'configuration',
    cause: 'missing-config',
    pattern:
      /: command not found\s*$|\bcommand not found: \S|is not recognized as an internal or external command/,
    strength: 'decisive',
    priority: 15,
    withinLastLines: 20,
    description: 'The step image lacks a tool the script calls',
  },
];

const deploymentRules: readonly FailureRule[] = [
  {
    id: 'kubectl-rollout-failed',
    category: 'deployment',
    cause: 'deploy',
    pattern:
      /\berror: deployment "[^"]{1,200}" exceeded its progress deadline|\berror: timed out waiting for the condition\b|\bError from server(?: \([A-Za-z]{1,40}\))?:/,
    strength: 'decisive',
    priority: 45,
    description: 'kubectl apply or rollout status failed',
  },
  {
    id: 'helm-release-failed',
    category: 'deployment',
    cause: 'deploy',
    pattern: /\bError: (?:UPGRADE|INSTALLATION|ROLLBACK) FAILED\b|\bError: release \S{1,200} failed\b/,
    strength: 'decisive',
    priority: 45,
    description: 'helm install/upgrade failed',
  },
  {
    id: 'terraform-apply-failed',
    category: 'deployment',
    cause: 'deploy',
    pattern:
      /\bError applying plan\b|(?:^|│\s{0,4})Error: (?:creating|updating|deleting|modifying|waiting for)\b|\bError: error (?:creating|updating|deleting)\b/,
    strength: 'decisive',
    priority: 45,
    description: 'terraform apply failed to create, update or delete a resource',
  },
  {
    id: 'aws-cli-error',
    category: 'deployment',
    cause: 'deploy',
    pattern:
      /\bAn error occurred \([A-Za-z.]{1,80}\) when calling the \w{1,80} operation\b|\bWaiter \w{1,80} failed\b|\bUPDATE_ROLLBACK_COMPLETE\b|\bROLLBACK_(?:COMPLETE|IN_PROGRESS)\b/,
    strength: 'decisive',
    priority: 45,
    description: 'An AWS deploy call (aws cli, CloudFormation, ECS/CodeDeploy waiters) failed',
  },
  {
    id: 'deployment-failed',
    category: 'deployment',
    cause: 'deploy',
    pattern:
      /\bDeployment (?:failed|was unsuccessful|has failed)\b|\bFailed to deploy\b|\bRollout failed\b|\bPush rejected\b|\bERROR: \(gcloud\.[\w.]{0,80}deploy\)/i,
    strength: 'decisive',
    priority: 40,
    description: 'A deploy tool or Pipelines pipe reports the deployment failed',
  },
];

const dependencyRules: readonly FailureRule[] = [
  {
    id: 'npm-install-failed',
    category: 'dependency',
    cause: 'install',
    pattern:
      /npm (?:ERR!|error) code (?:E404|ETARGET|ERESOLVE|EINTEGRITY)\b|npm (?:ERR!|error) 404 Not Found\b|npm (?:ERR!|error) notarget No matching version|can only install packages when your package\.json and package-lock\.json/,
    strength: 'decisive',
    priority: 40,
    description: 'npm could not find, resolve or verify a package',
  },
  {
    id: 'yarn-pnpm-install-failed',
    category: 'dependency',
    cause: 'install',
    pattern:
      /error Couldn't find (?:package|any versions for)|Your lockfile needs to be updated|The lockfile would have been modified by this install|ERR_PNPM_(?:NO_MATCHING_VERSION|FETCH_404|OUTDATED_LOCKFILE|LOCKFILE_MISSING_DEPENDENCY|PEER_DEP_ISSUES)\b/,
    strength: 'decisive',
    priority: 40,
    description: 'yarn or pnpm could not resolve packages or the lockfile is stale',
  },
  {
    id: 'pip-install-failed',
    category: 'dependency',
    cause: 'install',
    pattern:
      /No matching distribution found for|Could not find a version that satisfies the requirement|\bResolutionImpossible\b|because these package versions have conflicting dependencies|Failed building wheel for|Failed to build one or more wheels|Failed to build installable wheels|Could not build wheels for|error: subprocess-exited-with-error/,
    strength: 'decisive',
    priority: 40,
    description: 'pip could not find, resolve or build a package',
  },
  {
    id: 'jvm-dependency-resolution',
    category: 'dependency',
    cause: 'install',
    pattern:
      /Could not resolve dependencies for project|Could not find artifact \S{1,300}|Failed to collect dependencies|Could not transfer artifact|Could not resolve all (?:files|dependencies|artifacts) for configuration|Could not find [\w.-]{1,100}:[\w.-]{1,100}:[\w.-]{1,100}/,
    strength: 'decisive',
    priority: 40,
    description: 'Maven or Gradle could not resolve dependencies',
  },
  {
    id: 'go-module-failed',
    category: 'dependency',
    cause: 'install',
    pattern:
      /\bgo: [^\s:]{1,200}@[^\s:]{1,100}: (?:reading|verifying|invalid version|unknown revision|no matching versions)|verifying module: checksum mismatch|missing go\.sum entry|go: updates to go\.mod needed|\bgo\.(?:mod|sum)\b.{0,80}?\b(?:not up.to.date|out of date|needs? to be updated)/i,
    strength: 'decisive',
    priority: 40,
    description: 'Go modules could not be downloaded or go.mod/go.sum are out of date',
  },
  {
    id: 'other-package-manager-failed',
    category: 'dependency',
    cause: 'install',
    pattern:
      /Could not find gem '|Bundler could not find compatible versions|Could not find \S{1,200} in any of the sources|Your requirements could not be resolved to an installable set of packages|failed to select a version for the requirement|no matching package named|E: Unable to locate package|has no installation candidate|error NU110[12]\b/,
    strength: 'decisive',
    priority: 40,
    description: 'Bundler, Composer, Cargo, apt or NuGet could not resolve a package',
  },
];

const buildRules: readonly FailureRule[] = [
  {
    id: 'typescript-compile-error',
    category: 'build',
    cause: 'compile',
    pattern: /\berror TS\d{4,5}:/,
    strength: 'decisive',
    priority: 35,
    description: 'tsc reports a type or syntax error',
  },
  {
    id: 'java-compile-error',
    category: 'build',
    cause: 'compile',
    pattern:
      /COMPILATION ERROR|\bmaven-compiler-plugin\b.{0,200}?Compilation failure|\.java:\d+: error:|Compilation failed; see the compiler error output|Execution failed for task ':[\w:-]{0,200}compile\w{0,40}'|^e: (?:file:\/\/)?\S{1,300}\.kts?:\d+/,
    strength: 'decisive',
    priority: 35,
    description: 'javac, kotlinc, Maven or Gradle compilation failed',
  },
  {
    id: 'java-compile-error-line',
    category: 'build',
    cause: 'compile',
    pattern: /^\[ERROR\] \S{1,400}\.java:\[\d+,\d+\]/,
    strength: 'decisive',
    priority: 36,
    description: 'A Maven compiler error naming the file and position',
  },
  {
    id: 'go-compile-error',
    category: 'build',
    cause: 'compile',
    pattern:
      /\.go:\d+:\d+: (?:undefined: |syntax error|cannot use |declared (?:and|but) not used|imported (?:and|but) not used|too many arguments|not enough arguments|missing return|invalid operation|could not import)/,
    strength: 'decisive',
    priority: 36,
    description: 'The Go compiler rejects a file',
  },
  {
    id: 'go-build-failed',
    category: 'build',
    cause: 'compile',
    pattern: /^FAIL\s+\S{1,300} \[(?:build|setup) failed\]|"Action":"build-fail"|"FailedBuild":"/,
    strength: 'decisive',
    priority: 32,
    description: 'go test could not build a package',
  },
  {
    id: 'msvc-compile-error',
    category: 'build',
    cause: 'compile',
    pattern: /\b(?:fatal )?error C\d{4}:|\berror LNK\d{4}:|\berror CS\d{4}:|\berror MSB\d{4}:/,
    strength: 'decisive',
    priority: 35,
    description: 'MSVC, the MSVC linker, C# or MSBuild reports an error',
  },
  {
    id: 'c-compile-error',
    category: 'build',
    cause: 'compile',
    pattern:
      /\.(?:c|cc|cpp|cxx|h|hh|hpp|m|mm):\d+:\d+: (?:fatal )?error:|undefined reference to `|collect2: error: ld returned|\bld: (?:symbol|library)\(?s?\)? .{1,100} not found/,
    strength: 'decisive',
    priority: 35,
    description: 'gcc, clang or the linker reports an error',
  },
  {
    id: 'ninja-object-failed',
    category: 'build',
    cause: 'compile',
    pattern: /^FAILED: (?:\[code=\d+\] )?\S{1,400}\.(?:o|obj)\s*$/,
    strength: 'decisive',
    priority: 30,
    description: 'ninja failed to build an object file',
  },
  {
    id: 'rust-swift-compile-error',
    category: 'build',
    cause: 'compile',
    pattern: /\berror\[E\d{4}\]|error: could not compile `|\*\* BUILD FAILED \*\*|\.swift:\d+:\d+: error:/,
    strength: 'decisive',
    priority: 35,
    description: 'rustc, cargo, swiftc or xcodebuild reports a compile error',
  },
  {
    id: 'bundler-compile-error',
    category: 'build',
    cause: 'compile',
    pattern:
      /Module not found: Error: Can't resolve|^Failed to compile\.|\berror during build:|\bBuild failed with \d+ errors?\b/,
    strength: 'decisive',
    priority: 33,
    description: 'webpack, Vite or esbuild could not build the bundle',
  },
  {
    id: 'eslint-errors',
    category: 'build',
    cause: 'lint',
    pattern: /✖ \d+ problems? \([1-9]\d* errors?|^\s{0,8}\d+:\d+\s{1,4}error\s{1,4}\S/,
    strength: 'decisive',
    priority: 33,
    description: 'ESLint found errors',
  },
  {
    id: 'go-static-analysis',
    category: 'build',
    cause: 'lint',
    pattern: /\.go:\d+:\d+: .{1,300}? \((?:SA|S|ST|U|QF)\d{4}\)\s*$|^\s*vet: \S/,
    strength: 'decisive',
    priority: 35,
    description: 'staticcheck or go vet found a problem',
  },
  {
    id: 'style-check-failed',
    category: 'build',
    cause: 'lint',
    pattern:
      /Code style issues (?:found|were found)|Forgot to run Prettier\?|\.py:\d+:\d+: [EFWC]\d{3}\b|\bwould reformat \S|\b\d+ files? inspected, [1-9]\d* offenses? detected|You have [1-9]\d* Checkstyle violations?|The following files had format violations|^Found [1-9]\d* errors? in \d+ files?/,
    strength: 'decisive',
    priority: 33,
    description: 'Prettier, flake8, black, RuboCop, Checkstyle, Spotless or mypy reports problems',
  },
  {
    id: 'make-lint-target-failed',
    category: 'build',
    cause: 'lint',
    pattern:
      /make(?:\[\d+\])?: \*\*\* \[[^\]]{0,200}?\b(?:lint|eslint|staticcheck|vet|fmtcheck|fmt-check|format-check|golangci-lint|stylecheck|check-format)\] Error \d+/,
    strength: 'decisive',
    priority: 25,
    description: 'A make target named after a linter failed',
  },
];

const testRules: readonly FailureRule[] = [
  {
    id: 'test-case-failed',
    category: 'test',
    cause: 'test-failure',
    pattern:
      /--- FAIL: \S|<<< (?:FAILURE|ERROR)!|^\s*● .{1,300}? › |^(?:FAILED|ERROR) \S{1,300}::\S|\S\.py::\S{1,300} (?:FAILED|ERROR)\b|^\S[^>]{0,300} > .{1,300}FAILED\s*$|TEST-UNEXPECTED-(?:FAIL|ERROR|TIMEOUT|CRASH)/,
    strength: 'decisive',
    priority: 35,
    description: 'One named test failed (go, surefire, jest, pytest, Gradle, mozharness)',
  },
  {
    id: 'test-run-summary',
    category: 'test',
    cause: 'test-failure',
    pattern:
      /^\s*Tests:\s+[1-9]\d* failed\b|^\s*Test (?:Suites|Files):?\s+[1-9]\d* failed\b|^\s*=+ .{0,200}?\b[1-9]\d* (?:failed|errors?)\b.{0,200}?=+\s*$|^\s*[1-9]\d* failed(?:, \d+ (?:passed|skipped|deselected|xfailed|xpassed|warnings?|errors?))* in \d|Tests run: \d+, Failures: (?:[1-9]\d*, Errors: \d+|\d+, Errors: [1-9])|\b\d+ tests? completed, [1-9]\d* failed|^\s*[1-9]\d* failing\s*$|\b\d+ examples?, [1-9]\d* failures?\b|\b\d+ (?:runs|tests), \d+ assertions, (?:[1-9]\d* failures, \d+ errors|\d+ failures, [1-9]\d* errors)|Tests: \d+, Assertions: \d+, (?:Failures|Errors): [1-9]|test result: FAILED\b|\bFailed!\s+-\s+Failed:\s+[1-9]|(?:^|\s-\s+)Failed:\s+[1-9]\d*\s*$|Executed \d+ of \d+ \([1-9]\d* FAILED\)|\*\* TEST FAILED \*\*/,
    strength: 'decisive',
    priority: 30,
    description:
      'A test runner summary with failures (jest, vitest, pytest, JUnit, Gradle, mocha, RSpec, minitest, PHPUnit, cargo, dotnet, mozharness, karma, xcodebuild)',
  },
  {
    id: 'test-task-failed',
    category: 'test',
    cause: 'test-failure',
    pattern:
      /There are test failures|There were failing tests|> Task :[\w:-]{0,200}[tT]est\w{0,40} FAILED|^FAIL\s+\S{1,300}\s+\d+(?:\.\d+)?s\s*$|^\s*FAIL\s+\S{1,300}\.(?:test|spec)\.[cm]?[jt]sx?\b|"Action":"fail","Package":"[^"]{1,300}","Test":"|^=+ (?:FAILURES|ERRORS) =+\s*$|^FAILURES!\s*$/,
    strength: 'decisive',
    priority: 28,
    description: 'The test task, package or file failed (Maven, Gradle, go test, jest, pytest, PHPUnit)',
  },
  {
    id: 'test-target-failed',
    category: 'test',
    cause: 'test-failure',
    pattern: /\btest[\w./-]{0,200}(?: \d+\/\d+)? failed!?\s*$/i,
    strength: 'decisive',
    priority: 15,
    description:
      'A test target or shard is reported failed ("test_ops 3/4 failed!", "integration tests failed")',
  },
];

/** The whole table. Order does not matter: `priority` and the scan order decide. */
export const FAILURE_RULES: readonly FailureRule[] = [
  ...infrastructureRules,
  ...timeoutRules,
  ...networkRules,
  ...configurationRules,
  ...deploymentRules,
  ...dependencyRules,
  ...buildRules,
  ...testRules,
];
