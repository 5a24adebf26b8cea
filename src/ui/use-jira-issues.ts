/**
 * "Create Jira issue" for tests and suggestions. The resolver either creates the issue with the admin's Jira
 * connection (`created`: show the key) or, with no connection, hands back Jira's own pre-filled create screen, which
 * only the browser can open (`router.open`). See PLATFORM.md, "Jira from a Bitbucket app".
 */
import { router } from '@forge/bridge';
import { useCallback, useState } from 'react';
import type { JiraSubject } from '../contract/resolvers';
import { call, toUiError } from './invoke';

export type JiraState =
  | { status: 'creating' }
  | { status: 'created'; key: string; url: string }
  | { status: 'opened' }
  | { status: 'error'; message: string };

export function jiraSubjectKey(subject: JiraSubject): string {
  return subject.kind === 'suggestion' ? `suggestion:${subject.id}` : `test:${subject.testId}`;
}

export function useJiraIssues(): {
  states: Record<string, JiraState>;
  create: (subject: JiraSubject) => void;
} {
  const [states, setStates] = useState<Record<string, JiraState>>({});

  const create = useCallback((subject: JiraSubject) => {
    const key = jiraSubjectKey(subject);
    const set = (state: JiraState) => setStates((current) => ({ ...current, [key]: state }));
    set({ status: 'creating' });
    void createIssue(subject).then(set);
  }, []);

  return { states, create };
}

async function createIssue(subject: JiraSubject): Promise<JiraState> {
  let result;
  try {
    result = await call('createJiraIssue', { subject });
  } catch (thrown) {
    return { status: 'error', message: toUiError(thrown).message };
  }
  if (result.mode === 'created') return { status: 'created', key: result.key, url: result.url };
  try {
    await router.open(result.url);
    return { status: 'opened' };
  } catch (thrown) {
    const detail = thrown instanceof Error ? ` ${thrown.message}` : '';
    return { status: 'error', message: `Could not open Jira's create screen.${detail}` };
  }
}
