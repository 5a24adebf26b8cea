/**
 * The history export on the admin page: switch it on with the receiver's URL, generate the signing secret (shown
 * once, then kept only in the app's secret store), see how far it is (last batch, lag, records exported, last error),
 * send a test batch, and retry after the receiver refused a batch.
 */
import { useState } from 'react';
import {
  Code,
  ErrorMessage,
  Heading,
  HelperMessage,
  Label,
  LoadingButton,
  SectionMessage,
  Stack,
  Text,
  Textfield,
  Toggle,
} from '@forge/react';
import type { HistoryExportStatus, HistoryTestResult } from '../../contract/resolvers';
import { call, toUiError } from '../invoke';
import { formatCount, formatDuration, formatRelative } from '../format';
import { eventChecked, eventValue } from './form-events';
import { SaveOutcome } from './status-messages';

export function validEndpoint(url: string): boolean {
  return /^https:\/\/[^\s/]+\.[^\s/]+(\/\S*)?$/.test(url.trim());
}

/** The export's status comes with the admin page; where the export is not available, the panel says so. */
export function HistoryExportPanel({
  status,
  onChange,
}: {
  status?: HistoryExportStatus;
  onChange: (s: HistoryExportStatus) => void;
}) {
  if (status === undefined) return <Text>The history export is not available here.</Text>;
  return <HistoryExportForm status={status} onChange={onChange} />;
}

type Outcome = { kind: 'saved' } | { kind: 'failed'; message: string };

export function HistoryExportForm({
  status,
  onChange,
}: {
  status: HistoryExportStatus;
  onChange: (s: HistoryExportStatus) => void;
}) {
  const [enabled, setEnabled] = useState(status.enabled);
  const [url, setUrl] = useState(status.endpointUrl ?? '');
  const [invalid, setInvalid] = useState(false);
  const [busy, setBusy] = useState<'save' | 'secret' | 'test' | 'retry'>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [secret, setSecret] = useState<string>();
  const [test, setTest] = useState<HistoryTestResult>();
  const [failure, setFailure] = useState<string>();

  const run = <T,>(
    what: 'save' | 'secret' | 'test' | 'retry',
    action: () => Promise<T>,
    done: (value: T) => void,
  ) => {
    setBusy(what);
    setFailure(undefined);
    action()
      .then(done, (thrown: unknown) =>
        what === 'save'
          ? setOutcome({ kind: 'failed', message: toUiError(thrown).message })
          : setFailure(toUiError(thrown).message),
      )
      .finally(() => setBusy(undefined));
  };

  const save = () => {
    const ok = !enabled || validEndpoint(url);
    setInvalid(!ok);
    if (!ok) return;
    run(
      'save',
      () => call('saveHistoryExport', { enabled, ...(url.trim() ? { endpointUrl: url.trim() } : {}) }),
      (next) => {
        setOutcome({ kind: 'saved' });
        onChange(next);
      },
    );
  };

  return (
    <Stack space="space.200">
      <Heading size="small">Long-term history</Heading>
      <Text>
        Send every pipeline, step attempt, failed test, verdict change, suggestion and quarantine change to
        your own history backend (PostgreSQL on AWS), in signed batches. The first export sends everything
        already stored.
      </Text>
      <Stack space="space.050">
        <Label labelFor="history-enabled">Export to a history backend</Label>
        <Toggle
          id="history-enabled"
          isChecked={enabled}
          onChange={(event: unknown) => setEnabled(eventChecked(event))}
        />
      </Stack>
      <Stack space="space.050">
        <Label labelFor="history-url">Receiver URL</Label>
        <Textfield
          id="history-url"
          value={url}
          isInvalid={invalid}
          placeholder="https://abc123.execute-api.eu-west-1.amazonaws.com/batches"
          onChange={(event: unknown) => setUrl(eventValue(event))}
        />
        {invalid ? (
          <ErrorMessage>Enter the receiver URL, starting with https://.</ErrorMessage>
        ) : (
          <HelperMessage>The ReceiverUrl output of the history stack.</HelperMessage>
        )}
      </Stack>
      <LoadingButton appearance="primary" isLoading={busy === 'save'} onClick={save}>
        Save
      </LoadingButton>
      <SaveOutcome
        outcome={outcome}
        saved={{ title: 'Saved', text: enabled ? 'The export runs within the hour.' : 'The export is off.' }}
        notSaved="Not saved"
      />

      <Heading size="xsmall">Signing secret</Heading>
      <Text>
        {status.secretSet
          ? 'A secret is set. A new one replaces it: update the receiver too.'
          : 'No secret is set yet.'}
      </Text>
      <LoadingButton
        isLoading={busy === 'secret'}
        onClick={() =>
          run(
            'secret',
            () => call('newHistoryExportSecret', {}),
            (r) => {
              setSecret(r.secret);
              onChange({ ...status, secretSet: true });
            },
          )
        }
      >
        Generate a new secret
      </LoadingButton>
      {secret !== undefined && (
        <SectionMessage appearance="warning" title="Copy this secret now: it is not shown again">
          <Code>{secret}</Code>
          <Text>Store it as the value of the stack's signing secret (SigningSecretArn).</Text>
        </SectionMessage>
      )}

      <Heading size="xsmall">Status</Heading>
      <ExportStatus status={status} />
      <LoadingButton
        isLoading={busy === 'test'}
        isDisabled={!status.endpointUrl}
        onClick={() => run('test', () => call('sendHistoryTestBatch', {}), setTest)}
      >
        Send a test batch
      </LoadingButton>
      {test && (
        <SectionMessage
          appearance={test.ok ? 'success' : 'error'}
          title={test.ok ? 'The receiver answered' : 'The test batch was not accepted'}
        >
          <Text>{test.message}</Text>
        </SectionMessage>
      )}
      {(status.parked || status.nextAttemptAt !== undefined) && (
        <LoadingButton
          isLoading={busy === 'retry'}
          onClick={() => run('retry', () => call('retryHistoryExport', {}), onChange)}
        >
          Retry now
        </LoadingButton>
      )}
      {failure !== undefined && (
        <SectionMessage appearance="error" title="That did not work">
          <Text>{failure}</Text>
        </SectionMessage>
      )}
    </Stack>
  );
}

function ExportStatus({ status }: { status: HistoryExportStatus }) {
  const lines: string[] = [];
  if (!status.enabled) lines.push('The export is off.');
  else if (status.phase === 'initial' && status.initialProgress) {
    lines.push(
      `Exporting what is already stored: ${formatCount(status.initialProgress.reposDone)} of ${formatCount(status.initialProgress.reposTotal)} repositories done.`,
    );
  } else if (status.enabled && !status.phase) lines.push('The export starts within the hour.');
  lines.push(
    `${formatCount(status.recordsExported)} records exported in ${formatCount(status.batchesSent)} batches.`,
  );
  if (status.lastBatch)
    lines.push(
      `Last batch: ${formatCount(status.lastBatch.records)} records, ${formatRelative(status.lastBatch.at)}.`,
    );
  if (status.lagSeconds !== undefined)
    lines.push(`Oldest record not yet delivered: ${formatDuration(status.lagSeconds)} old.`);
  return (
    <Stack space="space.100">
      {lines.map((line) => (
        <Text key={line}>{line}</Text>
      ))}
      {status.lastError && (
        <SectionMessage
          appearance={status.parked ? 'error' : 'warning'}
          title={status.parked ? 'The receiver refused a batch: the export is stopped' : 'Last error'}
        >
          <Text>{`${status.lastError.message} (${formatRelative(status.lastError.at)})`}</Text>
          {status.nextAttemptAt && <Text>{`Next attempt ${formatRelative(status.nextAttemptAt)}.`}</Text>}
        </SectionMessage>
      )}
    </Stack>
  );
}
