/** Every repository's health side by side, so an admin sees where pipelines hurt most. Hook-free cells. */
import { DynamicTable, Lozenge, SectionMessage, Stack, Text } from '@forge/react';
import type { RepoHealthRow } from '../../contract/resolvers';
import { formatCount, formatMinutes, formatPercent, formatRelative } from '../format';
import { EmptyNotice } from './status-messages';
import { cellKey, timeKey } from './table-keys';
import { UntrustedText } from './untrusted-text';

const HEAD = {
  cells: [
    { key: 'repo', content: 'Repository', isSortable: true },
    { key: 'monitored', content: 'Monitored', isSortable: true },
    { key: 'pipelines', content: 'Pipelines', isSortable: true },
    { key: 'success', content: 'Success rate', isSortable: true },
    { key: 'flaky', content: 'Flaky tests', isSortable: true },
    { key: 'broken', content: 'Broken tests', isSortable: true },
    { key: 'minutes', content: 'Build minutes', isSortable: true },
    { key: 'last', content: 'Last recorded', isSortable: true },
  ],
};

export function RepoHealthTable({ repos }: { repos: RepoHealthRow[] }) {
  if (repos.length === 0) {
    return (
      <EmptyNotice
        header="No repositories yet"
        description="Repositories appear here once one of them runs a pipeline, or after a backfill."
      />
    );
  }
  const rows = [...repos]
    .sort(
      (a, b) => b.brokenTests - a.brokenTests || b.flakyTests - a.flakyTests || a.slug.localeCompare(b.slug),
    )
    .map((repo) => ({
      key: repo.repoUuid,
      cells: [
        { key: cellKey('repo', repo.slug), content: <UntrustedText text={repo.slug} /> },
        {
          key: cellKey('monitored', repo.monitored ? 1 : 0),
          content: repo.monitored ? (
            <Lozenge appearance="success">Monitored</Lozenge>
          ) : (
            <Lozenge>Not monitored</Lozenge>
          ),
        },
        { key: cellKey('pipelines', repo.pipelines), content: formatCount(repo.pipelines) },
        { key: cellKey('success', (repo.successRate ?? 0) * 1000), content: formatPercent(repo.successRate) },
        { key: cellKey('flaky', repo.flakyTests), content: formatCount(repo.flakyTests) },
        { key: cellKey('broken', repo.brokenTests), content: formatCount(repo.brokenTests) },
        { key: cellKey('minutes', repo.buildMinutes), content: formatMinutes(repo.buildMinutes) },
        { key: cellKey('last', timeKey(repo.lastRecordedAt)), content: formatRelative(repo.lastRecordedAt) },
      ],
    }));
  const refused = repos.filter((r) => r.codeInsightsRefused);
  return (
    <Stack space="space.200">
      {refused.length > 0 && (
        <SectionMessage appearance="warning" title="Bitbucket refused Code Insights reports">
          <Stack space="space.050">
            {refused.map((r) => (
              <UntrustedText
                key={r.repoUuid}
                text={`${r.slug} (${formatRelative(r.codeInsightsRefused?.at)}): ${r.codeInsightsRefused?.why ?? ''}`}
                limit={400}
              />
            ))}
            <Text>
              Check that the app is installed with its permissions, or turn Code Insights off under Settings.
            </Text>
          </Stack>
        </SectionMessage>
      )}
      <IngestionProblems repos={repos} />
      <DynamicTable caption="Repository health" head={HEAD} rows={rows} rowsPerPage={25} />
    </Stack>
  );
}

const STAGE_TEXT = {
  sweep: 'could not be listed by the hourly sweep',
  ingest: 'a pipeline could not be recorded',
} as const;

/** What ingestion could not do, per repository: a repository the app may no longer read, a limit no retry passes. */
function IngestionProblems({ repos }: { repos: RepoHealthRow[] }) {
  const problems = repos.flatMap((r) => (r.ingestionProblems ?? []).map((p) => ({ repo: r, p })));
  if (problems.length === 0) return null;
  return (
    <SectionMessage appearance="warning" title="Pipelines that could not be recorded">
      <Stack space="space.050">
        {problems.map(({ repo, p }) => (
          <UntrustedText
            key={`${repo.repoUuid}:${p.stage}`}
            text={`${repo.slug} (${formatRelative(p.at)}): ${STAGE_TEXT[p.stage]}${p.buildNumber !== undefined ? ` (pipeline #${p.buildNumber})` : ''}: ${p.why}`}
            limit={400}
          />
        ))}
        <Text>
          These are not retried: check the app's access to the repository, then the next hourly sweep tries
          again.
        </Text>
      </Stack>
    </SectionMessage>
  );
}
