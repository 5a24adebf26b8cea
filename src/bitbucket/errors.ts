/**
 * Typed errors of the Bitbucket client. Callers branch on the class (an `AuthError` stops a sync, a
 * `RateLimitedError` or `BudgetExhaustedError` is handed back to Forge with its `retryAfterSeconds`), never on the
 * message. Messages are one line and never hold a token or a URL's query string (log storage URLs are signed).
 */
import type { z } from 'zod';
import { redactText, redactUrl } from '../domain/redact';

export { redactUrl };

/** Base class: everything the client throws on purpose. */
export class BitbucketError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A response with a status the client does not accept, after any retries. */
export class BitbucketHttpError extends BitbucketError {
  readonly path: string;
  constructor(
    readonly status: number,
    readonly method: string,
    url: string,
    detail?: string,
    /** The server's `Retry-After` (a 5xx may send one): how long whoever retries the job should wait. */
    readonly retryAfterSeconds?: number,
  ) {
    const path = redactUrl(url);
    // The server's message may echo the request, Authorization header included.
    super(`Bitbucket ${method} ${path} answered ${status}${detail ? `: ${redactText(detail)}` : ''}`);
    this.path = path;
  }
}

/** 401 or 403: the token is missing, wrong, expired or lacks a scope. Never retried. */
export class AuthError extends BitbucketHttpError {}

/** 404: the resource does not exist or the credentials cannot see it. */
export class NotFoundError extends BitbucketHttpError {}

/** 429 after the policy's retries: the caller should come back after `retryAfterSeconds`. */
export class RateLimitedError extends BitbucketHttpError {
  constructor(
    method: string,
    url: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(429, method, url, `rate limited, retry after ${retryAfterSeconds} s`, retryAfterSeconds);
  }
}

/** The network failed or timed out before a response arrived. */
export class TransportError extends BitbucketError {
  readonly path: string;
  readonly reason: string;
  constructor(
    readonly method: string,
    url: string,
    reason: string,
    readonly timedOut = false,
    options?: { cause?: unknown },
  ) {
    const path = redactUrl(url);
    // fetch's own messages quote the whole URL, credentials included.
    const shown = redactText(reason);
    super(`Bitbucket ${method} ${path} failed: ${shown}`, options);
    this.path = path;
    this.reason = shown;
  }
}

/** The workspace's hourly API budget is spent: defer the work until `retryAfterSeconds` have passed. */
export class BudgetExhaustedError extends BitbucketError {
  constructor(
    readonly workspace: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`API budget of workspace ${workspace} is spent for this hour, retry after ${retryAfterSeconds} s`);
  }
}

/** More pages than the caller allowed: refusing beats silently returning part of a list. */
export class PageLimitError extends BitbucketError {
  constructor(
    readonly resource: string,
    readonly maxPages: number,
  ) {
    super(`${resource}: more than ${maxPages} pages, stopped`);
  }
}

const BODY_SNIPPET_CHARS = 200;
const MAX_ISSUES_SHOWN = 3;

/** A body that is not JSON, or JSON that does not fit the resource's schema. */
export class MalformedResponseError extends BitbucketError {
  readonly bodySnippet: string;
  constructor(
    readonly resource: string,
    readonly problem: string,
    body: string,
  ) {
    const snippet = redactText(oneLine(body)).slice(0, BODY_SNIPPET_CHARS);
    super(`malformed ${resource}: ${problem}`);
    this.bodySnippet = snippet;
  }

  /** Build from zod issues: `state.name: expected string; uuid: required`. */
  static fromIssues(
    resource: string,
    issues: readonly z.core.$ZodIssue[],
    body: string,
  ): MalformedResponseError {
    const shown = issues.slice(0, MAX_ISSUES_SHOWN).map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
      return `${where}: ${issue.message}`;
    });
    const more = issues.length > MAX_ISSUES_SHOWN ? ` (+${issues.length - MAX_ISSUES_SHOWN} more)` : '';
    return new MalformedResponseError(resource, shown.join('; ') + more, body);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
