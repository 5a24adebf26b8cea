/**
 * Transport inside Forge: API paths go through `api.asApp().requestBitbucket(route)` (Forge adds the app's
 * credentials and enforces the 1,000/h per-workspace limit), and absolute URLs elsewhere (log storage, the target of
 * the log endpoint's 307) through `fetch` from `@forge/api`, which sends no Bitbucket credentials.
 * https://developer.atlassian.com/platform/forge/runtime-reference/product-fetch-api/
 */
import api, {
  assumeTrustedRoute,
  fetch as forgeFetch,
  routeFromAbsolute,
  type APIResponse,
  type RequestInit,
  type Route,
} from '@forge/api';
import { TransportError } from './errors';
import {
  DEFAULT_TIMEOUT_MS,
  headersToRecord,
  isAbsoluteUrl,
  stringProp,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from './transport';

/** The two `@forge/api` calls used, so tests can pass a scripted fake. */
export interface ForgeFetchApi {
  requestBitbucket(route: Route, init?: RequestInit): Promise<APIResponse>;
  fetch(url: string, init?: RequestInit): Promise<APIResponse>;
}

const API_ORIGIN = 'https://api.bitbucket.org';
/** `requestBitbucket` routes start at the host: `/2.0/repositories/...`. */
const API_PREFIX = '/2.0';

export const forgeFetchApi: ForgeFetchApi = {
  requestBitbucket: (route, init) => api.asApp().requestBitbucket(route, init),
  fetch: (url, init) => forgeFetch(url, init),
};

export class ForgeTransport implements Transport {
  constructor(
    private readonly forge: ForgeFetchApi = forgeFetchApi,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const init: RequestInit = {
      method: req.method,
      headers: { ...req.headers },
      body: req.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs ?? this.timeoutMs),
    };
    try {
      const response = await this.send(req.url, init);
      const body = new TextDecoder('utf-8').decode(await response.arrayBuffer());
      return { status: response.status, headers: headersToRecord(response.headers), body };
    } catch (error) {
      const refused = platformRefusal(error);
      if (refused) return refused;
      throw toTransportError(req, error);
    }
  }

  private send(url: string, init: RequestInit): Promise<APIResponse> {
    if (!isAbsoluteUrl(url)) {
      // Paths come from the client's path builders (encoded, validated segments) or `next` links.
      return this.forge.requestBitbucket(assumeTrustedRoute(`${API_PREFIX}${url}`), init);
    }
    if (new URL(url).origin === API_ORIGIN) return this.forge.requestBitbucket(routeFromAbsolute(url), init);
    return this.forge.fetch(url, init);
  }
}

/**
 * Forge refuses some requests itself, as errors of `@forge/api` that carry an HTTP status: `NotAllowedError`
 * (name `REQUEST_EGRESS_ALLOWLIST_ERR`, 403: a host the manifest does not declare for egress, a redirect to one) and
 * `ProxyRequestError` (name `PROXY_ERR`: the proxy's `forge-proxy-error`). They are answers, not network failures:
 * passed on as such, so the client does not retry what will be refused again.
 */
const REFUSALS = new Set(['REQUEST_EGRESS_ALLOWLIST_ERR', 'PROXY_ERR']);

function platformRefusal(error: unknown): HttpResponse | undefined {
  const name = stringProp(error, 'name');
  if (name === undefined || !REFUSALS.has(name)) return undefined;
  const status: unknown = (error as { status?: unknown }).status;
  if (typeof status !== 'number' || status < 400) return undefined;
  const detail = stringProp(error, 'errorCode') ?? name;
  return { status, headers: { 'forge-proxy-error': detail }, body: '' };
}

function toTransportError(req: HttpRequest, error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const name = stringProp(error, 'name');
  const timedOut = name === 'TimeoutError' || name === 'AbortError';
  const reason = timedOut ? 'timed out' : (name ?? 'network error');
  return new TransportError(req.method, req.url, reason, timedOut, { cause: error });
}
