/** Loading, error and empty states shared by every surface, so each says what is going on and what to do next. */
import { Button, EmptyState, Inline, SectionMessage, Spinner, Stack, Text } from '@forge/react';
import type { UiError, UiErrorCode } from '../invoke';

export function LoadingState({ label }: { label: string }) {
  return (
    <Inline space="space.100" alignBlock="center">
      <Spinner label={label} />
      <Text>{label}</Text>
    </Inline>
  );
}

/** What a person can do about each kind of failure; the resolver's message says what went wrong. */
const NEXT_STEP: Record<UiErrorCode, string | undefined> = {
  forbidden: 'Ask a workspace admin for access to this repository in Bitbucket.',
  'not-found': 'It may have been removed or renamed; reload the page.',
  'not-configured': 'A workspace admin can set this up on the Pipeline Insights settings page.',
  upstream: 'Bitbucket or Jira did not answer in time; try again in a minute.',
  invalid: undefined,
  unreachable: 'Check your connection and try again; reload the page if it keeps failing.',
};

export function ErrorNotice({
  title,
  error,
  onRetry,
}: {
  title: string;
  error: UiError;
  onRetry?: () => void;
}) {
  const nextStep = NEXT_STEP[error.code];
  return (
    <SectionMessage appearance="error" title={title}>
      <Stack space="space.100">
        <Text>{error.message}</Text>
        {nextStep !== undefined && <Text>{nextStep}</Text>}
        {onRetry && <Button onClick={onRetry}>Try again</Button>}
      </Stack>
    </SectionMessage>
  );
}

/** An action that failed after an optimistic change was rolled back: says what did not happen and why. */
export function ActionError({ message, onDismiss }: { message: string; onDismiss: () => void }) {
  return (
    <SectionMessage appearance="error" title="That change was not saved">
      <Stack space="space.100">
        <Text>{message}</Text>
        <Button appearance="subtle" onClick={onDismiss}>
          Dismiss
        </Button>
      </Stack>
    </SectionMessage>
  );
}

/** `EmptyState` with text only: its action props take React nodes, which cannot cross the UI Kit bridge. */
export function EmptyNotice({ header, description }: { header: string; description: string }) {
  return <EmptyState header={header} description={description} />;
}

/** What a form's save came to: a success line, or the reason it was not saved; nothing before the first save. */
export function SaveOutcome({
  outcome,
  saved,
  notSaved,
}: {
  outcome: { kind: 'saved' } | { kind: 'failed'; message: string } | undefined;
  saved: { title: string; text: string };
  notSaved: string;
}) {
  if (outcome?.kind === 'saved') {
    return (
      <SectionMessage appearance="success" title={saved.title}>
        <Text>{saved.text}</Text>
      </SectionMessage>
    );
  }
  if (outcome?.kind === 'failed') {
    return (
      <SectionMessage appearance="error" title={notSaved}>
        <Text>{outcome.message}</Text>
      </SectionMessage>
    );
  }
  return null;
}
