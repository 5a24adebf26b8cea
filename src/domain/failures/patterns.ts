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
    id: 'gradle-daemon-vanished',
    category: 'infrastructure',
    cause: 'out-of-memory',
    pattern: /\bGradle build daemon disappeared unexpectedly\b/,
    strength: 'override',
    priority: 85,
    description: 'The Gradle daemon was killed mid-build: in a container, the memory limit',
  },
  {
    id: 'docker-daemon-unreachable',
    category: 'infrastructure',
    cause: 'runner',
    pattern: /\bCannot connect to the Docker daemon at \S{1,200}\. Is the docker daemon running\?/,
    strength: 'decisive',
    priority: 45,
    description: 'The Docker service of the step (or the runner) is not there or not running',
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
      /\bThe runner has received a shutdown signal\b|\blost communication with the server\b|\b(?:agent|runner|node|worker)\b.{0,80}\b(?:went|is|was marked|has gone) offline\b|\bThe (?:hosted runner|agent) (?:encountered an error while running your job|was lost|has been lost)\b|\bWe stopped hearing from agent\b|\bThe machine running this job was shut down\b|\(agent lost\)|\bBacking channel '[^']{1,200}' is disconnected\b|\bThe job was not acquired by Runner\b/i,
    strength: 'override',
    priority: 75,
    description: 'The runner or build agent was shut down or lost mid-step',
  },
  {
    id: 'pod-failed',
    category: 'infrastructure',
    cause: 'runner',
    pattern:
      /\bThe node was low on resource\b|\b(?:pod|Pod) (?:was |has been )?evicted\b|\bReason:\s+Evicted\b|\bPod was rejected\b|\bwaiting for pod running: timed out\b|\bpod "[^"]{1,200}" status is "Failed"|\b[Jj]ob pod \S{0,200} ?(?:has been|was) (?:deleted|evicted|terminated)\b/,
    strength: 'override',
    priority: 75,
    description:
      'The Kubernetes pod running the job was evicted, rejected or failed (self-hosted runners on Kubernetes)',
  },
  {
    id: 'agent-channel-closed',
    category: 'infrastructure',
    cause: 'runner',
    pattern:
      /\bChannelClosedException\b|\bRemoting channel (?:is )?closed\b|\bCannot contact \S{1,200}: java\.|\bhudson\.remoting\.(?:Channel\$OrderlyShutdown|RequestAbortedException)\b/,
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
      /\b(?:job|build|step|action|task|stage|workflow|pipeline)\b.{0,120}?\btimed out after \d+(?:\.\d+)? ?(?:m|min|mins|minutes?|h|hours?)\b|Build timed out \(after \d+ minutes\)/i,
    strength: 'override',
    priority: 70,
    description:
      "The CI system timed out the job or step (the limit is in minutes or hours, not a test timeout); Jenkins' message can run into the build's own output",
  },
  {
    id: 'job-max-run-time',
    category: 'timeout',
    cause: 'time-limit',
    pattern:
      /\bmax(?:imum)? run ?time exceeded\b|\bexecution took longer than \S{1,40} seconds\b|\bran longer than the maximum time of \d+ minutes\b|\bToo long with no output \(exceeded [^)]{1,20}\)|\bNo output has been received in the last \S{1,20}|\bhas exceeded the maximum execution time of \d+ minutes\b|\bThe job exceeded the maximum time limit for jobs\b/i,
    strength: 'override',
    priority: 70,
    description: 'The job hit its run-time or no-output limit',
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
    pattern:
      /The remote end hung up unexpectedly|\bRPC failed; curl \d+|\bfatal: early EOF\b|\bunable to access '[^']{1,300}': (?:The requested URL returned error: 5\d\d|Failed to connect|Operation timed out|OpenSSL SSL_)/,
    strength: 'override',
    priority: 60,
    description: 'A git clone or fetch lost its connection',
  },
  {
    id: 'network-artifact-transfer',
    category: 'infrastructure',
    cause: 'network',
    pattern:
      /\bCould not (?:transfer|GET|HEAD|download|get resource) .{1,400}?(?:\b5\d\d\b|timed out|Connection reset|Connection refused|Network is unreachable|Remote host terminated the handshake)|\bcurl: \((?:6|7|16|18|28|35|52|56|92)\) /i,
    strength: 'override',
    priority: 60,
    description:
      'Maven, Gradle or curl could not reach a repository (a 5xx answer, a timeout, a reset): the network, not a missing artifact',
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

const rateLimitRules: readonly FailureRule[] = [
  {
    id: 'api-rate-limit',
    category: 'infrastructure',
    cause: 'rate-limit',
    pattern:
      /\bAPI rate limit exceeded\b|\bsecondary rate limit\b|\brate limit(?:ed)? exceeded\b|\b429 Too Many Requests\b|\bHTTP (?:status |error )?(?:code )?429\b|"status": ?"?429\b/i,
    strength: 'decisive',
    priority: 45,
    description:
      'An API (GitHub, a package registry, a cloud API) refused a call for its rate limit (decisive only: tests of rate limiting print this too)',
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
    id: 'ssh-access-denied',
    category: 'configuration',
    cause: 'missing-config',
    pattern: /\bPermission denied \(publickey[),]|\bHost key verification failed\b/,
    strength: 'decisive',
    priority: 40,
    description:
      'An SSH clone, push or deploy was refused: the SSH key or known_hosts entry is missing from the pipeline settings',
  },
  {
    id: 'git-ref-not-found',
    category: 'configuration',
    cause: 'missing-config',
    pattern:
      /\bcouldn't find remote ref \S|\bRemote branch \S{1,300} not found in upstream\b|\bpathspec '[^']{1,300}' did not match any file\(s\) known to git/,
    strength: 'decisive',
    priority: 40,
    description:
      'A branch, tag or commit the pipeline checks out no longer exists (deleted, or never pushed)',
  },
  {
    id: 'git-describe-no-tags',
    category: 'configuration',
    cause: 'missing-config',
    pattern: /\bfatal: No (?:tags can describe '[0-9a-f]{7,40}'|names found, cannot describe anything)/,
    strength: 'decisive',
    priority: 40,
    description:
      'The build names its version with `git describe`, and the clone has no tags: a shallow or tagless checkout',
  },
  {
    id: 'git-unsafe-repository',
    category: 'configuration',
    cause: 'invalid-config',
    pattern: /\bfatal: (?:unsafe repository \(|detected dubious ownership in repository at )/,
    strength: 'decisive',
    priority: 40,
    description:
      'git refuses a checkout owned by another user (a container running as another user than the clone): `safe.directory`',
  },
  {
    id: 'ci-entrypoint-missing',
    category: 'configuration',
    cause: 'missing-config',
    pattern:
      /\bNo Rakefile found \(looking for|^npm (?:ERR!|error) [Mm]issing script: |^error Command "[^"]{1,100}" not found\.|\bthe goal you specified requires a project to execute but there is no POM in this directory\b|\bTask '[^']{1,200}' not found in (?:root )?project\b|make(?:\[\d+\])?: \*\*\* No (?:rule to make target '[^']{1,200}'\.|targets specified and no makefile found\.)\s+Stop\./i,
    strength: 'decisive',
    priority: 40,
    description:
      "The build file, script, task or target the pipeline runs does not exist in the repository (rake, npm, yarn, Maven, Gradle, make): the pipeline's command does not fit the project",
  },
  {
    id: 'cloud-permission-denied',
    category: 'configuration',
    cause: 'missing-config',
    pattern:
      /\bis not authorized to perform: [\w:*-]{1,100}|\bAn error occurred \((?:AccessDenied(?:Exception)?|UnauthorizedOperation|InvalidClientTokenId|ExpiredToken(?:Exception)?|UnrecognizedClientException|SignatureDoesNotMatch|AuthFailure|InvalidAccessKeyId)\) when calling\b|\bCould not load credentials from any providers\b|\bUnable to locate credentials\b|\bNoCredentialProviders\b|\bThe security token included in the request is (?:invalid|expired)\b|\bPermission '[\w.]{1,100}' denied on resource\b|\bPERMISSION_DENIED: The caller does not have permission\b/,
    strength: 'decisive',
    priority: 46,
    description:
      "A cloud call (AWS, Google Cloud) was refused for missing credentials or permissions: the pipeline's credentials or role, not the code",
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
      /No matching distribution found for|Could not find a version that satisfies the requirement|\bResolutionImpossible\b|because these package versions have conflicting dependencies|Failed building wheel for|Failed to build one or more wheels|Failed to build installable wheels|Could not build wheels for|error: subprocess-exited-with-error|\bpkg_resources\.(?:Contextual)?VersionConflict\b|\bpkg_resources\.DistributionNotFound\b|\bPackagesNotFoundError\b|\bUnsatisfiableError\b|\bResolvePackageNotFound\b|\bSolverProblemError\b|\bResolutionFailure\b|\bPluginValidationError: Plugin '[^']{1,100}' could not be loaded: .{0,300}Requirement\.parse/,
    strength: 'decisive',
    priority: 40,
    description:
      'pip, conda, Poetry or Pipenv could not find, resolve or build a package, or installed packages conflict',
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
      /COMPILATION ERROR|\bmaven-compiler-plugin\b.{0,200}?Compilation failure|\.java:\d+: error:|Compilation failed; see the compiler error output|Execution failed for task ':[\w:-]{0,200}compile\w{0,40}'|^e: (?:file:\/\/)?\S{1,300}\.kts?(?::\d+|: \(\d+, \d+\))|^\[error\] \S{1,300}\.scala:\d+:\d+: |\(\w{1,40} \/ compileIncremental\) Compilation failed/,
    strength: 'decisive',
    priority: 35,
    description: 'javac, kotlinc, scalac, Maven, Gradle or sbt compilation failed',
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
      /\.go:\d+:\d+: .{1,300}? \((?:compile|typecheck)\)\s*$|\.go:\d+:\d+: (?:undefined: |syntax error|cannot use |declared (?:and|but) not used|imported (?:and|but) not used|too many arguments|not enough arguments|missing return|invalid operation|could not import)/,
    strength: 'decisive',
    priority: 36,
    description: 'The Go compiler rejects a file',
  },
  {
    id: 'go-build-failed',
    category: 'build',
    cause: 'compile',
    pattern: /^FAIL\s+\S{1,300} \[(?:build|setup) failed\]/,
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
      /\.(?:c|cc|cpp|cxx|h|hh|hpp|m|mm|go):\d+:\d+: (?:fatal )?error:|undefined reference to `|collect2: error: ld returned|\bld: (?:symbol|library)\(?s?\)? .{1,100} not found/,
    strength: 'decisive',
    priority: 35,
    description: 'gcc, clang (also on cgo preambles) or the linker reports an error',
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
    pattern:
      /✖ \d+ problems? \([1-9]\d* errors?|^\s{0,8}\d+:\d+\s{1,4}error\s{1,4}\S|^ERROR: (?:\([\w-]{1,80}\) )?\S{1,300}\.[cm]?[jt]sx?(?::\d+:\d+|\[\d+, \d+\]):? \S/,
    strength: 'decisive',
    priority: 33,
    description: 'ESLint or TSLint found errors',
  },
  {
    id: 'go-static-analysis',
    category: 'build',
    cause: 'lint',
    pattern:
      /\.go:\d+:\d+: .{1,300}? \((?:SA|S|ST|U|QF)\d{4}\)\s*$|^\s*vet: \S|\.go:\d+:\d+: .{1,300}? \((?:errcheck|govet|ineffassign|staticcheck|unused|gosimple|revive|gofmt|goimports|gocritic|gosec|misspell|stylecheck|lll|dupl|exhaustive|errorlint|unparam|prealloc|nakedret|goconst|gocyclo)\)\s*$/,
    strength: 'decisive',
    priority: 35,
    description: 'staticcheck, go vet or golangci-lint found a problem',
  },
  {
    id: 'style-check-failed',
    category: 'build',
    cause: 'lint',
    pattern:
      /Code style issues (?:found|were found)|Forgot to run Prettier\?|\.py:\d+:\d+: [EFWCR]\d{3,4}\b|\bwould reformat \S|\b\d+ files? inspected, [1-9]\d* offenses? detected|You have [1-9]\d* Checkstyle violations?|The following files had format violations|^Found [1-9]\d* errors? in \d+ files?|^Found [1-9]\d* errors?\.|\bImports are incorrectly sorted\b|\.java:\d+(?::\d+)?: .{1,300} \[[A-Z]\w{2,60}\]\s*$|\.md:\d+(?::\d+)? MD\d{3}\b|\^-- SC\d{4} \((?:error|warning|info|style)\)/,
    strength: 'decisive',
    priority: 33,
    description:
      'Prettier, flake8, pylint, ruff, black, isort, RuboCop, Checkstyle, Spotless, mypy, markdownlint or ShellCheck reports problems',
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
      /--- FAIL: \S|<<< (?:FAILURE|ERROR)!|^\s*● .{1,300}? › |^(?:FAILED|ERROR) \S{1,300}::\S|\S\.py::\S{1,300} (?:FAILED|ERROR)\b|^_{3,} (?!ERROR collecting)\S.{0,300}? _{3,}\s*$|^\S[^>]{0,300} > .{1,300}FAILED\s*$|TEST-UNEXPECTED-(?:FAIL|ERROR|TIMEOUT|CRASH)|^not ok \d+ (?!.{0,300}# (?:TODO|SKIP))|^\[ {2}FAILED {2}\] \S|^\/\/\S{1,300} +FAILED in /,
    strength: 'decisive',
    priority: 35,
    description: 'One named test failed (go, surefire, jest, pytest, Gradle, mozharness, TAP)',
  },
  {
    id: 'test-runner-timeout',
    category: 'test',
    cause: 'test-failure',
    pattern:
      /\bExceeded timeout of \d+ ?ms for a (?:test|hook)\b|\bTimeout of \d+ms exceeded\b|\bTimeout - Async (?:callback|function) was not invoked within\b|\bTest timeout of \d+ms exceeded\b|\bTest timed out in \d+ms\b|\bTimed out retrying after \d+ms\b|^\+{5,} Timeout \+{5,}|\bFailed: Timeout >\d|\bTestTimedOutException\b|\btest timed out after \d+ (?:milliseconds|seconds)\b|\bexecution exceeded timeout of \d+ ms\b|\bTimeoutException: \S{1,200} timed out after \d+|\bThere was a timeout (?:or other error )?in the fork\b|^panic: test timed out after \S{1,20}|\bTest exceeded Timeout value of \d+ms\b|\bTest execution timed out after \d+ milliseconds\b/,
    strength: 'decisive',
    priority: 34,
    description:
      "The test runner's own per-test timeout (jest, mocha, jasmine, Playwright, Vitest, Cypress, pytest-timeout, JUnit, surefire's fork timeout, go test -timeout, NUnit, xUnit): a test failure, not the step's time limit",
  },
  {
    id: 'test-process-crashed',
    category: 'test',
    cause: 'test-failure',
    pattern:
      /\bReceived signal: SIG(?:SEGV|BUS|ABRT|ILL|FPE)\b|^PROCESS-CRASH \||\bFatal Python error: |\bJest worker encountered \d+ child process exceptions\b|\bA worker process has failed to exit gracefully\b|\bworker (?:process )?(?:has )?(?:quit|exited|terminated) unexpectedly\b|^==\d+==ERROR: (?:Address|Leak|Memory|Thread)Sanitizer:|^SUMMARY: (?:Address|Leak|Memory|Thread|UndefinedBehavior)Sanitizer:|^WARNING: (?:ThreadSanitizer: )?DATA RACE|^panic: .{1,300}\[recovered\]|^fatal error: (?:concurrent map|all goroutines are asleep)/i,
    strength: 'decisive',
    priority: 26,
    description:
      'The process running the tests crashed from within (a signal such as SIGSEGV or SIGBUS, a sanitizer report, a Go panic, a Jest worker crash): the code under test or the test broke it. A kill from outside (SIGKILL, exit 137) is the memory limit, an infrastructure failure',
  },
  {
    id: 'test-run-summary',
    category: 'test',
    cause: 'test-failure',
    pattern:
      /^\s*Tests:\s+[1-9]\d* failed\b|^\s*Test (?:Suites|Files):?\s+[1-9]\d* failed\b|^\s*=+ .{0,200}?\b[1-9]\d* (?:failed|errors?)\b.{0,200}?=+\s*$|^\s*[1-9]\d* failed(?:, \d+ (?:passed|skipped|deselected|xfailed|xpassed|warnings?|errors?))* in \d|Tests run: \d+, Failures: (?:[1-9]\d*, Errors: \d+|\d+, Errors: [1-9])|\b\d+ tests? completed, [1-9]\d* failed|^\s*[1-9]\d* failing\s*$|\b\d+ examples?, [1-9]\d* failures?\b|\b\d+ (?:runs|tests), \d+ assertions, (?:[1-9]\d* failures, \d+ errors|\d+ failures, [1-9]\d* errors)|Tests: \d+, Assertions: \d+, (?:Failures|Errors): [1-9]|test result: FAILED\b|\bFailed!\s+-\s+Failed:\s+[1-9]|(?:^|\s-\s+)Failed:\s+[1-9]\d*\s*$|Executed \d+ of \d+ \([1-9]\d* FAILED\)|\*\* TEST FAILED \*\*|^# fail\s+[1-9]\d*\s*$|\bGot [1-9]\d* unexpected (?:statuses|results|crashes)\b|\bOne or more unittests failed\b|\|\s+Failed:\s+[1-9]\d*\s*$|\bREFTEST INFO \| Unexpected: [1-9]|^FAILED \((?:failures|errors)=[1-9]|\b\d+ specs?, [1-9]\d* failures?\b|\b\d+ scenarios? \([1-9]\d* failed|\b\d+ (?:tests?|doctests?|properties), [1-9]\d* failures?\b|\bExecuted \d+ tests?, with [1-9]\d* failures?\b|\btests passed, [1-9]\d* tests? failed out of \d+|^The following tests FAILED:|✖\s+[1-9]\d* of \d+ failed|^\s*[1-9]\d* failed\s*$/,
    strength: 'decisive',
    priority: 30,
    description:
      'A test runner summary with failures (jest, vitest, pytest, JUnit, Gradle, mocha, RSpec, minitest, PHPUnit, cargo, dotnet, mozharness and its xpcshell summary, karma, xcodebuild, TAP)',
  },
  {
    id: 'test-task-failed',
    category: 'test',
    cause: 'test-failure',
    pattern:
      /There are test failures|There were failing tests|> Task :[\w:-]{0,200}[tT]est\w{0,40} FAILED|^FAIL\s+\S{1,300}\s+\d+(?:\.\d+)?s\s*$|^\s*FAIL\s+\S{1,300}\.(?:test|spec)\.[cm]?[jt]sx?\b|^=+ (?:FAILURES|ERRORS) =+\s*$|^FAILURES!\s*$/,
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

/**
 * Context, for a failure no rule above names: what kind of work failed, read from words in the failing command, the
 * build target, task, goal or script that failed, or the step's name. A name that says two kinds of work ("Build and
 * test") says nothing, so a confident `unknown` stays.
 */
export interface WorkKind {
  readonly id: string;
  readonly category: Exclude<FailureCategory, 'unknown'>;
  readonly cause: FailureCause;
  readonly words: RegExp;
}

export const WORK_KINDS: readonly WorkKind[] = [
  {
    id: 'test',
    category: 'test',
    cause: 'test-failure',
    words:
      /\b(?:test\w*|\w+[_:-]tests?\b|specs?\b|e2e\w*|jest|vitest|mocha|karma|cypress|playwright|pytest|py\.test|tox|nox|phpunit|rspec|ctest|unittest|surefire|failsafe|ginkgo)/i,
  },
  {
    id: 'lint',
    category: 'build',
    cause: 'lint',
    words:
      /\b(?:\w*lint\w*|flake8|ruff|black|isort|prettier|checkstyle\w*|spotless\w*|detekt|fmt\w*|\w*format(?:ting)?(?:[:-]check)?|vet|staticcheck|rubocop|mypy|typecheck|type-check|pmd\w*|spotbugs\w*)\b/i,
  },
  {
    id: 'deploy',
    category: 'deployment',
    cause: 'deploy',
    words:
      /\b(?:deploy\w*|(?<!--)release|publish\w*|helm|kubectl|terraform|pulumi|serverless|firebase|ansible-playbook)\b/i,
  },
  {
    id: 'install',
    category: 'dependency',
    cause: 'install',
    words:
      /\b(?:npm (?:ci|install|i)\b|yarn install|pnpm (?:i|install)\b|pip3? install|poetry install|pipenv install|bundle install|composer install|go mod download|apt(?:-get)? install|apk add|dotnet restore|conda (?:install|env create)|install (?:dependencies|deps))/i,
  },
  {
    id: 'build',
    category: 'build',
    cause: 'compile',
    words: /\b(?:build\w*|compile\w*|assemble\w*|package)\b/i,
  },
];

/**
 * Tools that run any kind of work (`./gradlew test`, `npm run lint`, `make check`): when nothing more specific is
 * named, their failure is a build failure.
 */
export const BUILD_RUNNERS =
  /\b(?:gradlew?|mvnw?|maven|make|ninja|cmake|bazel(?:isk)?|sbt|cargo|dotnet|msbuild|xcodebuild|tsc|webpack|vite|rollup|esbuild|javac|gcc|g\+\+|clang|go build|docker build|meson|scons)\b/i;

export interface ToolSummaryRule {
  readonly id: string;
  /** A build tool's own verdict. A capture group, when it matched, names what failed: a goal, task, target, script. */
  readonly pattern: RegExp;
  /** The kind of work when nothing is named, or the name names no kind of work: the tool's own kind, if it has one. */
  readonly kind?: WorkKind['id'];
  /**
   * How close to the failure the summary is. A build tool's own summary (3) is nearer than the npm script around it
   * (2), which is nearer than the CI system's line about the command (1): the nearest one found in the tail is used.
   */
  readonly rank: 1 | 2 | 3;
  /**
   * Whether the earliest of several matches counts rather than the latest: Travis CI runs every `script` command even
   * after one failed, so the first failed command is the cause and the later ones its echoes.
   */
  readonly earliest?: boolean;
}

/**
 * Build tools' own failure summaries, read only when no rule above matched: they say that the tool failed and often
 * what it was doing, not why (`BUILD FAILURE`, `Execution failed for task ':app:lintDebug'`, `make: *** [all] Error 2`).
 */
export const TOOL_SUMMARY_RULES: readonly ToolSummaryRule[] = [
  {
    id: 'maven-goal-failed',
    pattern: /^(?:\[ERROR\] |Error: {1,2})?Failed to execute goal (\S{1,300})/,
    kind: 'build',
    rank: 3,
  },
  { id: 'maven-build-failure', pattern: /^(?:\[INFO\] )?BUILD FAILURE\s*$/, kind: 'build', rank: 3 },
  {
    id: 'gradle-task-failed',
    pattern: /Execution failed for task '([^']{1,300})'|^> Task (\S{1,300}) FAILED\s*$/,
    kind: 'build',
    rank: 3,
  },
  {
    id: 'gradle-build-failed',
    pattern: /^BUILD FAILED(?: in [\w .]{1,30})?\s*$|^FAILURE: Build failed/,
    kind: 'build',
    rank: 3,
  },
  {
    id: 'make-target-failed',
    pattern: /^g?make(?:\[\d+\])?: \*\*\* \[(?:[^\]:]{1,200}:\d+: )?([^\]]{1,200})\] Error \d+/,
    kind: 'build',
    rank: 3,
  },
  {
    id: 'ninja-build-stopped',
    pattern: /^ninja: build stopped: subcommand failed|^\*\*\* CMake build failed/,
    kind: 'build',
    rank: 3,
  },
  {
    id: 'lint-failed',
    pattern: /^Lint(?:ing)? failed\b|\blint(?:ing)? failed!?\s*$/i,
    kind: 'lint',
    rank: 3,
  },
  {
    id: 'npm-script-failed',
    pattern:
      /npm (?:ERR!|error) (?:Failed at the \S{1,300} (\S{1,100}) script|Lifecycle script [`"](\S{1,100}?)[`"] failed)|ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL\s+\S{1,300} (\S{1,100}?):/,
    kind: 'build',
    rank: 2,
  },
  {
    id: 'npm-test-failed',
    pattern: /^npm (?:ERR!|error) Test failed\b|ELIFECYCLE\s+Test failed/,
    kind: 'test',
    rank: 2,
  },
  {
    id: 'ci-command-failed',
    pattern: /^The command "(.{1,300})" (?:exited with [1-9]\d*|failed)/,
    rank: 1,
    earliest: true,
  },
];

/** Every summary above says one of these words: a line without them is skipped with one cheap test. */
export const TOOL_SUMMARY_GATE = /fail|error|stopped|exited with/i;

/** Where a log shows the command it runs next: a shell trace (`+ cmd`), a GitHub Actions step, a CI `$ cmd` line. */
export const COMMAND_LINE = /^(?:\+ |##\[group\]Run |\$ )(\S.{0,500})$/;

/** Commands that only set up or report, never the work that failed. */
export const TRIVIAL_COMMAND =
  /^(?:echo|printf|set|export|unset|cd|pushd|popd|true|false|:|exit|return|sleep|cat|ls|pwd|date|env|trap|source|\.|mkdir|rm|cp|mv|ln|chmod|touch|tee|test|\[\[?|eval|local|declare|shopt|wait|which|command|type|hash|ulimit|umask|sccache|ccache|git (?:config|version|status|log|rev-parse|diff))\b/;

/**
 * The CI system's final verdict on the whole job (Travis CI's `Done. Your build exited with 1.`, Jenkins'
 * `Finished: FAILURE`). What it prints after that is its own epilogue (cache uploads, its shell's noise such as
 * `job_stages: line 166: shell_session_update: command not found` on macOS): never the cause.
 */
export const JOB_END_MARKER =
  /^Done\. Your build exited with \d+\.|^Finished: (?:FAILURE|ABORTED|UNSTABLE)\s*$/;

/** How far from the end of the tail the job's final verdict is looked for: epilogues are short. */
export const JOB_END_WITHIN_LAST_LINES = 50;

/** A line saying the command before it failed: the next command up the log is the one that failed. */
export const FAILED_COMMAND_MARKER =
  /Process completed with exit code [1-9]|\bmarked build as failure\b|^ERROR: Job failed: exit (?:code|status) [1-9]|^error Command failed with exit code [1-9]|\bexited with (?:code|status) [1-9]|^The command ".{1,300}" exited with [1-9]/;

/** The whole table. Order does not matter: `priority` and the scan order decide. */
export const FAILURE_RULES: readonly FailureRule[] = [
  ...infrastructureRules,
  ...timeoutRules,
  ...networkRules,
  ...rateLimitRules,
  ...configurationRules,
  ...deploymentRules,
  ...dependencyRules,
  ...buildRules,
  ...testRules,
];
