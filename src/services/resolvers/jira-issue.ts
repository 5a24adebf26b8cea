/** `createJiraIssue`: an issue for a suggestion or a test, created directly (token stored) or via Jira's create screen. */
import type { JiraResult, JiraSubject } from '../../contract/resolvers';
import type { WorkspaceSettings } from '../../contract/settings';
import { escapeControls, fitText } from '../../domain/test-identity';
import type { RepoRef } from '../../domain/types';
import * as keys from '../../storage/keys';
import { updateDoc } from '../commit-with-retry';
import { ResolverError } from './errors';
import type { ResolverDeps } from './deps';
import { createScreenUrl, DEFAULT_ISSUE_TYPE, JiraError, MAX_SUMMARY, type JiraIssueDraft } from './jira';
import { readSettings, repoReport } from './repo-actions';

/** The Jira settings in effect: the saved ones, over the local defaults (JIRA_SITE, JIRA_EMAIL) where there are any. */
export function jiraSettingsOf(
  deps: ResolverDeps,
  settings: WorkspaceSettings,
): Partial<NonNullable<WorkspaceSettings['jira']>> {
  return { ...deps.jira.defaults, ...settings.jira };
}

/**
 * With the workspace's stored Jira token the issue is created directly, for callers who may write to the repository;
 * everyone else (and every caller when no token is stored) gets Jira's own create screen, filled in, and creates
 * the issue with their own Jira account.
 */
export async function createJiraIssue(
  deps: ResolverDeps,
  repo: RepoRef,
  accountId: string,
  subject: JiraSubject,
  mayWrite: () => Promise<boolean>,
): Promise<JiraResult> {
  const jira = jiraSettingsOf(deps, await readSettings(deps));
  if (!jira.site) {
    throw new ResolverError(
      'not-configured',
      'No Jira site is set: a workspace admin can set it in Pipeline insights settings, under Jira.',
    );
  }
  const draft = await draftFor(
    deps,
    repo,
    subject,
    jira.projectKey ?? '',
    jira.issueType ?? DEFAULT_ISSUE_TYPE,
  );
  const connection = jira.email ? { site: jira.site, email: jira.email } : undefined;
  if (!connection || !jira.projectKey || !(await deps.jira.isConfigured(connection)) || !(await mayWrite())) {
    return { mode: 'open-create-screen', url: createScreenUrl(jira.site, draft) };
  }
  let created: { key: string; url: string };
  try {
    created = await deps.jira.create(connection, draft);
  } catch (error) {
    if (error instanceof JiraError) throw new ResolverError('upstream', error.message);
    throw error;
  }
  if (subject.kind === 'suggestion') {
    // A conditional write: a status set meanwhile for this suggestion is kept, not reverted.
    await updateDoc(deps.store, keys.suggestionState(repo.repoUuid, subject.id), (current) => ({
      status: current?.status ?? 'open',
      jiraIssueKey: created.key,
      jiraIssueUrl: created.url,
      updatedAt: deps.now().toISOString(),
      updatedBy: accountId,
    }));
  }
  return { mode: 'created', key: created.key, url: created.url };
}

/** The whole name on one line: a newline or a control character in it is written as an escape (`\n`, `\u001b`). */
const testLine = (name: string): string => `Test: ${escapeControls(name, '\t')}`;

async function draftFor(
  deps: ResolverDeps,
  repo: RepoRef,
  subject: JiraSubject,
  projectKey: string,
  issueType: string,
): Promise<JiraIssueDraft> {
  const report = await repoReport(deps, repo);
  const where = `Repository: ${repo.fullName ?? repo.repoSlug} (https://bitbucket.org/${repo.fullName ?? `${repo.workspace}/${repo.repoSlug}`})`;
  if (subject.kind === 'suggestion') {
    const s = report.suggestions.find((x) => x.id === subject.id);
    if (!s) throw new ResolverError('not-found', 'This suggestion no longer applies to the repository.');
    const test = report.tests.find((x) => x.id === s.subject);
    return {
      summary: escapeControls(s.title),
      description: [
        ...(test ? [testLine(test.name), ''] : []),
        s.detail,
        '',
        ...s.evidence.map((e) => `- ${e}`),
        '',
        where,
      ].join('\n'),
      projectKey,
      issueType,
    };
  }
  const t = report.tests.find((x) => x.id === subject.testId);
  if (!t) throw new ResolverError('not-found', 'This test has no recorded failure in the last 30 days.');
  const what =
    t.classification === 'broken'
      ? 'Fix broken test'
      : t.classification === 'flaky'
        ? 'Fix flaky test'
        : 'Investigate test';
  return {
    // The summary holds 250 characters: a longer name is cut there, marked; the description has it whole.
    summary: `${what} ${fitText(escapeControls(t.name), MAX_SUMMARY - what.length - 1)}`,
    description: [
      testLine(t.name),
      `Step ${t.step}: ${t.classification}, ${t.failures} failure(s) in ${t.runs} run(s).`,
      '',
      ...t.evidence.map((e) => `- ${e.detail}${e.url ? ` (${e.url})` : ''}`),
      '',
      where,
    ].join('\n'),
    projectKey,
    issueType,
  };
}
