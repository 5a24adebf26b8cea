/**
 * The per-pull-request index: the step attempts of the PR's newest commit, kept small and updated with each attempt
 * in the same transaction that records it. The PR panel and the Code Insights report read this one document, so
 * their cost does not grow with the repository's history.
 *
 * Bounded: at most MAX_PR_ATTEMPTS attempts, MAX_PR_FAILED_REFS named failed tests over all of them, and names cut
 * to MAX_PR_NAME characters (the full name is in the test's detector state).
 */
import type { AttemptRecord } from './attempt';
import type { FailureCategory, StepResult } from './types';

export const MAX_PR_ATTEMPTS = 60;
export const MAX_PR_FAILED_REFS = 400;
export const MAX_PR_NAME = 300;

export interface PrAttempt {
  pipelineUuid: string;
  buildNumber: number;
  stepUuid: string;
  stepName: string;
  runNumber: number;
  result: StepResult;
  completedOn: string;
  failedTests: { id: string; name: string }[];
  /** Failed tests counted but not named (beyond the attempt's or the index's cap). */
  failedTestsOmitted: number;
  failure?: { category: FailureCategory; message?: string };
}

export interface PrIndex {
  pullRequestId: number;
  /** The commit of the newest pipeline seen for this PR; attempts of older commits are dropped. */
  commit?: string;
  newestBuild: number;
  attempts: PrAttempt[];
}

const attemptId = (a: Pick<PrAttempt, 'pipelineUuid' | 'stepUuid' | 'runNumber'>): string =>
  `${a.pipelineUuid}:${a.stepUuid}:${a.runNumber}`;

function cut(name: string): string {
  return name.length > MAX_PR_NAME ? `${name.slice(0, MAX_PR_NAME - 1)}…` : name;
}

export function prAttemptOf(a: AttemptRecord): PrAttempt {
  return {
    pipelineUuid: a.pipelineUuid,
    buildNumber: a.buildNumber,
    stepUuid: a.stepUuid,
    stepName: a.stepName,
    runNumber: a.runNumber,
    result: a.result,
    completedOn: a.completedOn,
    failedTests: a.failedTests.map((t) => ({ id: t.id, name: cut(t.name) })),
    failedTestsOmitted: a.failedTestsOmitted,
    ...(a.failure ? { failure: { category: a.failure.category, ...(a.failure.message ? { message: a.failure.message.slice(0, 500) } : {}) } } : {}),
  };
}

const sameCommit = (index: PrIndex, a: AttemptRecord): boolean =>
  index.commit !== undefined && a.commit !== undefined ? index.commit === a.commit : false;

/**
 * The index after one more attempt of the PR, or undefined when the attempt changes nothing (it belongs to an older
 * commit than the newest seen, or it is already in).
 */
export function applyAttemptToPrIndex(index: PrIndex | undefined, a: AttemptRecord): PrIndex | undefined {
  if (a.pullRequestId === undefined) return undefined;
  const entry = prAttemptOf(a);
  if (!index || (!sameCommit(index, a) && a.buildNumber > index.newestBuild)) {
    return bound({ pullRequestId: a.pullRequestId, ...(a.commit ? { commit: a.commit } : {}), newestBuild: a.buildNumber, attempts: [entry] });
  }
  const samePipelineOnly = index.commit === undefined || a.commit === undefined;
  const belongs = sameCommit(index, a) || (samePipelineOnly && index.attempts.some((x) => x.pipelineUuid === a.pipelineUuid));
  if (!belongs) return undefined;
  if (index.attempts.some((x) => attemptId(x) === attemptId(entry))) return undefined;
  return bound({ ...index, newestBuild: Math.max(index.newestBuild, a.buildNumber), attempts: [...index.attempts, entry] });
}

/** Keeps the newest attempts and at most MAX_PR_FAILED_REFS named failed tests (newest attempts first). */
function bound(index: PrIndex): PrIndex {
  const newestFirst = [...index.attempts]
    .sort((x, y) => y.completedOn.localeCompare(x.completedOn) || y.runNumber - x.runNumber)
    .slice(0, MAX_PR_ATTEMPTS);
  let room = MAX_PR_FAILED_REFS;
  const attempts = newestFirst.map((a) => {
    if (a.failedTests.length <= room) {
      room -= a.failedTests.length;
      return a;
    }
    const kept = a.failedTests.slice(0, room);
    room = 0;
    return { ...a, failedTests: kept, failedTestsOmitted: a.failedTestsOmitted + a.failedTests.length - kept.length };
  });
  return { ...index, attempts };
}
