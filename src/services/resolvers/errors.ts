/** Expected resolver failures: answered to the UI as a `ResolverErrorBody`, never rethrown. */
import type { ResolverErrorBody } from '../../contract/resolvers';

export type ResolverErrorCode = ResolverErrorBody['error']['code'];

export class ResolverError extends Error {
  constructor(
    readonly code: ResolverErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ResolverError';
  }

  get body(): ResolverErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export const forbidden = (what: string): ResolverError =>
  new ResolverError('forbidden', `You do not have access to ${what}.`);
