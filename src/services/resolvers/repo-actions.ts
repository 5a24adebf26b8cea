/** Repository-scoped resolvers: insights, the PR panel, quarantine, suggestion status. */
import type { RepoReport, Suggestion, SuggestionStatus } from '../../contract/insights';
import type { WorkspaceSettings } from '../../contract/settings';
import { BitbucketError } from '../../bitbucket/errors';
import { daysAgo } from '../../domain/time';
import type { FailureCategory, RepoRef } from '../../domain/types';
import type { FailuresPage } from '../../contract/resolvers';
import * as keys from '../../storage/keys';
import { repoBackfillProgress } from '../backfill';
import { commitWithRetry, updateDoc } from '../commit-with-retry';
import { listFailures } from '../failure-list';
import { buildRepoReport, failureReport } from '../repo-report';
import { readWorkspaceSettings } from '../settings';
import { ResolverError } from './errors';
import type { ResolverDeps } from './deps';

export const QUARANTINE_VARIABLE = 'PIPELINE_INSIGHTS_QUARANTINE';
/**
 * The most bytes the variable's value may hold. A step gets the variable as one environment string
 * (`PIPELINE_INSIGHTS_QUARANTINE=<value>`), and Linux refuses to start a program whose single environment string is
 * over MAX_ARG_STRLEN (131,072 bytes, "Argument list too long"): a bigger value would break every command of every
 * step. Bitbucket documents no limit of its own for a variable's value (unverified: a smaller one would answer an
 * error, shown as such). A quarantine that would not fit is refused, so the variable always holds every quarantined
 * name whole, never a cut or silently shortened list.
 */
export const QUARANTINE_VARIABLE_MAX_BYTES = 131_072 - Buffer.byteLength(`${QUARANTINE_VARIABLE}=`) - 1;
export const REPORT_WINDOW_DAYS = 30;
const WEB_URL = 'https://bitbucket.org';
const MAX_QUARANTINED = 200;

/** The variable's value: the quarantined names, verbatim, as a JSON list. */
export const quarantineVariableValue = (names: string[]): string => JSON.stringify(names);

export async function readSettings(deps: ResolverDeps): Promise<WorkspaceSettings> {
  return readWorkspaceSettings(deps.store, deps.workspace);
}

/** Failed attempts per page of the Failures tab (and in the page's first answer). */
export const FAILURES_PAGE = 20;

export async function repoReport(deps: ResolverDeps, repo: RepoRef, branch?: string): Promise<RepoReport> {
  const now = deps.now();
  const [report, backfill] = await Promise.all([
    buildRepoReport(deps.store, {
      workspace: deps.workspace,
      repo,
      since: daysAgo(now, REPORT_WINDOW_DAYS),
      until: now,
      ...(branch ? { branch } : {}),
      webUrl: WEB_URL,
      bounded: { failuresPage: FAILURES_PAGE },
    }),
    repoBackfillProgress(deps.store, deps.workspace, repo.repoUuid),
  ]);
  return backfill ? { ...report, ingestion: { ...report.ingestion, backfill } } : report;
}

/** A page of the Failures tab: the window's failed attempts, newest first, of one category or all. */
export async function failuresPage(
  deps: ResolverDeps,
  repo: RepoRef,
  p: { category?: FailureCategory; cursor?: string },
): Promise<FailuresPage> {
  const since = daysAgo(deps.now(), REPORT_WINDOW_DAYS).toISOString();
  const page = await listFailures(deps.store, repo.repoUuid, { limit: FAILURES_PAGE, since, ...p });
  return {
    failures: page.failures.map((f) => failureReport(f, { repo, webUrl: WEB_URL })),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
}

export async function setQuarantine(
  deps: ResolverDeps,
  repo: RepoRef,
  accountId: string,
  p: { testId: string; quarantined: boolean },
): Promise<{ testId: string; quarantined: boolean }> {
  const state = await deps.store.getDoc(keys.testState(repo.repoUuid, p.testId));
  if (!state) throw new ResolverError('not-found', 'No failure of this test is recorded in this repository.');
  const docKey = keys.quarantine(repo.repoUuid);
  let names: string[] = [];
  await commitWithRetry(deps.store, async () => {
    const current = await deps.store.getDoc(docKey);
    const tests = current?.value.tests ?? [];
    names = tests.map((t) => t.name);
    const listed = tests.some((t) => t.id === p.testId);
    if (listed === p.quarantined) return undefined;
    const next = p.quarantined
      ? [...tests, { id: p.testId, name: state.value.name, at: deps.now().toISOString(), by: accountId }]
      : tests.filter((t) => t.id !== p.testId);
    if (next.length > MAX_QUARANTINED)
      throw new ResolverError(
        'invalid',
        `At most ${MAX_QUARANTINED} tests can be quarantined in a repository.`,
      );
    const bytes = Buffer.byteLength(quarantineVariableValue(next.map((t) => t.name)));
    if (p.quarantined && bytes > QUARANTINE_VARIABLE_MAX_BYTES) {
      throw new ResolverError(
        'invalid',
        `Not quarantined: with this test the ${QUARANTINE_VARIABLE} variable would hold ${bytes.toLocaleString('en')} bytes of test names, ` +
          `over the ${QUARANTINE_VARIABLE_MAX_BYTES.toLocaleString('en')} a pipeline step can take. Unquarantine a test first.`,
      );
    }
    names = next.map((t) => t.name);
    return [{ kind: 'put', key: docKey, value: { tests: next }, expectedVersion: current?.version ?? 0 }];
  });
  await publishQuarantine(deps, repo, names);
  return { testId: p.testId, quarantined: p.quarantined };
}

/**
 * The quarantine list as a repository variable, so a pipeline script can skip those tests. Published on every
 * toggle (also a no-op one), which repairs a variable a failed earlier publish left stale.
 */
async function publishQuarantine(deps: ResolverDeps, repo: RepoRef, names: string[]): Promise<void> {
  if (!deps.client || !(await readSettings(deps)).publishQuarantine) return;
  const value = quarantineVariableValue(names);
  if (Buffer.byteLength(value) > QUARANTINE_VARIABLE_MAX_BYTES) {
    throw new ResolverError(
      'invalid',
      `The quarantine is saved, but ${QUARANTINE_VARIABLE} was not updated: its ${names.length} names take ${Buffer.byteLength(value).toLocaleString('en')} bytes, ` +
        `over the ${QUARANTINE_VARIABLE_MAX_BYTES.toLocaleString('en')} a pipeline step can take. Unquarantine tests until they fit.`,
    );
  }
  try {
    await deps.client.setPipelineVariable(repo, QUARANTINE_VARIABLE, value);
  } catch (error) {
    if (!(error instanceof BitbucketError)) throw error;
    throw new ResolverError(
      'upstream',
      `The quarantine is saved, but Bitbucket refused the ${QUARANTINE_VARIABLE} variable: ${error.message}`,
    );
  }
}

export async function findSuggestion(
  deps: ResolverDeps,
  repo: RepoRef,
  suggestionId: string,
): Promise<Suggestion> {
  const suggestion = (await repoReport(deps, repo)).suggestions.find((s) => s.id === suggestionId);
  if (!suggestion)
    throw new ResolverError('not-found', 'This suggestion no longer applies to the repository.');
  return suggestion;
}

export async function setSuggestionStatus(
  deps: ResolverDeps,
  repo: RepoRef,
  accountId: string,
  p: { suggestionId: string; status: SuggestionStatus },
): Promise<{ suggestionId: string; status: SuggestionStatus }> {
  await findSuggestion(deps, repo, p.suggestionId);
  // A conditional write: a Jira link saved meanwhile for this suggestion is kept, not overwritten.
  await updateDoc(deps.store, keys.suggestionState(repo.repoUuid, p.suggestionId), (current) => ({
    ...current,
    status: p.status,
    updatedAt: deps.now().toISOString(),
    updatedBy: accountId,
  }));
  return { suggestionId: p.suggestionId, status: p.status };
}
