/**
 * The Notifications tab of the admin page: Slack and Teams webhooks (kept in the secret store: the page only learns
 * whether one is stored, a hint of it, and the last delivery), which alerts go out, the digest schedule, the merge
 * check's per-repository setting, and the Slack command's signing secret.
 */
import { useState } from 'react';
import {
  Checkbox,
  ErrorMessage,
  Heading,
  HelperMessage,
  Inline,
  Label,
  LoadingButton,
  SectionMessage,
  Select,
  Stack,
  Text,
  Textfield,
} from '@forge/react';
import type { AlertKind, ChannelStatus, ChatChannel, NotificationsPage } from '../../contract/gates';
import { ALERT_KINDS } from '../../contract/gates';
import { call, toUiError } from '../invoke';
import { useResolver } from '../use-resolver';
import { formatRelative } from '../format';
import { eventChecked, eventValue, optionValue, optionValues } from './form-events';
import { ErrorNotice, LoadingState, SaveOutcome } from './status-messages';

const CHANNEL_NAME: Record<ChatChannel, string> = { slack: 'Slack', teams: 'Microsoft Teams' };
const CHANNEL_HELP: Record<ChatChannel, string> = {
  slack: 'An incoming webhook URL: https://hooks.slack.com/services/…',
  teams:
    'A Workflows webhook URL ("Send webhook alerts to a channel"), on logic.azure.com or api.powerplatform.com.',
};
const ALERT_LABEL: Record<AlertKind, string> = {
  broken: 'A test breaks on the default branch',
  flaky: 'A test turns flaky',
  regression: 'A step gets slower',
  ingestion: 'Ingestion stalls, or the Bitbucket API budget is spent',
  'build-minutes': "A week's build minutes pass the threshold below",
};
const FREQUENCIES = [
  { label: 'Weekly', value: 'week' },
  { label: 'Daily', value: 'day' },
  { label: 'Off', value: 'off' },
];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'].map(
  (label, i) => ({ label, value: String(i + 1) }),
);
const HOURS = Array.from({ length: 24 }, (_, h) => ({
  label: `${String(h).padStart(2, '0')}:00 UTC`,
  value: String(h),
}));

type Outcome = { kind: 'saved' } | { kind: 'failed'; message: string } | undefined;

export function NotificationsPanel({ now }: { now?: Date }) {
  const page = useResolver('getNotifications', {});
  if (page.data === undefined) {
    return page.error ? (
      <ErrorNotice
        title="Could not load the notification settings"
        error={page.error}
        onRetry={page.reload}
      />
    ) : (
      <LoadingState label="Loading notification settings" />
    );
  }
  const data = page.data;
  const setChannel = (channel: ChatChannel, status: ChannelStatus) =>
    page.update((current) => ({ ...current, channels: { ...current.channels, [channel]: status } }));
  return (
    <Stack space="space.300">
      {(['slack', 'teams'] as const).map((channel) => (
        <ChannelForm
          key={channel}
          channel={channel}
          status={data.channels[channel]}
          onChange={(s) => setChannel(channel, s)}
          now={now}
        />
      ))}
      <SettingsForm page={data} />
      <SigningSecretForm set={data.slackCommand.signingSecretSet} />
    </Stack>
  );
}

function ChannelForm({
  channel,
  status,
  onChange,
  now,
}: {
  channel: ChatChannel;
  status: ChannelStatus;
  onChange: (s: ChannelStatus) => void;
  now?: Date;
}) {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState<'save' | 'remove' | 'test'>();
  const [failure, setFailure] = useState<string>();
  const run = (what: 'save' | 'remove' | 'test') => {
    setBusy(what);
    setFailure(undefined);
    const request =
      what === 'test'
        ? call('sendTestMessage', { channel })
        : call('saveChatWebhook', what === 'save' ? { channel, url: url.trim() } : { channel });
    request
      .then(
        (next) => {
          onChange(next);
          if (what === 'save') setUrl('');
        },
        (thrown: unknown) => setFailure(toUiError(thrown).message),
      )
      .finally(() => setBusy(undefined));
  };
  const id = `webhook-${channel}`;
  return (
    <Stack space="space.100">
      <Heading size="small">{CHANNEL_NAME[channel]}</Heading>
      <Text>
        {status.configured
          ? `A webhook is saved (${status.hint ?? '…'}).`
          : 'No webhook saved: nothing is sent to this channel.'}
      </Text>
      {status.lastSuccessAt !== undefined && (
        <Text>{`Last delivered ${formatRelative(status.lastSuccessAt, now)}.`}</Text>
      )}
      {status.lastError !== undefined && (
        <SectionMessage
          appearance="error"
          title={`Last delivery failed ${formatRelative(status.lastError.at, now)}`}
        >
          <Text>{`${status.lastError.what}: ${status.lastError.message}`}</Text>
        </SectionMessage>
      )}
      <Label labelFor={id}>{status.configured ? 'Replace the webhook URL' : 'Webhook URL'}</Label>
      <Textfield
        id={id}
        type="password"
        value={url}
        onChange={(event: unknown) => setUrl(eventValue(event))}
      />
      <HelperMessage>{CHANNEL_HELP[channel]}</HelperMessage>
      {failure !== undefined && <ErrorMessage>{failure}</ErrorMessage>}
      <Inline space="space.100">
        <LoadingButton
          appearance="primary"
          isLoading={busy === 'save'}
          isDisabled={!url.trim()}
          onClick={() => run('save')}
        >
          Save webhook
        </LoadingButton>
        <LoadingButton
          isLoading={busy === 'test'}
          isDisabled={!status.configured}
          onClick={() => run('test')}
        >
          Send a test message
        </LoadingButton>
        <LoadingButton
          appearance="subtle"
          isLoading={busy === 'remove'}
          isDisabled={!status.configured}
          onClick={() => run('remove')}
        >
          Remove
        </LoadingButton>
      </Inline>
    </Stack>
  );
}

function SettingsForm({ page }: { page: NotificationsPage }) {
  const [settings, setSettings] = useState(page.settings);
  // What the form was loaded with: the server saves only what changed from it, keeping another admin's save.
  const [base, setBase] = useState({ settings: page.settings, mergeCheck: page.mergeCheck });
  const [passWithout, setPassWithout] = useState(page.mergeCheck.passWithoutPipeline);
  const [minutes, setMinutes] = useState(String(page.settings.buildMinutesPerWeek));
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const minutesValid = /^\d+$/.test(minutes.trim()) && Number(minutes) >= 1;
  const toggle = (kind: AlertKind, on: boolean) =>
    setSettings((s) => ({
      ...s,
      alerts: ALERT_KINDS.filter((k) => (k === kind ? on : s.alerts.includes(k))),
    }));
  const save = () => {
    if (!minutesValid) return;
    setSaving(true);
    call('saveNotificationSettings', {
      settings: { ...settings, buildMinutesPerWeek: Number(minutes) },
      mergeCheck: { passWithoutPipeline: passWithout },
      base,
    })
      .then(
        (saved) => {
          setBase(saved);
          setSettings(saved.settings);
          setPassWithout(saved.mergeCheck.passWithoutPipeline);
          setMinutes(String(saved.settings.buildMinutesPerWeek));
          setOutcome({ kind: 'saved' });
        },
        (thrown: unknown) => setOutcome({ kind: 'failed', message: toUiError(thrown).message }),
      )
      .finally(() => setSaving(false));
  };
  const repoOptions = page.repos.map((r) => ({ label: r.slug, value: r.repoUuid }));
  const digest = settings.digest;
  return (
    <Stack space="space.150">
      <Heading size="small">Alerts</Heading>
      <Text>
        One message per event: a test that broke is announced once, not at every red pipeline. Quarantined
        tests are left out.
      </Text>
      {ALERT_KINDS.map((kind) => (
        <Checkbox
          key={kind}
          id={`alert-${kind}`}
          label={ALERT_LABEL[kind]}
          isChecked={settings.alerts.includes(kind)}
          onChange={(event: unknown) => toggle(kind, eventChecked(event))}
        />
      ))}
      <Label labelFor="build-minutes">Build minutes per week before the alert</Label>
      <Textfield
        id="build-minutes"
        type="number"
        value={minutes}
        isInvalid={!minutesValid}
        onChange={(event: unknown) => setMinutes(eventValue(event))}
      />
      {!minutesValid && <ErrorMessage>Enter a whole number of minutes.</ErrorMessage>}
      <Heading size="small">Digest</Heading>
      <Label labelFor="digest-frequency">How often</Label>
      <Select
        id="digest-frequency"
        options={FREQUENCIES}
        value={FREQUENCIES.find((o) => o.value === digest.frequency)}
        onChange={(option: unknown) =>
          setSettings((s) => ({
            ...s,
            digest: {
              ...s.digest,
              frequency:
                optionValue(option) === 'day' ? 'day' : optionValue(option) === 'off' ? 'off' : 'week',
            },
          }))
        }
      />
      <Label labelFor="digest-hour">At</Label>
      <Select
        id="digest-hour"
        options={HOURS}
        value={HOURS[digest.hourUtc]}
        onChange={(option: unknown) =>
          setSettings((s) => ({ ...s, digest: { ...s.digest, hourUtc: Number(optionValue(option) || 0) } }))
        }
      />
      {digest.frequency === 'week' && (
        <>
          <Label labelFor="digest-weekday">On</Label>
          <Select
            id="digest-weekday"
            options={WEEKDAYS}
            value={WEEKDAYS[digest.weekday - 1]}
            onChange={(option: unknown) =>
              setSettings((s) => ({
                ...s,
                digest: { ...s.digest, weekday: Number(optionValue(option) || 1) },
              }))
            }
          />
        </>
      )}
      <Heading size="small">Merge checks</Heading>
      <Label labelFor="pass-without-pipeline">Pass pull requests without a finished pipeline in</Label>
      <Select
        id="pass-without-pipeline"
        isMulti
        options={repoOptions}
        value={repoOptions.filter((o) => passWithout.includes(o.value))}
        placeholder="No repository: such pull requests fail the checks"
        onChange={(options: unknown) => setPassWithout(optionValues(options))}
      />
      <HelperMessage>
        Enable the checks under Workspace settings, Workflow, Custom merge checks. Making them required needs
        Bitbucket Premium.
      </HelperMessage>
      <SaveOutcome
        outcome={outcome}
        saved={{ title: 'Notification settings saved', text: 'The next hourly run uses them.' }}
        notSaved="Notification settings were not saved"
      />
      <LoadingButton appearance="primary" isLoading={saving} isDisabled={!minutesValid} onClick={save}>
        Save notification settings
      </LoadingButton>
    </Stack>
  );
}

function SigningSecretForm({ set }: { set: boolean }) {
  const [secret, setSecret] = useState('');
  const [stored, setStored] = useState(set);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const save = () => {
    setSaving(true);
    call('saveSlackSigningSecret', { secret: secret.trim() })
      .then(
        (result) => {
          setStored(result.signingSecretSet);
          setSecret('');
          setOutcome({ kind: 'saved' });
        },
        (thrown: unknown) => setOutcome({ kind: 'failed', message: toUiError(thrown).message }),
      )
      .finally(() => setSaving(false));
  };
  return (
    <Stack space="space.100">
      <Heading size="small">Slack command</Heading>
      <Text>
        {stored
          ? '/pipeline-insights answers in Slack: requests are checked against the saved signing secret.'
          : 'Save the signing secret of your Slack app (Basic Information, App Credentials) to answer /pipeline-insights.'}
      </Text>
      <Label labelFor="slack-signing-secret">Signing secret</Label>
      <Textfield
        id="slack-signing-secret"
        type="password"
        value={secret}
        onChange={(event: unknown) => setSecret(eventValue(event))}
      />
      <SaveOutcome
        outcome={outcome}
        saved={{ title: 'Signing secret saved', text: 'Slack commands are verified with it from now on.' }}
        notSaved="The signing secret was not saved"
      />
      <LoadingButton
        appearance="primary"
        isLoading={saving}
        isDisabled={secret.trim().length < 8}
        onClick={save}
      >
        Save signing secret
      </LoadingButton>
    </Stack>
  );
}
