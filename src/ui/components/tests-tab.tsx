/**
 * The Tests tab: the tests table for all branches or one, with quarantine (optimistic, rolled back on failure) and
 * Jira actions. Choosing a branch asks `getRepoInsights` again, scoped to that branch.
 */
import { useState } from 'react';
import { Stack, Text } from '@forge/react';
import type { RepoReport, TestReport } from '../../contract/insights';
import { call } from '../invoke';
import { isolate } from '../format';
import { useJiraIssues, jiraSubjectKey } from '../use-jira-issues';
import { useOptimisticChanges } from '../use-optimistic-changes';
import { useResolverWhen } from '../use-resolver';
import { BranchFilter } from './branch-filter';
import { ActionError, EmptyNotice, ErrorNotice } from './status-messages';
import { TestsTable } from './tests-table';

/** Branches worth offering when the report does not list them: the default branch and those that failed. */
export function branchesOf(report: RepoReport): string[] {
  if (report.window.branches) return report.window.branches;
  const names = new Set<string>();
  if (report.repository.defaultBranch) names.add(report.repository.defaultBranch);
  for (const failure of report.failures) if (failure.branch) names.add(failure.branch);
  return [...names];
}

/** The whole name, quoted and isolated: a message about a test names it exactly. */
function nameInMessage(name: string): string {
  return `\u201c${isolate(name)}\u201d`;
}

export function TestsTab({ report }: { report: RepoReport }) {
  const [branch, setBranch] = useState<string>();
  const scoped = useResolverWhen(branch !== undefined, 'getRepoInsights', { branch });
  const quarantine = useOptimisticChanges<boolean>();
  const jira = useJiraIssues();

  const source = branch === undefined ? report : scoped.data;
  const tests = (source?.tests ?? []).filter((test) => test.classification !== 'healthy' || test.quarantined);

  const toggleQuarantine = (test: TestReport, next: boolean) =>
    quarantine.change({
      id: test.id,
      previous: quarantine.valueOf(test.id, test.quarantined),
      next,
      save: () =>
        call('setQuarantine', { testId: test.id, quarantined: next }).then((result) => result.quarantined),
      failure: `Could not ${next ? 'quarantine' : 'unquarantine'} ${nameInMessage(test.name)}`,
    });

  return (
    <Stack space="space.200">
      <BranchFilter branches={branchesOf(report)} branch={branch} onChange={setBranch} />
      {quarantine.error !== undefined && (
        <ActionError message={quarantine.error} onDismiss={quarantine.dismissError} />
      )}
      {branch !== undefined && scoped.error ? (
        <ErrorNotice
          title={`Could not load tests for ${branch}`}
          error={scoped.error}
          onRetry={scoped.reload}
        />
      ) : tests.length === 0 && !scoped.loading ? (
        <EmptyTests branch={branch} />
      ) : (
        <>
          <Text>{summary(tests)}</Text>
          <TestsTable
            tests={tests}
            isLoading={branch !== undefined && scoped.loading}
            isQuarantined={(test) => quarantine.valueOf(test.id, test.quarantined)}
            isPending={(test) => quarantine.isPending(test.id)}
            jira={(test) => jira.states[jiraSubjectKey({ kind: 'test', testId: test.id })]}
            onQuarantine={toggleQuarantine}
            canChange={report.viewer?.canChange ?? true}
            onCreateJira={(test) => jira.create({ kind: 'test', testId: test.id })}
          />
        </>
      )}
    </Stack>
  );
}

function summary(tests: TestReport[]): string {
  const count = (classification: TestReport['classification']) =>
    tests.filter((test) => test.classification === classification).length;
  return `${count('flaky')} flaky, ${count('broken')} broken, ${count('fixed')} fixed`;
}

function EmptyTests({ branch }: { branch?: string }) {
  return (
    <EmptyNotice
      header={branch === undefined ? 'No flaky or broken tests' : `No flaky or broken tests on ${branch}`}
      description="Every test that ran in this window either always passed or has not failed often enough to judge. Tests show up here once they fail, with the evidence behind their label."
    />
  );
}
