/**
 * Transport over Node's `fetch` with a Bitbucket token, for the command line and the local runtime.
 * Credentials go only to the API's origin: log storage URLs (the target of the log endpoint's 307) are fetched
 * without them. Redirects are never followed here (`redirect: 'manual'`); the client decides.
 */
import { redactUrl, TransportError } from './errors';
import {
  DEFAULT_TIMEOUT_MS,
  headersToRecord,
  isAbsoluteUrl,
  stringProp,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from './transport';

export const DEFAULT_API_URL = 'https://api.bitbucket.org/2.0';

export type HttpAuth =
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'none' };

export interface HttpTransportOptions {
  /** e.g. `https://api.bitbucket.org/2.0`, or a simulated workspace on loopback. */
  baseUrl: string;
  auth: HttpAuth;
  timeoutMs?: number;
  /** Injected in tests; Node's global `fetch` otherwise. */
  fetch?: typeof fetch;
}

/** Raised when the environment holds half a credential: better to stop than to sync anonymously. */
export class TransportConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportConfigError';
  }
}

export class HttpTransport implements Transport {
  private readonly baseUrl: string;
  private readonly origin: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  /** Private field: never serialised, so a logged transport cannot leak the token. */
  readonly #authorization: string | undefined;

  constructor(options: HttpTransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const base = new URL(this.baseUrl);
    // fetch refuses such URLs, and every error would quote them: stop at once, without repeating them.
    if (base.username || base.password)
      throw new TransportConfigError(
        `the API URL must not hold credentials (${redactUrl(this.baseUrl)}): set BITBUCKET_TOKEN, or BITBUCKET_EMAIL and BITBUCKET_API_TOKEN`,
      );
    this.origin = base.origin;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
    this.#authorization = authorizationHeader(options.auth);
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = isAbsoluteUrl(req.url)
      ? req.url
      : `${this.baseUrl}${req.url.startsWith('/') ? '' : '/'}${req.url}`;
    const headers: Record<string, string> = { ...req.headers };
    if (this.#authorization !== undefined && new URL(url).origin === this.origin) {
      headers.authorization = this.#authorization;
    }
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    try {
      const response = await this.fetchImpl(url, {
        method: req.method,
        headers,
        body: req.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = new TextDecoder('utf-8').decode(await response.arrayBuffer());
      return { status: response.status, headers: headersToRecord(response.headers), body };
    } catch (error) {
      throw toTransportError(req, url, error, timeoutMs);
    }
  }
}

function authorizationHeader(auth: HttpAuth): string | undefined {
  switch (auth.kind) {
    case 'bearer':
      return `Bearer ${auth.token}`;
    case 'basic':
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
    case 'none':
      return undefined;
  }
}

/**
 * Names the failure by kind and code only: fetch errors never carry headers, and we add none. Read by shape, not
 * `instanceof`: fetch's errors may come from another realm (Jest's sandbox, Forge's runtime).
 */
function toTransportError(req: HttpRequest, url: string, error: unknown, timeoutMs: number): TransportError {
  const name = stringProp(error, 'name');
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TransportError(req.method, url, `timed out after ${timeoutMs} ms`, true, { cause: error });
  }
  const cause = error !== null && typeof error === 'object' && 'cause' in error ? error.cause : undefined;
  const reason =
    stringProp(cause, 'code') ??
    stringProp(cause, 'message') ??
    stringProp(error, 'message') ??
    'network error';
  return new TransportError(req.method, url, reason, false, { cause: error });
}

/**
 * `BITBUCKET_API_URL` (default `https://api.bitbucket.org/2.0`); auth from `BITBUCKET_TOKEN` (bearer: workspace,
 * project or repository access token) or `BITBUCKET_EMAIL` + `BITBUCKET_API_TOKEN` (basic: Atlassian API token).
 * Neither: anonymous, which suits public repositories and the simulated workspace.
 */
export function httpTransportFromEnv(env: NodeJS.ProcessEnv = process.env): HttpTransport {
  return new HttpTransport({ baseUrl: env.BITBUCKET_API_URL || DEFAULT_API_URL, auth: authFromEnv(env) });
}

export function authFromEnv(env: NodeJS.ProcessEnv): HttpAuth {
  if (env.BITBUCKET_TOKEN) return { kind: 'bearer', token: env.BITBUCKET_TOKEN };
  const { BITBUCKET_EMAIL: email, BITBUCKET_API_TOKEN: apiToken } = env;
  if (email && apiToken) return { kind: 'basic', username: email, password: apiToken };
  if (email || apiToken) {
    throw new TransportConfigError('BITBUCKET_EMAIL and BITBUCKET_API_TOKEN must be set together');
  }
  return { kind: 'none' };
}
