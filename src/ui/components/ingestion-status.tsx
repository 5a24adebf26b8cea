/** Where ingestion stands: a running backfill (with progress) and when the last pipeline was recorded. */
import { ProgressBar, SectionMessage, Stack, Text } from '@forge/react';
import type { RepoReport } from '../../contract/insights';
import { formatCount, formatRelative } from '../format';

type Ingestion = RepoReport['ingestion'];

export function backfillProgress(backfill: NonNullable<Ingestion['backfill']>): string {
  return backfill.total !== undefined
    ? `${formatCount(backfill.done)} of ${formatCount(backfill.total)} pipelines imported`
    : `${formatCount(backfill.done)} pipelines imported so far`;
}

export function BackfillBanner({ ingestion }: { ingestion: Ingestion }) {
  const backfill = ingestion.backfill;
  if (backfill?.state !== 'running') return null;
  return (
    <SectionMessage appearance="information" title="Importing past pipelines">
      <Stack space="space.100">
        <Text>{`${backfillProgress(backfill)}. Figures below fill in as they arrive.`}</Text>
        {backfill.total !== undefined && backfill.total > 0 ? (
          <ProgressBar value={backfill.done / backfill.total} ariaLabel="Backfill progress" />
        ) : (
          <ProgressBar isIndeterminate ariaLabel="Backfill progress" />
        )}
      </Stack>
    </SectionMessage>
  );
}

export function lastRecordedText(ingestion: Ingestion): string {
  return ingestion.lastRecordedAt
    ? `Last pipeline recorded ${formatRelative(ingestion.lastRecordedAt)}`
    : 'No pipeline recorded yet';
}
