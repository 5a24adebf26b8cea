/**
 * The Jira connection: with a site, project, email and API token the app creates issues itself; without a token,
 * "Create Jira issue" opens Jira's pre-filled create screen instead. The token is write-only: it goes to the app's
 * secret store and never comes back to the page.
 */
import { useState } from 'react';
import {
  ErrorMessage,
  Heading,
  HelperMessage,
  Label,
  LoadingButton,
  Stack,
  Text,
  Textfield,
} from '@forge/react';
import { SaveOutcome } from './status-messages';
import type { WorkspaceSettings } from '../../contract/settings';
import { call, toUiError } from '../invoke';
import { eventValue } from './form-events';

interface JiraDraft {
  site: string;
  projectKey: string;
  email: string;
  apiToken: string;
  issueType: string;
}

type JiraErrors = Partial<Record<'site' | 'projectKey', string>>;

export function validateJiraDraft(draft: JiraDraft): JiraErrors {
  const errors: JiraErrors = {};
  if (!/^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/i.test(draft.site.trim())) {
    errors.site = 'Enter the Jira site host, e.g. acme.atlassian.net.';
  }
  if (!/^[A-Z][A-Z0-9_]{1,9}$/.test(draft.projectKey.trim())) {
    errors.projectKey = 'Enter the project key in capitals, e.g. CI.';
  }
  return errors;
}

type Outcome = { kind: 'saved'; tokenSet: boolean } | { kind: 'failed'; message: string };

export function JiraConnectionForm({
  jira,
  tokenSet,
}: {
  jira: WorkspaceSettings['jira'];
  tokenSet: boolean;
}) {
  const [draft, setDraft] = useState<JiraDraft>({
    site: jira?.site ?? '',
    projectKey: jira?.projectKey ?? '',
    email: jira?.email ?? '',
    apiToken: '',
    issueType: jira?.issueType ?? '',
  });
  const [errors, setErrors] = useState<JiraErrors>({});
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const hasToken = outcome?.kind === 'saved' ? outcome.tokenSet : tokenSet;

  const save = () => {
    const found = validateJiraDraft(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    call('saveJiraConnection', {
      site: draft.site.trim(),
      projectKey: draft.projectKey.trim(),
      email: draft.email.trim(),
      // An empty field keeps the stored token rather than erasing it.
      ...(draft.apiToken ? { apiToken: draft.apiToken } : {}),
      ...(draft.issueType.trim() ? { issueType: draft.issueType.trim() } : {}),
    })
      .then(
        (result) => {
          setOutcome({ kind: 'saved', tokenSet: result.jiraTokenSet });
          setDraft((current) => ({ ...current, apiToken: '' }));
        },
        (thrown: unknown) => setOutcome({ kind: 'failed', message: toUiError(thrown).message }),
      )
      .finally(() => setSaving(false));
  };

  const field = (key: keyof JiraDraft) => (event: unknown) => {
    const value = eventValue(event);
    setDraft((current) => ({ ...current, [key]: value }));
  };

  return (
    <Stack space="space.200">
      <Heading size="small">Jira connection</Heading>
      <Text>
        {hasToken
          ? 'Issues are created directly in Jira with the saved API token.'
          : 'No API token saved: "Create Jira issue" opens Jira\'s create screen, pre-filled, for the person to submit.'}
      </Text>
      <TextField
        id="jira-site"
        label="Jira site"
        value={draft.site}
        error={errors.site}
        onChange={field('site')}
      />
      <TextField
        id="jira-project"
        label="Project key"
        value={draft.projectKey}
        error={errors.projectKey}
        onChange={field('projectKey')}
      />
      <TextField id="jira-email" label="Account email" value={draft.email} onChange={field('email')} />
      <Stack space="space.050">
        <Label labelFor="jira-token">API token</Label>
        <Textfield id="jira-token" type="password" value={draft.apiToken} onChange={field('apiToken')} />
        <HelperMessage>
          {hasToken
            ? 'A token is saved. Leave empty to keep it.'
            : 'Create one at id.atlassian.com, Security, API tokens.'}
        </HelperMessage>
      </Stack>
      <TextField
        id="jira-issue-type"
        label="Issue type (default Task)"
        value={draft.issueType}
        onChange={field('issueType')}
      />
      <SaveOutcome
        outcome={outcome}
        saved={{ title: 'Jira connection saved', text: 'New issues go to this project from now on.' }}
        notSaved="Jira connection was not saved"
      />
      <LoadingButton appearance="primary" isLoading={saving} onClick={save}>
        Save Jira connection
      </LoadingButton>
    </Stack>
  );
}

function TextField(props: {
  id: string;
  label: string;
  value: string;
  error?: string;
  onChange: (event: unknown) => void;
}) {
  return (
    <Stack space="space.050">
      <Label labelFor={props.id}>{props.label}</Label>
      <Textfield
        id={props.id}
        value={props.value}
        isInvalid={props.error !== undefined}
        onChange={props.onChange}
      />
      {props.error !== undefined && <ErrorMessage>{props.error}</ErrorMessage>}
    </Stack>
  );
}
