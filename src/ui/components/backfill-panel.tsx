/**
 * "Backfill the last N days": imports past pipelines of every monitored repository, paced by Bitbucket's API budget,
 * and shows how far it got. The page polls while a backfill runs.
 */
import { useState } from 'react';
import {
  ErrorMessage,
  Heading,
  Label,
  LoadingButton,
  ProgressBar,
  SectionMessage,
  Stack,
  Text,
  Textfield,
} from '@forge/react';
import type { BackfillStatus } from '../../contract/resolvers';
import { call, toUiError } from '../invoke';
import { formatCount, formatRelative } from '../format';
import { MAX_RETENTION_DAYS } from '../settings-draft';
import { eventValue } from './form-events';

export function BackfillPanel({
  status,
  onStarted,
}: {
  status: BackfillStatus;
  onStarted: (status: BackfillStatus) => void;
}) {
  const [days, setDays] = useState(String(status.days ?? 30));
  const [invalid, setInvalid] = useState(false);
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<string>();
  const running = status.state === 'running' && !status.stalled;

  const start = () => {
    const value = Number(days.trim());
    const valid = /^\d+$/.test(days.trim()) && value >= 1 && value <= MAX_RETENTION_DAYS;
    setInvalid(!valid);
    if (!valid) return;
    setStarting(true);
    setFailure(undefined);
    call('startBackfill', { days: value })
      .then(onStarted, (thrown: unknown) => setFailure(toUiError(thrown).message))
      .finally(() => setStarting(false));
  };

  return (
    <Stack space="space.200">
      <Heading size="small">Backfill</Heading>
      <Text>Import pipelines that ran before the app was installed, so insights start with history.</Text>
      <Stack space="space.050">
        <Label labelFor="backfill-days">Days to import</Label>
        <Textfield
          id="backfill-days"
          type="number"
          value={days}
          isInvalid={invalid}
          onChange={(event: unknown) => setDays(eventValue(event))}
        />
        {invalid && <ErrorMessage>{`Enter a number of days from 1 to ${MAX_RETENTION_DAYS}.`}</ErrorMessage>}
      </Stack>
      <LoadingButton appearance="primary" isLoading={starting} isDisabled={running} onClick={start}>
        {`Backfill the last ${/^\d+$/.test(days.trim()) ? days.trim() : 'N'} days`}
      </LoadingButton>
      {failure !== undefined && (
        <SectionMessage appearance="error" title="The backfill did not start">
          <Text>{failure}</Text>
        </SectionMessage>
      )}
      <BackfillProgress status={status} />
    </Stack>
  );
}

/** Listing first (repositories), then importing (pipelines): the bar follows the phase the backfill is in. */
function progressValue(status: BackfillStatus): number {
  if (status.reposDone < status.reposTotal)
    return status.reposTotal > 0 ? status.reposDone / status.reposTotal : 0;
  return status.pipelinesQueued > 0
    ? Math.min(1, (status.pipelinesIngested ?? 0) / status.pipelinesQueued)
    : 1;
}

function BackfillProgress({ status }: { status: BackfillStatus }) {
  const counts =
    `${formatCount(status.reposDone)} of ${formatCount(status.reposTotal)} repositories listed, ` +
    `${formatCount(status.pipelinesIngested ?? 0)} of ${formatCount(status.pipelinesQueued)} pipelines imported`;
  switch (status.state) {
    case 'idle':
      return <Text>No backfill has run yet.</Text>;
    case 'running':
      if (status.stalled) {
        return (
          <SectionMessage appearance="warning" title="The backfill stalled">
            <Text>{status.message ?? `It got through ${counts}. Start it again to retry the rest.`}</Text>
          </SectionMessage>
        );
      }
      return (
        <Stack space="space.050">
          <Text>{`Running${status.days !== undefined ? ` (last ${status.days} days)` : ''}: ${counts}. Started ${formatRelative(status.startedAt)}.`}</Text>
          <ProgressBar
            ariaLabel="Backfill progress"
            value={progressValue(status)}
            isIndeterminate={status.reposTotal === 0}
          />
        </Stack>
      );
    case 'done':
      return <Text>{`Finished ${formatRelative(status.finishedAt)}: ${counts}.`}</Text>;
    case 'failed':
      return (
        <SectionMessage appearance="error" title="The last backfill stopped">
          <Text>{`${status.message ?? 'No reason was recorded.'} It got through ${counts}. Start it again to continue.`}</Text>
        </SectionMessage>
      );
  }
}
