/**
 * The local preview server: serves the app's UI Kit surfaces in a browser, on 127.0.0.1 only, and runs their
 * `invoke` calls through a ResolverHost (the real resolvers when started by `serve` or `demo`).
 *
 *   GET  /                              index of surfaces
 *   GET  /repo/{workspace}/{repo}        repository page
 *   GET  /pr/{workspace}/{repo}/{id}     pull request panel
 *   GET  /workspace/{workspace}/settings workspace admin page
 *   GET  /assets/{file}                 browser bundles
 *   POST /api/invoke                    { name, payload, context: { route } } → { result } | error body
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CallerContext, ResolverHost } from '../contract/caller';
import { buildPreviewBundles, type BundleOptions, type PreviewBundles } from './bundle';
import { indexPage, notFoundPage, surfacePage, type SurfaceLink } from './html-pages';
import { errorOutcome, handleInvoke, type InvokeOutcome } from './invoke-handler';
import type { PreviewPageConfig, PreviewProductContext } from './page-config';
import { parseSurfaceRoute, SURFACE_MODULE_TYPES, type SurfaceRoute } from './routes';

export type { SurfaceLink } from './html-pages';

/** The Bitbucket objects a route names; `repoUuid` is required for repository and pull request routes. */
export interface PreviewRouteTarget {
  workspaceUuid: string;
  repoUuid?: string;
}

export interface PreviewServerOptions {
  host: ResolverHost;
  /** 0 (the default) picks any free port. */
  port?: number;
  /** Maps route slugs to UUIDs; `repo` is undefined for the workspace settings route. Undefined = unknown. */
  resolveRoute: (workspace: string, repo?: string) => Promise<PreviewRouteTarget | undefined>;
  listSurfaces: () => Promise<SurfaceLink[]>;
  /** The local user every call is made as. */
  accountId?: string;
  /** Ready-made bundles; by default they are built (or taken from the cache) at start. */
  bundles?: PreviewBundles;
  bundleOptions?: BundleOptions;
  /** Told about unexpected resolver failures; defaults to console.error. */
  onError?: (error: unknown) => void;
}

export interface PreviewServer {
  url: string;
  close(): Promise<void>;
}

export const LOCAL_ACCOUNT_ID = 'local-user';
/** Forge's request limit for `invoke` payloads. */
const MAX_INVOKE_BYTES = 500 * 1024;

interface PageTarget {
  route: SurfaceRoute;
  caller: CallerContext;
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const bundles = options.bundles ?? (await buildPreviewBundles(options.bundleOptions));
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const onError = options.onError ?? ((error: unknown) => console.error('preview:', error));
  const resolvePage = (path: string) => resolvePageTarget(path, options.resolveRoute, accountId);
  const server = createServer((req, res) => {
    routeRequest(req, res, { options, bundles, resolvePage, onError }).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'The preview server failed.');
      else res.destroy();
    });
  });
  const port = await listen(server, options.port ?? 0);
  return { url: `http://127.0.0.1:${port}`, close: () => close(server) };
}

interface RequestContext {
  options: PreviewServerOptions;
  bundles: PreviewBundles;
  resolvePage: (path: string) => Promise<PageTarget | undefined>;
  onError: (error: unknown) => void;
}

async function routeRequest(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://preview.invalid').pathname;
  if (!isLocalHost(req.headers.host))
    return send(res, 421, 'text/plain; charset=utf-8', 'Use the 127.0.0.1 address.');
  if (path === '/api/invoke')
    return req.method === 'POST' ? serveInvoke(req, res, ctx) : methodNotAllowed(res, 'POST');
  if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(res, 'GET');
  if (path === '/') return send(res, 200, HTML, indexPage(await ctx.options.listSurfaces()));
  if (path.startsWith('/assets/')) return serveAsset(res, ctx.bundles, path.slice('/assets/'.length));
  if (path === '/favicon.ico') return send(res, 204, 'text/plain', '');
  return serveSurface(res, ctx, path);
}

const HTML = 'text/html; charset=utf-8';

async function serveSurface(res: ServerResponse, ctx: RequestContext, path: string): Promise<void> {
  const route = parseSurfaceRoute(path);
  if (!route) return send(res, 404, HTML, notFoundPage(`There is no page at ${path}.`));
  const target = await ctx.resolvePage(path);
  if (!target) return send(res, 404, HTML, notFoundPage(unknownTargetMessage(route)));
  const config: PreviewPageConfig = {
    surface: route.surface,
    routePath: path,
    context: productContext(route, target.caller),
  };
  send(res, 200, HTML, surfacePage(pageTitle(route), config, ctx.bundles.pages[route.surface]));
}

async function serveInvoke(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
  const outcome = await invokeOutcome(req, ctx);
  send(res, outcome.status, 'application/json; charset=utf-8', JSON.stringify(outcome.body));
}

async function invokeOutcome(req: IncomingMessage, ctx: RequestContext): Promise<InvokeOutcome> {
  // A JSON content type forces a CORS preflight, which this server never grants, and the same-origin check (the
  // Host header is already known to be loopback) stops other local pages: only the preview's pages call resolvers.
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return errorOutcome('invalid', 'Send the request as application/json.');
  }
  const requestOrigin = req.headers.origin;
  if (requestOrigin !== undefined && requestOrigin !== `http://${req.headers.host ?? ''}`) {
    return errorOutcome('forbidden', 'Resolvers may only be called from the preview pages.');
  }
  const body = await readBody(req, MAX_INVOKE_BYTES);
  if (body === undefined)
    return { status: 413, body: { error: { code: 'invalid', message: 'The payload is over 500 KB.' } } };
  return handleInvoke(body, {
    host: ctx.options.host,
    callerForRoute: async (routePath) => (await ctx.resolvePage(routePath))?.caller,
    onUnexpectedError: ctx.onError,
  });
}

function serveAsset(res: ServerResponse, bundles: PreviewBundles, name: string): void {
  const text = bundles.assets.get(name);
  if (text === undefined) return send(res, 404, 'text/plain; charset=utf-8', 'No such asset.');
  const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
  send(res, 200, type, text);
}

/** The caller a page's calls are made as: from the route and the data, never from what the browser sends. */
async function resolvePageTarget(
  path: string,
  resolveRoute: PreviewServerOptions['resolveRoute'],
  accountId: string,
): Promise<PageTarget | undefined> {
  const route = parseSurfaceRoute(path);
  if (!route) return undefined;
  const repo = route.surface === 'admin-page' ? undefined : route.repo;
  const target = await resolveRoute(route.workspace, repo);
  if (!target || (repo !== undefined && !target.repoUuid)) return undefined;
  const caller: CallerContext = { accountId, workspaceUuid: target.workspaceUuid };
  if (route.surface !== 'admin-page') caller.repoUuid = target.repoUuid;
  if (route.surface === 'pr-panel') caller.pullRequestId = route.pullRequestId;
  return { route, caller };
}

/** Shaped like the context Forge gives a Bitbucket module (PLATFORM.md, "Extension context"). */
function productContext(route: SurfaceRoute, caller: CallerContext): PreviewProductContext {
  const extension: PreviewProductContext['extension'] = {
    type: SURFACE_MODULE_TYPES[route.surface],
    workspace: { uuid: caller.workspaceUuid },
  };
  if (caller.repoUuid) extension.repository = { uuid: caller.repoUuid };
  if (caller.pullRequestId !== undefined) extension.pullRequest = { id: caller.pullRequestId };
  return {
    accountId: caller.accountId,
    workspaceId: caller.workspaceUuid,
    localId: `preview-${route.surface}`,
    moduleKey: route.surface,
    locale: 'en-US',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    environmentType: 'DEVELOPMENT',
    extension,
  };
}

function pageTitle(route: SurfaceRoute): string {
  switch (route.surface) {
    case 'repo-page':
      return `Pipeline insights · ${route.workspace}/${route.repo}`;
    case 'pr-panel':
      return `Pull request #${route.pullRequestId} · ${route.workspace}/${route.repo}`;
    case 'admin-page':
      return `Pipeline insights settings · ${route.workspace}`;
  }
}

function unknownTargetMessage(route: SurfaceRoute): string {
  return route.surface === 'admin-page'
    ? `Unknown workspace “${route.workspace}”: it has not been ingested.`
    : `Unknown repository “${route.workspace}/${route.repo}”: it has not been ingested.`;
}

function isLocalHost(host: string | undefined): boolean {
  // Rejecting other Host names stops DNS-rebinding pages from reaching the loopback server.
  return host !== undefined && /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host);
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function methodNotAllowed(res: ServerResponse, allowed: string): void {
  res.setHeader('allow', allowed);
  send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed.');
}

/** The body as text, or undefined when it is larger than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
