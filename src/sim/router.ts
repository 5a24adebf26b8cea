/**
 * A tiny path router: patterns like `repositories/:ws/:repo/pipelines/:pipeline`, segments URL-decoded (so
 * `%7B...%7D` arrives as `{...}`), a trailing slash tolerated as Bitbucket does.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  params: Record<string, string>;
  /** Absolute base of the API, e.g. `http://127.0.0.1:1234/2.0`, for `next` and `links`. */
  apiUrl: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type Handler = (req: SimRequest) => SimResponse;

interface Route {
  method: string;
  name: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, name: string, handler: Handler): this {
    this.routes.push({ method, name, parts: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /** The matching route with its params; `undefined` when nothing matches (a 404). */
  match(
    method: string,
    path: string,
  ): { name: string; handler: Handler; params: Record<string, string> } | undefined {
    const segments = path.split('/').filter(Boolean).map(safeDecode);
    for (const route of this.routes) {
      if (route.method !== method || route.parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      const ok = route.parts.every((part, i) => {
        const segment = segments[i] ?? '';
        if (part.startsWith(':')) params[part.slice(1)] = segment;
        return part.startsWith(':') || part === segment;
      });
      if (ok) return { name: route.name, handler: route.handler, params };
    }
    return undefined;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function json(status: number, value: unknown): SimResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(value),
  };
}
