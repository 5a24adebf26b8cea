/**
 * `serve`: the app's pages in a local browser preview, over the data folder `sync` filled, with the real
 * resolvers. The local operator may do everything (`localAccess`); Jira comes from JIRA_SITE, JIRA_EMAIL and
 * JIRA_API_TOKEN; quarantine is published through the same Bitbucket client as `sync`.
 */
import path from 'node:path';
import type { RepoRef } from '../domain/types';
import { openLocalRuntime, type LocalRuntime } from '../local/runtime';
import {
  startPreviewServer,
  type PreviewRouteTarget,
  type PreviewServerOptions,
  type SurfaceLink,
} from '../preview/server';
import type { ResolverHost } from '../contract/caller';
import { surfacePath } from '../preview/routes';
import {
  createJiraGateway,
  createResolverHost,
  localAccess,
  normalizeJiraSite,
  type JiraCredential,
  type JiraGateway,
} from '../services/resolvers';
import * as keys from '../storage/keys';
import { prefix } from '../storage/keys';
import type { Store } from '../storage/store';
import { fetchPost, WEBHOOK_ENV, type SecretStore } from '../services/notifications/channels';
import { UsageError } from './input';
import { DEFAULT_DATA_DIR, type CliValues } from './options';
import { isSlugOrUuid } from './input';

export interface ServeOptions {
  dataDir: string;
  port?: string;
  onClose?: () => Promise<void>;
  now?: () => Date;
  /** The Bitbucket API the client talks to (the simulated one in `demo`); default BITBUCKET_API_URL. */
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export async function runServe(values: CliValues): Promise<number> {
  return serveUntilStopped({
    dataDir: path.resolve(values['data-dir'] ?? DEFAULT_DATA_DIR),
    port: values.port,
  });
}

export async function serveUntilStopped(o: ServeOptions): Promise<number> {
  const port = parsePort(o.port);
  const preview = await startLocalPreview({ ...o, port });
  process.stdout.write(`Pipeline insights preview: ${preview.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await preview.close();
  return 0;
}

export interface LocalPreview {
  url: string;
  runtime: LocalRuntime;
  close(): Promise<void>;
}

/** The preview server on the runtime of `dataDir`, with the real resolver host. */
export async function startLocalPreview(
  o: Omit<ServeOptions, 'port'> & { port?: number },
): Promise<LocalPreview> {
  const env = o.env ?? process.env;
  const runtime = openLocalRuntime({
    dataDir: o.dataDir,
    apiUrl: o.apiUrl,
    env,
    log: { info: () => undefined, warn: () => undefined },
    now: o.now,
  });
  try {
    const server = await startPreviewServer({
      host: localResolverHost(runtime, env),
      port: o.port ?? 0,
      ...localRoutes(runtime.store),
    });
    return {
      url: server.url,
      runtime,
      close: async () => {
        await server.close();
        runtime.close();
        await o.onClose?.();
      },
    };
  } catch (error) {
    runtime.close();
    throw error;
  }
}

/** The real resolvers over a local runtime; the workspace key of each call is the one of its page route. */
export function localResolverHost(rt: LocalRuntime, env: NodeJS.ProcessEnv): ResolverHost {
  const jira = localJiraGateway(env);
  const secrets = localSecrets(env);
  // Locally the export's secret is HISTORY_SECRET, or the one generated on the settings page for the life of the process.
  let exportSecret = env.HISTORY_SECRET;
  const historyExport = {
    secrets: { get: async () => exportSecret, set: async (secret: string) => void (exportSecret = secret) },
    fetch: (url: string, init: { method: string; headers: Record<string, string>; body: string }) =>
      fetch(url, init),
  };
  return {
    handle: (name, payload, caller) =>
      createResolverHost({
        store: rt.store,
        client: rt.client,
        access: localAccess,
        jira,
        now: rt.now,
        workspace: caller.workspaceUuid,
        secrets,
        postWebhook: fetchPost(),
        allowLoopbackWebhooks: true,
        historyExport,
      }).handle(name, payload, caller),
  };
}

/** Locally, webhook URLs and the Slack signing secret come from the environment, or from the page for the life of the process. */
export function localSecrets(env: NodeJS.ProcessEnv): SecretStore {
  const fromEnv: Record<string, string | undefined> = {
    [keys.SECRET_NAMES.slack]: env[WEBHOOK_ENV.slack],
    [keys.SECRET_NAMES.teams]: env[WEBHOOK_ENV.teams],
    [keys.SECRET_NAMES.slackSigningSecret]: env.SLACK_SIGNING_SECRET,
  };
  const entered = new Map<string, string | undefined>();
  return {
    get: async (name) => (entered.has(name) ? entered.get(name) : fromEnv[name]),
    set: async (name, value) => void entered.set(name, value),
    delete: async (name) => void entered.set(name, undefined),
  };
}

/** How preview routes map to recorded workspaces and repositories, and the index of pages. */
export function localRoutes(store: Store): Pick<PreviewServerOptions, 'resolveRoute' | 'listSurfaces'> {
  return {
    resolveRoute: (workspace, repo) => resolveRoute(store, workspace, repo),
    listSurfaces: () => listSurfaces(store),
  };
}

/**
 * Locally the token is JIRA_API_TOKEN, for JIRA_SITE as JIRA_EMAIL (all three set), or the one saved on the settings
 * page for the life of the process. Once a token is saved or forgotten on the page, the environment's is not used.
 */
export function localJiraGateway(
  env: NodeJS.ProcessEnv,
  fetchImpl: typeof fetch = fetch,
): JiraGateway & { defaults: { site?: string; email?: string } } {
  const fromEnv: JiraCredential | undefined =
    env.JIRA_SITE && env.JIRA_EMAIL && env.JIRA_API_TOKEN
      ? { site: normalizeJiraSite(env.JIRA_SITE), email: env.JIRA_EMAIL, token: env.JIRA_API_TOKEN }
      : undefined;
  let entered: { credential?: JiraCredential } | undefined;
  const gateway = createJiraGateway({
    tokens: {
      get: async () => (entered ? entered.credential : fromEnv),
      set: async (credential) => void (entered = { credential }),
      delete: async () => void (entered = {}),
    },
    fetch: (url, init) => fetchImpl(url, init),
  });
  return {
    ...gateway,
    defaults: {
      ...(env.JIRA_SITE ? { site: normalizeJiraSite(env.JIRA_SITE) } : {}),
      ...(env.JIRA_EMAIL ? { email: env.JIRA_EMAIL } : {}),
    },
  };
}

/** Locally the workspace key is its slug (as `sync` recorded it), the same string as in the route. */
async function resolveRoute(
  store: Store,
  workspace: string,
  repoSlug?: string,
): Promise<PreviewRouteTarget | undefined> {
  // Anything but a slug is no recorded workspace or repository (and would not make a storage key): a 404.
  if (!isSlugOrUuid(workspace) || (repoSlug !== undefined && !isSlugOrUuid(repoSlug))) return undefined;
  const repos = await repositoriesOf(store, workspace);
  if (!repos.length) return undefined;
  if (repoSlug === undefined) return { workspaceUuid: workspace };
  const repo = repos.find((r) => r.repoSlug === repoSlug);
  return repo ? { workspaceUuid: workspace, repoUuid: repo.repoUuid } : undefined;
}

async function repositoriesOf(store: Store, workspace: string): Promise<RepoRef[]> {
  const out: RepoRef[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query(keys.repositoriesOf(workspace), { limit: 100, cursor });
    out.push(...page.items.map((i) => i.value));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** Every recorded repository, with the workspace key it was recorded under (`repo:<workspace>:<uuid>`). */
async function allRepositories(store: Store): Promise<{ workspace: string; repo: RepoRef }[]> {
  const out: { workspace: string; repo: RepoRef }[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query(prefix<RepoRef>('repo:'), { limit: 100, cursor });
    for (const item of page.items) out.push({ workspace: item.key.split(':')[1] ?? '', repo: item.value });
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** The local index page scans at most this many pages of 100 attempt records for pull requests to link. */
const MAX_ATTEMPT_PAGES = 60;

/** Pull requests with recorded pipelines, newest first (a bounded scan, for the local index page only). */
export async function pullRequestsWithPipelines(store: Store, repoUuid: string): Promise<number[]> {
  const newest = new Map<number, string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_ATTEMPT_PAGES; page++) {
    const result = await store.query(keys.attemptsOf(repoUuid), { limit: 100, cursor });
    for (const { value: a } of result.items)
      if (a.pullRequestId !== undefined) newest.set(a.pullRequestId, a.completedOn);
    cursor = result.cursor;
    if (!cursor) break;
  }
  return [...newest.entries()].sort((a, b) => b[1].localeCompare(a[1])).map(([id]) => id);
}

async function listSurfaces(store: Store): Promise<SurfaceLink[]> {
  const links: SurfaceLink[] = [];
  const workspaces = new Set<string>();
  for (const { workspace, repo } of await allRepositories(store)) {
    workspaces.add(workspace);
    links.push({
      title: `${workspace}/${repo.repoSlug}`,
      url: surfacePath({ surface: 'repo-page', workspace, repo: repo.repoSlug }),
    });
    const [pr] = await pullRequestsWithPipelines(store, repo.repoUuid);
    if (pr !== undefined) {
      links.push({
        title: `${workspace}/${repo.repoSlug} · pull request #${pr}`,
        url: surfacePath({ surface: 'pr-panel', workspace, repo: repo.repoSlug, pullRequestId: pr }),
      });
    }
  }
  for (const workspace of workspaces)
    links.push({ title: `${workspace} · settings`, url: surfacePath({ surface: 'admin-page', workspace }) });
  return links;
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be a number from 0 to 65535, not "${value.slice(0, 20)}"`);
  return port;
}
