/**
 * The per-pull-request index: the step attempts of the PR's newest commit, kept small and updated with each attempt
 * in the same transaction that records it. The PR panel and the Code Insights report read this one document, so
 * their cost does not grow with the repository's history.
 *
 * Bounded by bytes, as the store measures the document: at most MAX_PR_ATTEMPTS attempts, newest first, and as many
 * named failed tests as fit in `maxBytes`, newest attempts first. A test's name is its identity and the panel shows
 * it exactly, so names are kept verbatim (up to Bitbucket's 2,000 characters); a test that does not fit is dropped
 * whole and counted in its attempt's `failedTestsOmitted` ("N more not listed").
 */
import type { AttemptRecord } from './attempt';
import { appendWithin, jsonBytes } from './json-size';
import type { FailureCategory, StepResult } from './types';

export const MAX_PR_ATTEMPTS = 60;

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

export function prAttemptOf(a: AttemptRecord): PrAttempt {
  return {
    pipelineUuid: a.pipelineUuid,
    buildNumber: a.buildNumber,
    stepUuid: a.stepUuid,
    stepName: a.stepName,
    runNumber: a.runNumber,
    result: a.result,
    completedOn: a.completedOn,
    failedTests: a.failedTests.map((t) => ({ id: t.id, name: t.name })),
    failedTestsOmitted: a.failedTestsOmitted,
    ...(a.failure
      ? {
          failure: {
            category: a.failure.category,
            ...(a.failure.message ? { message: a.failure.message.slice(0, 500) } : {}),
          },
        }
      : {}),
  };
}

const sameCommit = (index: PrIndex, a: AttemptRecord): boolean =>
  index.commit !== undefined && a.commit !== undefined ? index.commit === a.commit : false;

/**
 * The index after one more attempt of the PR, at most `maxBytes` of JSON, or undefined when the attempt changes
 * nothing (it belongs to an older commit than the newest seen, or it is already in).
 */
export function applyAttemptToPrIndex(
  index: PrIndex | undefined,
  a: AttemptRecord,
  maxBytes: number,
): PrIndex | undefined {
  if (a.pullRequestId === undefined) return undefined;
  const entry = prAttemptOf(a);
  if (!index || (!sameCommit(index, a) && a.buildNumber > index.newestBuild)) {
    const fresh = {
      pullRequestId: a.pullRequestId,
      ...(a.commit ? { commit: a.commit } : {}),
      newestBuild: a.buildNumber,
      attempts: [entry],
    };
    return bound(fresh, maxBytes);
  }
  const samePipelineOnly = index.commit === undefined || a.commit === undefined;
  const belongs =
    sameCommit(index, a) ||
    (samePipelineOnly && index.attempts.some((x) => x.pipelineUuid === a.pipelineUuid));
  if (!belongs) return undefined;
  if (index.attempts.some((x) => attemptId(x) === attemptId(entry))) return undefined;
  return bound(
    {
      ...index,
      newestBuild: Math.max(index.newestBuild, a.buildNumber),
      attempts: [...index.attempts, entry],
    },
    maxBytes,
  );
}

/**
 * Keeps the newest MAX_PR_ATTEMPTS attempts, then names failed tests newest attempts first while the document stays
 * within `maxBytes`; from the first test that does not fit on, tests are counted, not named. Every attempt is first
 * sized with all its tests counted, and naming a test only lowers a count, so the estimate never falls short.
 */
function bound(index: PrIndex, maxBytes: number): PrIndex {
  const newestFirst = [...index.attempts]
    .sort((x, y) => y.completedOn.localeCompare(x.completedOn) || y.runNumber - x.runNumber)
    .slice(0, MAX_PR_ATTEMPTS);
  const attempts = newestFirst.map((a) => ({
    ...a,
    failedTests: [] as PrAttempt['failedTests'],
    failedTestsOmitted: a.failedTestsOmitted + a.failedTests.length,
  }));
  let size = jsonBytes({ ...index, attempts });
  while (size > maxBytes && attempts.length > 1) {
    attempts.pop();
    size = jsonBytes({ ...index, attempts });
  }
  for (const [i, kept] of attempts.entries()) {
    const tests = newestFirst[i]?.failedTests ?? [];
    size += appendWithin(kept.failedTests, tests, maxBytes - size);
    kept.failedTestsOmitted -= kept.failedTests.length;
    if (kept.failedTests.length < tests.length) break;
  }
  return { ...index, attempts };
}
