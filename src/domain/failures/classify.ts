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
 * 5. Otherwise `unknown`: a confident unknown beats a wrong label, so a rule must really match.
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
import { cleanLine, isShellSourceLine, isWarningLine, splitLines } from './log-lines';
import { FAILURE_RULES, type FailureRule } from './patterns';

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
  /** For callers' context only: a step's name is no evidence of why it failed, so it never decides a category. */
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
  const verdict = apiVerdict(input) ??
    logVerdict(input.logTail) ??
    testReportVerdict(input) ?? { category: 'unknown' };
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

function logVerdict(logTail?: string): Verdict | undefined {
  if (logTail === undefined || logTail === '') return undefined;
  const scan = scanTail(logTail);
  const chosen = scan.override ?? mostTellingNear(scan.decisive, scan.lastDecisiveIndex);
  return chosen === undefined ? undefined : verdictFrom(chosen.rule, truncate(chosen.line.trim()));
}

interface TailScan {
  /** The strongest override match; the latest among equals. */
  override?: LineMatch;
  /** Decisive matches from the end backwards, only those within the message window of the last one. */
  decisive: LineMatch[];
  lastDecisiveIndex: number;
}

/** One backwards pass: overrides anywhere, decisive matches near the last one. */
function scanTail(logTail: string): TailScan {
  const lines = splitLines(logTail);
  const scan: TailScan = { decisive: [], lastDecisiveIndex: -1 };
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const raw = lines[index] ?? '';
    if (raw.length < MIN_MATCHABLE_CHARS) continue;
    const line = cleanLine(raw);
    const rules = rulesFor(
      line,
      scan.lastDecisiveIndex >= 0 && scan.lastDecisiveIndex - index > MESSAGE_WINDOW_LINES,
    );
    if (rules === undefined || !rules.gate.test(line) || isShellSourceLine(line)) continue;
    const rule = strongestRuleFor(line, rules, lines.length - 1 - index);
    if (rule === undefined) continue;
    recordMatch(scan, { rule, lineIndex: index, line });
  }
  return scan;
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
