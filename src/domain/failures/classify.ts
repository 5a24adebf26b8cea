/**
 * Failure-cause classification of one failed step attempt (DESIGN.md §3 "Failures").
 *
 * Evidence is weighed in this order, and the first that speaks decides:
 * 1. The API. `STOPPED` means a person (or a newer run) stopped the step: that is no failure cause, so it is reported
 *    as category `unknown` with cause `stopped`, which callers exclude from failure statistics. `EXPIRED` is reported
 *    as `timeout`/`expired`. A step that ran for its whole `max_time` hit the time limit. An `error { key, message }`
 *    is read with the same rule table as a log line.
 * 2. Override phrases anywhere in the log tail (memory, disk, runner, system error, time limit, network): they
 *    override test failures, since an OOM-killed test run is an infrastructure failure.
 * 3. The LAST decisive line of the tail (scanning from the end: the last error is usually the cause).
 * 4. The test report: failed or errored tests and nothing stronger → `test`.
 * 5. Context, when nothing above names a cause: a build tool's own failure summary (`BUILD FAILURE`, `Execution failed
 *    for task ':app:lintDebug'`, `make: *** [all] Error 2`), then the command that failed (the last one the log shows
 *    run before the failure), then the step's name. The kind of work they name decides (`npm run lint` → build/lint,
 *    `./gradlew test` → test, "Deploy to production" → deployment); a build tool that names nothing more specific is
 *    a build failure.
 * 6. Otherwise `unknown`: a confident unknown beats a wrong label, so a rule or a named kind of work must really match.
 *
 * One pass over the tail, every rule tested once per line (lines capped at `MAX_LINE_CHARS`): linear in log size.
 */
import type {
  FailureCategory,
  FailureCause,
  FailureClassification,
  StepResult,
  TestReportSummary,
} from '../types';
import { fingerprint, normaliseMessage } from './fingerprint';
import {
  cleanLine,
  isShellSourceLine,
  isToleratedFailureLine,
  isWarningLine,
  readableLine,
  splitLines,
} from './log-lines';
import {
  BUILD_RUNNERS,
  COMMAND_LINE,
  FAILED_COMMAND_MARKER,
  FAILURE_RULES,
  JOB_END_MARKER,
  JOB_END_WITHIN_LAST_LINES,
  TOOL_SUMMARY_GATE,
  TOOL_SUMMARY_RULES,
  TRIVIAL_COMMAND,
  WORK_KINDS,
  type FailureRule,
  type ToolSummaryRule,
  type WorkKind,
} from './patterns';

export interface ClassifyFailureInput {
  stepResult: StepResult;
  /** The END of the step log (at most 64 KB); it may start mid-line. */
  logTail?: string;
  tests?: TestReportSummary;
  /** Failed plus errored test cases, when known without a summary. */
  failedTestCount?: number;
  errorKey?: string;
  errorMessage?: string;
  maxTimeMinutes?: number;
  durationSeconds?: number;
  /**
   * The weakest evidence: it decides only when neither the log nor the test report names a cause, and only when it
   * names one kind of work ("Lint", "Deploy to production"; not "Build and test").
   */
  stepName?: string;
}

/** How many lines before the decisive one may supply a more telling line of the same category. */
const MESSAGE_WINDOW_LINES = 40;
const MAX_MESSAGE_CHARS = 300;
/** No rule can match a line shorter than its shortest phrase (`Killed`). */
const MIN_MATCHABLE_CHARS = 6;

/** A rule list, strongest first, with a case-insensitive alternation of all its patterns as a cheap gate. */
interface RuleSet {
  rules: readonly FailureRule[];
  /** A superset of the rules, run once per line: the common line that matches nothing costs one execution. */
  gate: RegExp;
}

function ruleSet(rules: readonly FailureRule[]): RuleSet {
  const strongestFirst = [...rules].sort((a, b) => b.priority - a.priority);
  const gate = new RegExp(strongestFirst.map((rule) => `(?:${rule.pattern.source})`).join('|'), 'i');
  return { rules: strongestFirst, gate };
}

const ALL_RULES = ruleSet(FAILURE_RULES);
/** Once the last decisive line is found and left behind, only override phrases can still change the verdict. */
const OVERRIDE_RULES = ruleSet(FAILURE_RULES.filter((rule) => rule.strength === 'override'));
/**
 * A warning line never overrides: a download that was retried, or a memory warning, did not fail the step. It may
 * still be decisive, as tools such as Prettier print their verdict at warning level.
 */
const DECISIVE_RULES = ruleSet(FAILURE_RULES.filter((rule) => rule.strength === 'decisive'));

interface LineMatch {
  rule: FailureRule;
  lineIndex: number;
  line: string;
}

interface Verdict {
  category: FailureCategory;
  cause?: FailureCause;
  message?: string;
  rule?: string;
}

export function classifyFailure(input: ClassifyFailureInput): FailureClassification {
  const api = apiVerdict(input);
  if (api !== undefined) return withFingerprint(api);
  const scan = input.logTail === undefined || input.logTail === '' ? undefined : scanTail(input.logTail);
  const verdict = (scan && logVerdict(scan)) ??
    testReportVerdict(input) ??
    contextVerdict(scan?.context, input.stepName) ?? { category: 'unknown' };
  return withFingerprint(verdict);
}

function withFingerprint(verdict: Verdict): FailureClassification {
  const basis = verdict.message ?? verdict.rule ?? verdict.cause ?? '';
  return {
    category: verdict.category,
    ...(verdict.cause !== undefined ? { cause: verdict.cause } : {}),
    ...(verdict.rule !== undefined ? { rule: verdict.rule } : {}),
    ...(verdict.message !== undefined ? { message: verdict.message } : {}),
    fingerprint: fingerprint(verdict.category, normaliseMessage(basis)),
  };
}

function apiVerdict(input: ClassifyFailureInput): Verdict | undefined {
  if (input.stepResult === 'STOPPED') {
    return { category: 'unknown', cause: 'stopped', rule: 'api-stopped', message: 'The step was stopped' };
  }
  if (input.stepResult === 'EXPIRED') {
    return { category: 'timeout', cause: 'expired', rule: 'api-expired', message: 'The step expired' };
  }
  if (ranForWholeTimeLimit(input)) {
    return {
      category: 'timeout',
      cause: 'time-limit',
      rule: 'api-time-limit',
      message: `The step ran for its whole ${input.maxTimeMinutes} minute time limit`,
    };
  }
  return apiErrorVerdict(input.errorKey, input.errorMessage);
}

function ranForWholeTimeLimit({ maxTimeMinutes, durationSeconds }: ClassifyFailureInput): boolean {
  if (maxTimeMinutes === undefined || durationSeconds === undefined || maxTimeMinutes <= 0) return false;
  return durationSeconds >= maxTimeMinutes * 60;
}

/** The API's `error { key, message }` (ERROR results) read like a one-line log; no match leaves it to the log. */
function apiErrorVerdict(errorKey?: string, errorMessage?: string): Verdict | undefined {
  const text = [errorKey, errorMessage].filter((part) => part !== undefined && part !== '').join(': ');
  if (text === '') return undefined;
  const match = strongestRuleFor(cleanLine(text), ALL_RULES);
  if (match === undefined) return undefined;
  return verdictFrom(match, truncate(errorMessage ?? text));
}

function logVerdict(scan: TailScan): Verdict | undefined {
  const chosen = scan.override ?? mostTellingNear(scan.decisive, scan.lastDecisiveIndex);
  return chosen === undefined ? undefined : verdictFrom(chosen.rule, truncate(readableLine(chosen.line)));
}

interface SummaryMatch {
  rule: ToolSummaryRule;
  line: string;
  /** What the summary names: a goal, task, target, script or command. */
  named?: string;
}

/** What the tail shows about the work that failed, for when no rule names a cause. */
interface TailContext {
  /** The nearest build tool summary to the failure (see `ToolSummaryRule.rank`). */
  summary?: SummaryMatch;
  /** The last command run before the last failure marker, else the last command in the tail. */
  command?: string;
  sawFailureMarker: boolean;
}

interface TailScan {
  /** The strongest override match; the latest among equals. */
  override?: LineMatch;
  /** Decisive matches from the end backwards, only those within the message window of the last one. */
  decisive: LineMatch[];
  lastDecisiveIndex: number;
  context: TailContext;
}

/** One backwards pass: overrides anywhere, decisive matches near the last one, and the context of the failure. */
function scanTail(logTail: string): TailScan {
  const lines = splitLines(logTail);
  const scan: TailScan = { decisive: [], lastDecisiveIndex: -1, context: { sawFailureMarker: false } };
  for (let index = lastJobLine(lines); index >= 0; index -= 1) {
    const raw = lines[index] ?? '';
    if (raw.length < MIN_MATCHABLE_CHARS) continue;
    const line = cleanLine(raw);
    if (scan.lastDecisiveIndex < 0 && scan.override === undefined) readContext(scan.context, line);
    const rules = rulesFor(
      line,
      scan.lastDecisiveIndex >= 0 && scan.lastDecisiveIndex - index > MESSAGE_WINDOW_LINES,
    );
    if (
      rules === undefined ||
      !rules.gate.test(line) ||
      isShellSourceLine(line) ||
      isToleratedFailureLine(line)
    )
      continue;
    const rule = strongestRuleFor(line, rules, lines.length - 1 - index);
    if (rule === undefined) continue;
    recordMatch(scan, { rule, lineIndex: index, line });
  }
  return scan;
}

/** The last line of the job itself: the one before the CI system's final verdict, when the tail shows it. */
function lastJobLine(lines: readonly string[]): number {
  const last = lines.length - 1;
  for (let index = last; index >= 0 && last - index < JOB_END_WITHIN_LAST_LINES; index -= 1) {
    if (JOB_END_MARKER.test(cleanLine(lines[index] ?? ''))) return index - 1;
  }
  return last;
}

function rulesFor(line: string, pastDecisiveWindow: boolean): RuleSet | undefined {
  const warning = isWarningLine(line);
  if (pastDecisiveWindow) return warning ? undefined : OVERRIDE_RULES;
  return warning ? DECISIVE_RULES : ALL_RULES;
}

function recordMatch(scan: TailScan, match: LineMatch): void {
  if (match.rule.strength === 'override') {
    if (scan.override === undefined || match.rule.priority > scan.override.rule.priority)
      scan.override = match;
    return;
  }
  if (scan.lastDecisiveIndex < 0) scan.lastDecisiveIndex = match.lineIndex;
  if (scan.lastDecisiveIndex - match.lineIndex <= MESSAGE_WINDOW_LINES) scan.decisive.push(match);
}

/**
 * The category comes from the last decisive line; the message from the highest-priority line of that same category
 * just before it, so a Maven `Compilation failure` wrapper reports the compiler's own error line.
 */
function mostTellingNear(decisive: readonly LineMatch[], lastIndex: number): LineMatch | undefined {
  const last = decisive.find((match) => match.lineIndex === lastIndex);
  if (last === undefined) return undefined;
  return decisive
    .filter((match) => match.rule.category === last.rule.category)
    .reduce((best, match) => (match.rule.priority > best.rule.priority ? match : best), last);
}

/**
 * The highest-priority rule matching one line (the set is sorted strongest first; table order among equals), leaving
 * out weak rules when the line is further from the end than they allow.
 */
function strongestRuleFor(line: string, { rules }: RuleSet, linesFromEnd = 0): FailureRule | undefined {
  return rules.find(
    (rule) =>
      (rule.withinLastLines === undefined || linesFromEnd < rule.withinLastLines) && rule.pattern.test(line),
  );
}

/** Records, scanning backwards, the tool summary nearest the failure and the command that failed. */
function readContext(context: TailContext, line: string): void {
  const summary = isWarningLine(line) ? undefined : summaryOf(line);
  if (summary !== undefined && isNearer(summary, context.summary)) context.summary = summary;
  if (FAILED_COMMAND_MARKER.test(line) && !context.sawFailureMarker) {
    // The command above the first failure marker from the end is the one that failed, whatever ran after it.
    context.sawFailureMarker = true;
    delete context.command;
    return;
  }
  if (context.command !== undefined) return;
  const command = COMMAND_LINE.exec(line)?.[1];
  if (command !== undefined && !TRIVIAL_COMMAND.test(command)) context.command = command;
}

function summaryOf(line: string): SummaryMatch | undefined {
  if (!TOOL_SUMMARY_GATE.test(line)) return undefined;
  const rule = TOOL_SUMMARY_RULES.find((candidate) => candidate.pattern.test(line));
  if (rule === undefined) return undefined;
  const name = rule.pattern
    .exec(line)
    ?.slice(1)
    .find((group) => group !== undefined);
  return { rule, line, ...(name !== undefined ? { named: name } : {}) };
}

/** Scanning backwards, whether a summary found higher up replaces the one found so far. */
function isNearer(found: SummaryMatch, current: SummaryMatch | undefined): boolean {
  if (current === undefined || found.rule.rank > current.rule.rank) return true;
  return found.rule.rank === current.rule.rank && found.rule.earliest === true;
}

/**
 * A command as evidence of the work it does: without variable assignments, variable references, URLs and the
 * directories of paths, whose words (`$BUILD_DIR`, `https://ci.acme.dev/test-results`, `build/ci.go`) name places, not
 * work. A script's own name stays (`./scripts/ci/test.sh` → `test.sh`).
 */
function commandWords(command: string): string {
  return command
    .replace(/^(?:[A-Za-z_]\w{0,100}=\S{0,500}\s+)+/, '')
    .replace(/\$\{?\w{1,100}\}?|\b[a-z][a-z0-9+.-]{1,20}:\/\/\S{0,500}/gi, ' ')
    .replace(/\S{0,500}\/(?=[^\s/])/g, '');
}

const kindById = (id: WorkKind['id']): WorkKind | undefined => WORK_KINDS.find((kind) => kind.id === id);

/**
 * The kind of work a command, target or step name names: exactly one kind of work, or a build tool that runs it
 * (build); `'none'` when it names no kind of work, `'several'` when it names more than one.
 */
function kindOfWork(text: string): WorkKind | 'none' | 'several' {
  const kinds = WORK_KINDS.filter((kind) => kind.words.test(text));
  if (kinds.length > 1) return 'several';
  return kinds[0] ?? (BUILD_RUNNERS.test(text) ? (kindById('build') ?? 'none') : 'none');
}

const oneKind = (kind: WorkKind | 'none' | 'several'): WorkKind | undefined =>
  typeof kind === 'string' ? undefined : kind;

function workVerdict(kind: WorkKind, rule: string, message: string): Verdict {
  return { category: kind.category, cause: kind.cause, rule, message: truncate(message) };
}

/** The kind of work a summary says failed: what it names, else the tool's own kind unless the name is ambiguous. */
function summaryKind({ rule, named }: SummaryMatch): WorkKind | undefined {
  const byName = named === undefined ? 'none' : kindOfWork(commandWords(named));
  if (byName !== 'none') return oneKind(byName);
  return rule.kind === undefined ? undefined : kindById(rule.kind);
}

function contextVerdict(context: TailContext | undefined, stepName?: string): Verdict | undefined {
  if (context === undefined) return undefined;
  const summary = context.summary;
  const bySummary = summary === undefined ? undefined : summaryKind(summary);
  if (summary !== undefined && bySummary !== undefined) {
    return workVerdict(bySummary, `context-${summary.rule.id}`, readableLine(summary.line));
  }
  const command = context.command;
  const byCommand = command === undefined ? undefined : oneKind(kindOfWork(commandWords(command)));
  if (command !== undefined && byCommand !== undefined) {
    return workVerdict(byCommand, 'context-failed-command', `Command failed: ${command.trim()}`);
  }
  const byStep = stepName === undefined ? undefined : oneKind(kindOfWork(stepName));
  if (stepName !== undefined && byStep !== undefined) {
    return workVerdict(byStep, 'context-step-name', `Step "${stepName}" failed`);
  }
  return undefined;
}

function testReportVerdict(input: ClassifyFailureInput): Verdict | undefined {
  const failed = input.tests ? input.tests.failed + input.tests.error : (input.failedTestCount ?? 0);
  if (failed <= 0) return undefined;
  return {
    category: 'test',
    cause: 'test-failure',
    rule: 'test-report',
    message: `${failed} failed test${failed === 1 ? '' : 's'} in the test report`,
  };
}

function verdictFrom(rule: FailureRule, message: string): Verdict {
  const verdict: Verdict = { category: rule.category, rule: rule.id, message };
  if (rule.cause !== undefined) verdict.cause = rule.cause;
  return verdict;
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}
