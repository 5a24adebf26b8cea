/**
 * Jira from a Bitbucket app (PLATFORM.md, "Jira from a Bitbucket app"): there is no `requestJira` from a Bitbucket
 * installation, so either the user opens Jira's own create screen pre-filled, or, when an admin stored an API token,
 * the app creates the issue over `POST https://<site>/rest/api/3/issue` with basic auth (email + token).
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post
 */

import { fitText } from '../../domain/test-identity';

export interface JiraIssueDraft {
  summary: string;
  description: string;
  projectKey: string;
  issueType: string;
}

export interface JiraConnection {
  site: string;
  email: string;
}

/**
 * The API token with the site and account it was saved for: it is sent to that site, as that account, and nowhere
 * else, so a connection changed to another site cannot carry the old token there.
 */
export interface JiraCredential {
  site: string;
  email: string;
  token: string;
}

/** Where the credential lives: Forge's secret store, or the environment locally. Never returned to the UI. */
export interface JiraTokenStore {
  get(): Promise<JiraCredential | undefined>;
  set(credential: JiraCredential): Promise<void>;
  delete(): Promise<void>;
}

export interface JiraGateway {
  /** A token is stored for this site and account, so issues can be created directly. */
  isConfigured(connection: JiraConnection): Promise<boolean>;
  create(connection: JiraConnection, issue: JiraIssueDraft): Promise<{ key: string; url: string }>;
  /** Stores the token for this site and account, in place of any other. */
  saveToken(connection: JiraConnection, token: string): Promise<void>;
  /** Forgets the stored token unless it was saved for this site and account. */
  keepTokenOnlyFor(connection: JiraConnection): Promise<void>;
}

/** Jira refused or could not be reached; `message` is Jira's own words, never the request. */
export class JiraError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'JiraError';
  }
}

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{
  status: number;
  text(): Promise<string>;
}>;

export const DEFAULT_ISSUE_TYPE = 'Task';
/** Jira refuses a summary over 255 characters; a few are kept in reserve. */
export const MAX_SUMMARY = 250;
const MAX_DESCRIPTION = 30_000;
/** The create screen's whole URL must stay usable in a browser: its description is cut well below URL length limits. */
const MAX_SCREEN_DESCRIPTION = 1500;

/** `acme.atlassian.net` however it was typed (`https://ACME.atlassian.net/`). */
export function normalizeJiraSite(site: string): string {
  return site
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
}

/** Whether a stored credential was saved for this site and account. */
export function credentialFits(
  credential: JiraCredential | undefined,
  connection: JiraConnection,
): credential is JiraCredential {
  return (
    credential !== undefined &&
    normalizeJiraSite(credential.site) === normalizeJiraSite(connection.site) &&
    credential.email.trim().toLowerCase() === connection.email.trim().toLowerCase()
  );
}

export function createJiraGateway(deps: { tokens: JiraTokenStore; fetch: FetchLike }): JiraGateway {
  return {
    isConfigured: async (connection) => credentialFits(await deps.tokens.get(), connection),
    saveToken: (connection, token) =>
      deps.tokens.set({ site: normalizeJiraSite(connection.site), email: connection.email, token }),
    keepTokenOnlyFor: async (connection) => {
      const stored = await deps.tokens.get();
      if (stored && !credentialFits(stored, connection)) await deps.tokens.delete();
    },
    create: async (connection, issue) => {
      const stored = await deps.tokens.get();
      if (!credentialFits(stored, connection))
        throw new JiraError('No Jira API token is stored for this site and account.');
      const { token } = stored;
      const response = await deps
        .fetch(`https://${connection.site}/rest/api/3/issue`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${connection.email}:${token}`).toString('base64')}`,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify(issuePayload(issue)),
        })
        .catch((error: unknown) => {
          throw new JiraError(
            `Jira at ${connection.site} could not be reached: ${error instanceof Error ? error.message : 'network error'}`,
          );
        });
      const text = await response.text();
      if (response.status < 200 || response.status >= 300)
        throw new JiraError(jiraErrorMessage(response.status, text), response.status);
      const key = parseKey(text);
      if (!key) throw new JiraError('Jira created the issue but did not answer its key.', response.status);
      return { key, url: `https://${connection.site}/browse/${key}` };
    },
  };
}

/** The REST v3 body: the description in Atlassian Document Format, one paragraph per line. */
export function issuePayload(issue: JiraIssueDraft): object {
  const lines = fitText(issue.description, MAX_DESCRIPTION, 'description').split('\n');
  return {
    fields: {
      project: { key: issue.projectKey },
      issuetype: { name: issue.issueType },
      summary: fitText(issue.summary, MAX_SUMMARY, 'summary'),
      description: {
        type: 'doc',
        version: 1,
        content: lines.map((line) =>
          line ? { type: 'paragraph', content: [{ type: 'text', text: line }] } : { type: 'paragraph' },
        ),
      },
    },
  };
}

/** Jira's create screen, pre-filled: the user finishes it in Jira with their own permissions. */
export function createScreenUrl(site: string, issue: JiraIssueDraft, projectId = ''): string {
  const params = new URLSearchParams({
    pid: projectId,
    issuetype: '',
    summary: fitText(issue.summary, MAX_SUMMARY, 'summary'),
    description: fitText(issue.description, MAX_SCREEN_DESCRIPTION, 'description'),
  });
  return `https://${site}/secure/CreateIssueDetails!init.jspa?${params.toString()}`;
}

/** Jira answers `{ errorMessages: [], errors: { field: message } }` on 4xx. */
function jiraErrorMessage(status: number, body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) {
      const { errorMessages, errors } = parsed as { errorMessages?: unknown; errors?: unknown };
      const parts: string[] = [];
      if (Array.isArray(errorMessages))
        parts.push(...errorMessages.filter((m): m is string => typeof m === 'string'));
      if (typeof errors === 'object' && errors !== null) {
        for (const [field, message] of Object.entries(errors))
          if (typeof message === 'string') parts.push(`${field}: ${message}`);
      }
      if (parts.length) return `Jira answered ${status}: ${parts.join('; ').slice(0, 500)}`;
    }
  } catch {
    // Not JSON: fall through to the status alone.
  }
  return `Jira answered ${status}.`;
}

function parseKey(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const key = typeof parsed === 'object' && parsed !== null ? (parsed as { key?: unknown }).key : undefined;
    return typeof key === 'string' && /^[A-Z][A-Z0-9_]*-\d+$/.test(key) ? key : undefined;
  } catch {
    return undefined;
  }
}
