/**
 * The UI's only way to reach the backend: a typed call over `invoke` from `@forge/bridge`, checked against the
 * resolver contract so a page cannot ask for a resolver that does not exist or send it the wrong payload.
 */
import { invoke } from '@forge/bridge';
import type { ResolverErrorBody, ResolverName, ResolverPayload, ResolverResult } from '../contract/resolvers';

export type UiErrorCode = ResolverErrorBody['error']['code'] | 'unreachable';

/** An error a person can read: the resolver's own message, or a plain account of why the call did not arrive. */
export class UiError extends Error {
  override readonly name = 'UiError';

  constructor(
    readonly code: UiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const ERROR_CODES: ReadonlySet<string> = new Set([
  'forbidden',
  'not-found',
  'invalid',
  'upstream',
  'not-configured',
]);

export function isResolverErrorBody(value: unknown): value is ResolverErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error: unknown = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    ERROR_CODES.has(error.code) &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

/**
 * Calls resolver `name`. Resolvers answer expected failures with a `ResolverErrorBody` instead of throwing (a thrown
 * error reaches the page without its message), so both shapes end here as a `UiError`.
 */
export async function call<N extends ResolverName>(
  name: N,
  payload: ResolverPayload<N>,
): Promise<ResolverResult<N>> {
  let answer: unknown;
  try {
    answer = await invoke(name, payload);
  } catch (thrown) {
    throw new UiError('unreachable', unreachableMessage(thrown));
  }
  if (isResolverErrorBody(answer)) throw new UiError(answer.error.code, answer.error.message);
  // The resolver and this call share `ResolverContract`; the resolver validates what it returns.
  return answer as ResolverResult<N>;
}

function unreachableMessage(thrown: unknown): string {
  const detail = thrown instanceof Error ? thrown.message.trim() : '';
  return detail ? `The app's backend did not answer: ${detail}` : "The app's backend did not answer.";
}

/** Any failure as a `UiError`, so components deal with one shape. */
export function toUiError(thrown: unknown): UiError {
  if (thrown instanceof UiError) return thrown;
  return new UiError('unreachable', unreachableMessage(thrown));
}
