/**
 * Workspace settings: which repositories are monitored, which branches count, flaky thresholds, retention, and the
 * two things the app publishes to Bitbucket (Code Insights reports, the quarantine variable).
 */
import { useState } from 'react';
import {
  ErrorMessage,
  Heading,
  HelperMessage,
  Label,
  LoadingButton,
  Select,
  Stack,
  Textfield,
  Toggle,
} from '@forge/react';
import { SaveOutcome } from './status-messages';
import type { RepoHealthRow } from '../../contract/resolvers';
import type { WorkspaceSettings } from '../../contract/settings';
import { call, toUiError } from '../invoke';
import {
  MAX_RETENTION_DAYS,
  draftOf,
  validateDraft,
  type DraftField,
  type SettingsDraft,
} from '../settings-draft';
import { eventChecked, eventValue, optionValue, optionValues } from './form-events';

const SCOPE_OPTIONS = [
  { label: 'All branches (the default branch weighs more)', value: 'all' },
  { label: 'Default branch only', value: 'default' },
];

type Outcome = { kind: 'saved' } | { kind: 'failed'; message: string };

export function SettingsForm({
  settings,
  repos,
  onSaved,
}: {
  settings: WorkspaceSettings;
  repos: RepoHealthRow[];
  onSaved: (settings: WorkspaceSettings) => void;
}) {
  const [draft, setDraft] = useState<SettingsDraft>(() => draftOf(settings));
  // What the draft was made from: the server saves only the fields changed from it, so another admin's save made
  // since this page loaded is kept, not reverted (the page may also reload `settings` while someone types).
  const [base, setBase] = useState(settings);
  const [errors, setErrors] = useState<Partial<Record<DraftField, string>>>({});
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const edit = (change: Partial<SettingsDraft>) => {
    setDraft((current) => ({ ...current, ...change }));
    setOutcome(undefined);
  };

  const save = () => {
    const result = validateDraft(draft, base);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setSaving(true);
    call('saveSettings', { settings: result.settings, base })
      .then(
        (saved) => {
          setBase(saved);
          setDraft(draftOf(saved));
          onSaved(saved);
          setOutcome({ kind: 'saved' });
        },
        (thrown: unknown) => setOutcome({ kind: 'failed', message: toUiError(thrown).message }),
      )
      .finally(() => setSaving(false));
  };

  const repoOptions = repos.map((repo) => ({ label: repo.slug, value: repo.repoUuid }));
  return (
    <Stack space="space.200">
      <Heading size="small">Settings</Heading>
      <Stack space="space.050">
        <Label labelFor="monitored-repos">Monitored repositories</Label>
        <Select
          id="monitored-repos"
          isMulti
          options={repoOptions}
          value={repoOptions.filter((option) => draft.monitoredRepos.includes(option.value))}
          placeholder="All repositories"
          onChange={(options: unknown) => edit({ monitoredRepos: optionValues(options) })}
        />
        <HelperMessage>Leave empty to monitor every repository in the workspace.</HelperMessage>
      </Stack>
      <Stack space="space.050">
        <Label labelFor="branch-scope">Branches that count for test labels</Label>
        <Select
          id="branch-scope"
          options={SCOPE_OPTIONS}
          value={SCOPE_OPTIONS.find((option) => option.value === draft.branchScope)}
          onChange={(option: unknown) =>
            edit({ branchScope: optionValue(option) === 'default' ? 'default' : 'all' })
          }
        />
      </Stack>
      <NumberField
        id="flaky-alarm"
        label="Flag a test as flaky at a score of (%)"
        value={draft.flakyAlarmPercent}
        error={errors.flakyAlarmPercent}
        onChange={(value) => edit({ flakyAlarmPercent: value })}
      />
      <NumberField
        id="flaky-recovery"
        label="Clear the flaky label below a score of (%)"
        value={draft.flakyRecoveryPercent}
        error={errors.flakyRecoveryPercent}
        onChange={(value) => edit({ flakyRecoveryPercent: value })}
      />
      <NumberField
        id="retention-days"
        label="Keep raw pipeline records for (days)"
        value={draft.retentionDays}
        error={errors.retentionDays}
        help={`Weekly summaries are kept regardless. At most ${MAX_RETENTION_DAYS} days.`}
        onChange={(value) => edit({ retentionDays: value })}
      />
      <SwitchField
        id="code-insights"
        label="Publish a Code Insights report on pull-request commits"
        checked={draft.codeInsights}
        onChange={(checked) => edit({ codeInsights: checked })}
      />
      <SwitchField
        id="publish-quarantine"
        label="Publish quarantined tests as the repository variable PIPELINE_INSIGHTS_QUARANTINE"
        checked={draft.publishQuarantine}
        onChange={(checked) => edit({ publishQuarantine: checked })}
      />
      <SaveOutcome
        outcome={outcome}
        saved={{
          title: 'Settings saved',
          text: 'Ingestion and analysis use them from the next pipeline on.',
        }}
        notSaved="Settings were not saved"
      />
      <LoadingButton appearance="primary" isLoading={saving} onClick={save}>
        Save settings
      </LoadingButton>
    </Stack>
  );
}

function NumberField(props: {
  id: string;
  label: string;
  value: string;
  error?: string;
  help?: string;
  onChange: (value: string) => void;
}) {
  return (
    <Stack space="space.050">
      <Label labelFor={props.id}>{props.label}</Label>
      <Textfield
        id={props.id}
        type="number"
        value={props.value}
        isInvalid={props.error !== undefined}
        onChange={(event: unknown) => props.onChange(eventValue(event))}
      />
      {props.error !== undefined && <ErrorMessage>{props.error}</ErrorMessage>}
      {props.help !== undefined && <HelperMessage>{props.help}</HelperMessage>}
    </Stack>
  );
}

function SwitchField(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <Stack space="space.050">
      <Label labelFor={props.id}>{props.label}</Label>
      <Toggle
        id={props.id}
        isChecked={props.checked}
        onChange={(event: unknown) => props.onChange(eventChecked(event))}
      />
    </Stack>
  );
}
