/**
 * `POST /api/invoke`: the preview's stand-in for Forge's resolver endpoint. It accepts only the resolver names of
 * the contract, takes the caller from the page route the request names (re-resolved on the server, never read
 * from the payload), and translates the resolver's answer into HTTP.
 */
import type { CallerContext, ResolverHost } from '../contract/caller';
import { RESOLVER_NAMES, type ResolverErrorBody, type ResolverName } from '../contract/resolvers';

type ErrorCode = ResolverErrorBody['error']['code'];

/** An unexpected failure: not part of the contract, so it has its own code and never carries internals. */
export interface InternalErrorBody {
  error: { code: 'internal'; message: string };
}

export interface InvokeOutcome {
  status: number;
  body: { result: unknown } | ResolverErrorBody | InternalErrorBody;
}

export interface InvokeDeps {
  host: ResolverHost;
  /** The caller for a page route path, or undefined when the route names no known page. */
  callerForRoute: (routePath: string) => Promise<CallerContext | undefined>;
  /** Told about unexpected resolver failures (the HTTP answer hides their detail). */
  onUnexpectedError?: (error: unknown) => void;
}

/** HTTP status per contract error code; `upstream` is a bad gateway: Bitbucket or Jira said no. */
const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  'not-configured': 409,
  upstream: 502,
};

export async function handleInvoke(rawBody: string, deps: InvokeDeps): Promise<InvokeOutcome> {
  const request = parseRequest(rawBody);
  if ('error' in request) return request.error;
  const caller = await deps.callerForRoute(request.route);
  if (!caller) return errorOutcome('not-found', `No app page at ${request.route}`);
  try {
    const result = await deps.host.handle(request.name, request.payload, caller);
    const errorBody = asResolverError(result);
    return errorBody
      ? { status: STATUS_BY_CODE[errorBody.error.code], body: errorBody }
      : { status: 200, body: { result } };
  } catch (error) {
    const errorBody = asResolverError({ error });
    if (errorBody) return { status: STATUS_BY_CODE[errorBody.error.code], body: errorBody };
    deps.onUnexpectedError?.(error);
    return {
      status: 500,
      body: { error: { code: 'internal', message: `The ${request.name} resolver failed.` } },
    };
  }
}

interface ParsedRequest {
  name: ResolverName;
  payload: unknown;
  route: string;
}

function parseRequest(rawBody: string): ParsedRequest | { error: InvokeOutcome } {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { error: errorOutcome('invalid', 'The request body is not JSON.') };
  }
  if (typeof body !== 'object' || body === null)
    return { error: errorOutcome('invalid', 'The request body must be an object.') };
  const { name, payload, context } = body as Record<string, unknown>;
  if (!isResolverName(name))
    return { error: errorOutcome('invalid', `Unknown resolver: ${JSON.stringify(name)}.`) };
  const route = (context as { route?: unknown } | undefined)?.route;
  if (typeof route !== 'string')
    return { error: errorOutcome('invalid', 'context.route must name the calling page.') };
  if (payload !== undefined && (typeof payload !== 'object' || payload === null || Array.isArray(payload))) {
    return { error: errorOutcome('invalid', 'The payload must be an object.') };
  }
  return { name, payload: payload ?? {}, route };
}

function isResolverName(name: unknown): name is ResolverName {
  return typeof name === 'string' && (RESOLVER_NAMES as readonly string[]).includes(name);
}

/**
 * A resolver reports an expected failure by answering (or throwing) `{ error: { code, message } }` with a code of
 * the contract; anything else is a result or an unexpected failure.
 */
function asResolverError(value: unknown): ResolverErrorBody | undefined {
  if (typeof value !== 'object' || value === null || !('error' in value)) return undefined;
  const error = (value as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || !(code in STATUS_BY_CODE) || typeof message !== 'string') return undefined;
  return { error: { code: code as ErrorCode, message } };
}

export function errorOutcome(code: ErrorCode, message: string): InvokeOutcome {
  return { status: STATUS_BY_CODE[code], body: { error: { code, message } } };
}
