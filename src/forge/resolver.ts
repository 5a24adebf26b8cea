/**
 * The Forge resolver of the three UI Kit surfaces: builds the caller from Forge's request context (never from the
 * payload), runs the shared resolver host and answers its result or its error body. Unexpected errors are
 * rethrown so Forge records them. Built from the platform port, like the other handlers.
 */
import Resolver from '@forge/resolver';
import { z } from 'zod';
import type { CallerContext } from '../contract/caller';
import { RESOLVER_NAMES } from '../contract/resolvers';
import { unwrapUuid } from '../domain/uuid';
import { createJiraGateway, createResolverHost, type JiraTokenStore } from '../services/resolvers';
import { queueBackfill } from '../services/backfill';
import { JIRA_TOKEN_SECRET } from '../storage/keys';
import { forgeAccess } from './access';
import { kvsSecrets } from './notifications';
import type { ForgePlatform, SecretStore } from './platform';
import { backfillQueues, inInvocation } from './runtime';
import { exportSecrets } from './export-handlers';

const storedJiraCredential = z.object({
  site: z.string().min(1),
  email: z.string().min(1),
  token: z.string().min(1),
});

/** Forge's secret store: encrypted, readable only by the app's backend. The token is kept with its site and account. */
function jiraTokens(secrets: SecretStore): JiraTokenStore {
  return {
    get: async () => {
      // Anything else (a bare token, with no site to tie it to) is not used.
      const stored = storedJiraCredential.safeParse(await secrets.getSecret<unknown>(JIRA_TOKEN_SECRET));
      return stored.success ? stored.data : undefined;
    },
    set: (credential) => secrets.setSecret(JIRA_TOKEN_SECRET, credential),
    delete: () => secrets.deleteSecret(JIRA_TOKEN_SECRET),
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};

/** `req.context` of a Bitbucket module, read defensively: fields vary by module type. */
export function callerFromContext(context: unknown): CallerContext | undefined {
  const c = obj(context);
  const extension = obj(c.extension);
  const workspace = str(obj(extension.workspace).uuid) ?? str(c.workspaceId);
  const accountId = str(c.accountId);
  if (!workspace || !accountId) return undefined;
  const caller: CallerContext = { accountId, workspaceUuid: unwrapUuid(workspace) };
  const repo = str(obj(extension.repository).uuid);
  if (repo) caller.repoUuid = unwrapUuid(repo);
  const prId = Number(obj(extension.pullRequest).id);
  if (Number.isSafeInteger(prId) && prId > 0) caller.pullRequestId = prId;
  return caller;
}

/** The resolver definitions (`index.resolver`), one invocation per call. */
export function createForgeResolver(platform: ForgePlatform) {
  const jira = createJiraGateway({ tokens: jiraTokens(platform.kvs), fetch: platform.fetch });
  const access = forgeAccess(platform.asUser);
  const r = new Resolver();
  for (const name of RESOLVER_NAMES) {
    r.define(name, async (req: { payload: unknown; context: unknown }) => {
      const caller = callerFromContext(req.context);
      if (!caller)
        return { error: { code: 'forbidden', message: 'This call carries no Bitbucket user or workspace.' } };
      const workspaceUuid = caller.workspaceUuid;
      return inInvocation(platform, workspaceUuid, (ctx) => {
        const host = createResolverHost({
          store: ctx.store,
          client: ctx.client,
          access,
          jira,
          now: ctx.now,
          workspace: workspaceUuid,
          queueBackfill: (days, startedAt) =>
            queueBackfill(
              ctx,
              workspaceUuid,
              days,
              startedAt,
              backfillQueues(platform, workspaceUuid).chunks,
            ),
          secrets: kvsSecrets(platform.kvs),
          postWebhook: platform.webhookPost,
          historyExport: { secrets: exportSecrets(platform.kvs), fetch: platform.fetch },
        });
        return host.handle(name, req.payload, caller);
      });
    });
  }
  return r.getDefinitions();
}
