/**
 * The server side of the resolver contract (src/contract/resolvers.ts), shared by the Forge resolver and the local
 * preview: validate the payload, check on the server that the caller may, then call one service. Expected failures
 * answer a `ResolverErrorBody`; anything else is thrown so the platform records it.
 */
import type { CallerContext, ResolverHost } from '../../contract/caller';
import type { ResolverName, ResolverPayload, ResolverResult } from '../../contract/resolvers';
import type { RepoRef } from '../../domain/types';
import * as keys from '../../storage/keys';
import { adminPage, saveJiraConnection, saveSettings, startBackfill } from './admin';
import { forbidden, ResolverError } from './errors';
import { createJiraIssue } from './jira-issue';
import { PAYLOADS, type PayloadSchemas } from './payloads';
import { pullRequestPanel } from './pr-panel';
import { failuresPage, readSettings, repoReport, setQuarantine, setSuggestionStatus } from './repo-actions';
import { detectorConfigFor } from '../settings';
import {
  notificationsPage,
  saveChatWebhook,
  saveNotificationSettings,
  saveSlackSigningSecret,
  sendTestMessage,
} from './notifications';
import {
  getHistoryExport,
  newHistoryExportSecret,
  retryHistoryExport,
  sendHistoryTestBatch,
  setHistoryExport,
} from './history-export';
import type { ResolverDeps } from './deps';

/** The server's handler of resolver N: the contract's payload in (validated), the contract's result out. */
export type ResolverHandler<N extends ResolverName> = (
  deps: ResolverDeps,
  payload: ResolverPayload<N>,
  caller: CallerContext,
) => Promise<ResolverResult<N>>;
type Handler<N extends ResolverName> = ResolverHandler<N>;
type RepoHandler<N extends ResolverName> = (
  deps: ResolverDeps,
  payload: ResolverPayload<N>,
  caller: CallerContext,
  repo: RepoRef,
) => Promise<ResolverResult<N>>;

/** Repository surfaces: the repository is the one of the page the call comes from, never one named in a payload. */
function onRepo<N extends ResolverName>(run: RepoHandler<N>): Handler<N> {
  return async (deps, payload, caller) => {
    const repoUuid = caller.repoUuid;
    if (!repoUuid) throw new ResolverError('invalid', 'This call must come from a repository page.');
    if (!(await deps.access.canReadRepo(caller, repoUuid))) throw forbidden('this repository');
    const repo = await deps.store.get(keys.repository(deps.workspace, repoUuid));
    if (!repo)
      throw new ResolverError(
        'not-found',
        'Nothing is recorded for this repository yet: its pipelines are ingested within the hour.',
      );
    return run(deps, payload, caller, repo);
  };
}

/** Repository actions that change what the team or its pipeline sees: write permission, checked after read. */
function onRepoAsWriter<N extends ResolverName>(run: RepoHandler<N>): Handler<N> {
  return onRepo(async (deps, payload, caller, repo) => {
    if (!(await deps.access.canWriteRepo(caller, repo.repoUuid)))
      throw new ResolverError(
        'forbidden',
        'Quarantine and suggestion changes need write access to this repository: ask someone who has it.',
      );
    return run(deps, payload, caller, repo);
  });
}

function asAdmin<N extends ResolverName>(run: Handler<N>): Handler<N> {
  return async (deps, payload, caller) => {
    if (!(await deps.access.canAdminWorkspace(caller))) throw forbidden('the settings of this workspace');
    return run(deps, payload, caller);
  };
}

const HANDLERS: { [N in ResolverName]: Handler<N> } = {
  getRepoInsights: onRepo(async (deps, p, caller, repo) => {
    const [report, canChange] = await Promise.all([
      repoReport(deps, repo, p.branch),
      deps.access.canWriteRepo(caller, repo.repoUuid),
    ]);
    return { ...report, viewer: { canChange } };
  }),
  getPullRequestPanel: onRepo(async (deps, _p, caller, repo) => {
    if (caller.pullRequestId === undefined)
      throw new ResolverError('invalid', 'This call must come from a pull request.');
    return pullRequestPanel(
      deps.store,
      repo,
      caller.pullRequestId,
      detectorConfigFor(await readSettings(deps)),
    );
  }),
  getFailures: onRepo((deps, p, _caller, repo) => failuresPage(deps, repo, p)),
  setQuarantine: onRepoAsWriter((deps, p, caller, repo) => setQuarantine(deps, repo, caller.accountId, p)),
  setSuggestionStatus: onRepoAsWriter((deps, p, caller, repo) =>
    setSuggestionStatus(deps, repo, caller.accountId, p),
  ),
  createJiraIssue: onRepo((deps, p, caller, repo) =>
    createJiraIssue(deps, repo, caller.accountId, p.subject, () =>
      deps.access.canWriteRepo(caller, repo.repoUuid),
    ),
  ),
  getAdminPage: asAdmin((deps) => adminPage(deps)),
  saveSettings: asAdmin((deps, p) => saveSettings(deps, p)),
  saveJiraConnection: asAdmin((deps, p) => saveJiraConnection(deps, p)),
  startBackfill: asAdmin((deps, p) => startBackfill(deps, p.days)),
  getNotifications: asAdmin((deps) => notificationsPage(deps)),
  saveNotificationSettings: asAdmin((deps, p) => saveNotificationSettings(deps, p)),
  saveChatWebhook: asAdmin((deps, p) => saveChatWebhook(deps, p)),
  sendTestMessage: asAdmin((deps, p) => sendTestMessage(deps, p)),
  saveSlackSigningSecret: asAdmin((deps, p) => saveSlackSigningSecret(deps, p)),
  getHistoryExport: asAdmin((deps) => getHistoryExport(deps)),
  saveHistoryExport: asAdmin((deps, p) => setHistoryExport(deps, p)),
  newHistoryExportSecret: asAdmin((deps) => newHistoryExportSecret(deps)),
  sendHistoryTestBatch: asAdmin((deps) => sendHistoryTestBatch(deps)),
  retryHistoryExport: asAdmin((deps) => retryHistoryExport(deps)),
};

export function createResolverHost(deps: ResolverDeps): ResolverHost {
  return {
    handle: async (name, payload, caller) => {
      try {
        return await dispatch(deps, name, payload, caller);
      } catch (error) {
        if (error instanceof ResolverError) return error.body;
        throw error;
      }
    },
  };
}

const SCHEMAS: PayloadSchemas = PAYLOADS;

async function dispatch<N extends ResolverName>(
  deps: ResolverDeps,
  name: N,
  payload: unknown,
  caller: CallerContext,
): Promise<ResolverResult<N>> {
  // The name is typed, but it came from outside: one that is not the contract's own is refused.
  if (!Object.hasOwn(SCHEMAS, name) || !Object.hasOwn(HANDLERS, name))
    throw new ResolverError('invalid', `Unknown resolver ${String(name).slice(0, 60)}.`);
  const schema = SCHEMAS[name];
  const handler = HANDLERS[name];
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) {
    // Issue paths and messages only: the input itself (which may hold a token) is never echoed.
    const detail = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`)
      .join('; ');
    throw new ResolverError('invalid', `Invalid ${name} payload: ${detail.slice(0, 500)}`);
  }
  return handler(deps, parsed.data, caller);
}
