/**
 * The transport port: one HTTP exchange, nothing more. Two adapters implement it: `http-transport.ts` (Node fetch
 * with a token, for the command line) and `forge-transport.ts` (`requestBitbucket` as the app). Retries, budgets,
 * redirects and parsing live in the client, so both adapters behave the same.
 *
 * Transports never follow redirects: the log endpoint answers 307 to log storage, and the client must fetch that
 * URL itself, without credentials.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL, or a path relative to the API base such as `/repositories/ws/repo/pipelines?pagelen=100`. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface Transport {
  /** Resolves with any HTTP status; throws `TransportError` when no response arrived (network, timeout). */
  request(req: HttpRequest): Promise<HttpResponse>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export function isAbsoluteUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** Lower-case header names of a fetch `Headers`-like object. */
export function headersToRecord(headers: {
  forEach(cb: (value: string, key: string) => void): void;
}): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key.toLowerCase()] = value;
  });
  return out;
}

/** A string property of an unknown error, read by shape: errors from fetch may come from another realm. */
export function stringProp(value: unknown, prop: string): string | undefined {
  if (value === null || typeof value !== 'object' || !(prop in value)) return undefined;
  const found: unknown = (value as Record<string, unknown>)[prop];
  return typeof found === 'string' ? found : undefined;
}
