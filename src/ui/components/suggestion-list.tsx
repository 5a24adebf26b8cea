/**
 * The Suggestions tab: what to fix, how urgent, what it saves, where it stands. Status changes show at once and roll
 * back with a message if the resolver refuses them. Cell contents are hook-free (DynamicTable calls them directly).
 */
import { DynamicTable, Select, Stack, Text } from '@forge/react';
import type { Suggestion, SuggestionStatus } from '../../contract/insights';
import { call } from '../invoke';
import { isolate } from '../format';
import { jiraSubjectKey, useJiraIssues, type JiraState } from '../use-jira-issues';
import { useOptimisticChanges } from '../use-optimistic-changes';
import { optionValue } from './form-events';
import { JiraAction } from './jira-action';
import { PRIORITY_RANK, PriorityLozenge, STATUS_TEXT } from './labels';
import { savingsText, savingsWeight } from './savings';
import { ActionError, EmptyNotice } from './status-messages';
import { cellKey } from './table-keys';
import { UntrustedText } from './untrusted-text';

const STATUSES: SuggestionStatus[] = ['open', 'in-progress', 'done', 'dismissed'];
const STATUS_OPTIONS = STATUSES.map((status) => ({ label: STATUS_TEXT[status], value: status }));

function isStatus(value: string): value is SuggestionStatus {
  return (STATUSES as string[]).includes(value);
}

const HEAD = {
  cells: [
    { key: 'priority', content: 'Priority', isSortable: true },
    { key: 'suggestion', content: 'Suggestion' },
    { key: 'savings', content: 'Estimated savings', isSortable: true },
    { key: 'status', content: 'Status', isSortable: true },
    { key: 'jira', content: 'Jira' },
  ],
};

/** `canChange`: the viewer may change a status (write access); read-only viewers see the status as text. */
export function SuggestionList({
  suggestions,
  canChange = true,
}: {
  suggestions: Suggestion[];
  canChange?: boolean;
}) {
  const statuses = useOptimisticChanges<SuggestionStatus>();
  const jira = useJiraIssues();
  if (suggestions.length === 0) {
    return (
      <EmptyNotice
        header="No suggestions yet"
        description="Suggestions come from patterns across recorded pipelines: repeated flaky tests, slow or out-of-memory steps, missing caches. They appear as soon as a pattern holds."
      />
    );
  }

  const changeStatus = (suggestion: Suggestion, next: SuggestionStatus) =>
    statuses.change({
      id: suggestion.id,
      previous: statuses.valueOf(suggestion.id, suggestion.status),
      next,
      save: () =>
        call('setSuggestionStatus', { suggestionId: suggestion.id, status: next }).then(
          (result) => result.status,
        ),
      failure: `Could not mark \u201c${isolate(suggestion.title)}\u201d as ${STATUS_TEXT[next].toLowerCase()}`,
    });

  const rows = [...suggestions]
    .sort(
      (a, b) =>
        PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
        savingsWeight(b.impact) - savingsWeight(a.impact),
    )
    .map((suggestion) => {
      const status = statuses.valueOf(suggestion.id, suggestion.status);
      return {
        key: suggestion.id,
        cells: [
          {
            key: cellKey('priority', PRIORITY_RANK[suggestion.priority]),
            content: <PriorityLozenge priority={suggestion.priority} />,
          },
          { key: cellKey('suggestion', suggestion.id), content: <SuggestionText suggestion={suggestion} /> },
          {
            key: cellKey('savings', savingsWeight(suggestion.impact)),
            content: <Savings impact={suggestion.impact} />,
          },
          {
            key: cellKey('status', STATUSES.indexOf(status)),
            content: canChange ? (
              <StatusSelect
                id={suggestion.id}
                status={status}
                isDisabled={statuses.isPending(suggestion.id)}
                onChange={(next) => changeStatus(suggestion, next)}
              />
            ) : (
              <Text>{STATUS_TEXT[status]}</Text>
            ),
          },
          {
            key: cellKey('jira', suggestion.id),
            content: (
              <SuggestionJira
                suggestion={suggestion}
                state={jira.states[jiraSubjectKey({ kind: 'suggestion', id: suggestion.id })]}
                onCreate={() => jira.create({ kind: 'suggestion', id: suggestion.id })}
              />
            ),
          },
        ],
      };
    });

  return (
    <Stack space="space.200">
      {statuses.error !== undefined && (
        <ActionError message={statuses.error} onDismiss={statuses.dismissError} />
      )}
      <DynamicTable caption="Suggestions" head={HEAD} rows={rows} rowsPerPage={20} />
    </Stack>
  );
}

/** What it saves, and the assumption the figures rest on. */
function Savings({ impact }: { impact: Suggestion['impact'] }) {
  return (
    <Stack space="space.025">
      <Text>{savingsText(impact)}</Text>
      {impact.basis !== undefined && (
        <UntrustedText text={`Assumes: ${impact.basis.detail}`} size="small" limit={600} />
      )}
    </Stack>
  );
}

function SuggestionText({ suggestion }: { suggestion: Suggestion }) {
  return (
    <Stack space="space.050">
      <UntrustedText text={suggestion.title} weight="semibold" />
      <UntrustedText text={suggestion.detail} limit={600} />
      {suggestion.evidence.slice(0, 3).map((line, index) => (
        <UntrustedText key={index} text={`\u2022 ${line}`} size="small" limit={300} />
      ))}
      {suggestion.evidence.length > 3 && (
        <Text size="small">{`and ${suggestion.evidence.length - 3} more`}</Text>
      )}
    </Stack>
  );
}

function StatusSelect({
  id,
  status,
  isDisabled,
  onChange,
}: {
  id: string;
  status: SuggestionStatus;
  isDisabled: boolean;
  onChange: (status: SuggestionStatus) => void;
}) {
  return (
    <Select
      id={`status-${id}`}
      options={STATUS_OPTIONS}
      value={STATUS_OPTIONS.find((option) => option.value === status)}
      isDisabled={isDisabled}
      onChange={(option: unknown) => {
        const value = optionValue(option);
        if (isStatus(value) && value !== status) onChange(value);
      }}
    />
  );
}

function SuggestionJira({
  suggestion,
  state,
  onCreate,
}: {
  suggestion: Suggestion;
  state?: JiraState;
  onCreate: () => void;
}) {
  const existing = suggestion.jiraIssueKey
    ? { key: suggestion.jiraIssueKey, url: suggestion.jiraIssueUrl }
    : undefined;
  return <JiraAction state={state} existing={existing} onCreate={onCreate} />;
}
