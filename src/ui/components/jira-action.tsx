/**
 * The Jira cell of a test or suggestion: a link to its issue once there is one, otherwise the button that creates it,
 * with what happened underneath. Hook-free (table cells): the state lives in `useJiraIssues` on the page.
 */
import { Button, Link, LoadingButton, Stack, Text } from '@forge/react';
import type { JiraState } from '../use-jira-issues';
import { isWebUrl } from './pipeline-link';

export interface JiraActionProps {
  state?: JiraState;
  /** An issue already linked to the subject (suggestions keep theirs). */
  existing?: { key: string; url?: string };
  onCreate: () => void;
}

export function JiraAction({ state, existing, onCreate }: JiraActionProps) {
  const issue = state?.status === 'created' ? state : existing;
  if (issue) {
    return isWebUrl(issue.url) ? (
      <Link href={issue.url} openNewTab>
        {issue.key}
      </Link>
    ) : (
      <Text>{issue.key}</Text>
    );
  }
  if (state?.status === 'creating') {
    return (
      <LoadingButton isLoading spacing="compact">
        Create Jira issue
      </LoadingButton>
    );
  }
  return (
    <Stack space="space.050">
      <Button spacing="compact" onClick={onCreate}>
        Create Jira issue
      </Button>
      {state?.status === 'opened' && <Text size="small">Jira&apos;s create screen opened in a new tab.</Text>}
      {state?.status === 'error' && (
        <Text size="small" color="color.text.danger">
          {state.message}
        </Text>
      )}
    </Stack>
  );
}
