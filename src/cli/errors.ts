/**
 * One clear line for every error a person can cause or fix: wrong token, unknown workspace, unreachable host,
 * unwritable data folder. Messages never hold a token: the client's errors carry paths without query strings,
 * the transport never puts credentials into one, and every line is redacted once more on its way out.
 */
import { AuthError, BitbucketError, NotFoundError, TransportError } from '../bitbucket/errors';
import { TransportConfigError } from '../bitbucket/http-transport';
import { StoreOpenError } from '../storage/sqlite-store';
import { redactText } from '../domain/redact';

export function describeError(error: unknown): string {
  return redactText(describe(error));
}

function describe(error: unknown): string {
  if (error instanceof AuthError) {
    return `Bitbucket refused the credentials (${error.status}): check BITBUCKET_TOKEN, or BITBUCKET_EMAIL and BITBUCKET_API_TOKEN, and their scopes`;
  }
  if (error instanceof NotFoundError)
    return `not found on Bitbucket: ${error.path} (check the workspace and repository names)`;
  if (error instanceof TransportError)
    return `cannot reach Bitbucket: ${error.reason} (${error.path}); check BITBUCKET_API_URL and the network`;
  if (error instanceof TransportConfigError) return error.message;
  if (error instanceof StoreOpenError) return `cannot open the data folder: ${error.message}`;
  if (error instanceof BitbucketError) return error.message;
  if (error instanceof Error) return error.message.split('\n')[0] ?? 'unexpected error';
  return String(error);
}
