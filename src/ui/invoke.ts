/**
 * The UI's only way to reach the backend: a typed call over `invoke` from `@forge/bridge`, checked against the
 * resolver contract so a page cannot ask for a resolver that does not exist or send it the wrong payload.
 */
import { makeInvoke } from '@forge/bridge';
import type { DefArguments } from '@forge/resolver/shared';
import type {
  ResolverDefinitions,
  ResolverErrorBody,
  ResolverName,
  ResolverResult,
} from '../contract/resolvers';

/** Forge's invoke, typed by the contract: the payload and the answer of each resolver are the server's own types. */
const invokeResolver = makeInvoke<ResolverDefinitions>();

/** The arguments after the name: the resolver's payload (in the tuple form Forge's typed invoke takes). */
export type ResolverArgs<N extends ResolverName> = DefArguments<ResolverDefinitions, N>;

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
  ...payload: ResolverArgs<N>
): Promise<Awaited<ResolverResult<N>>> {
  let answer: Awaited<ResolverResult<N>> | ResolverErrorBody;
  try {
    answer = await invokeResolver(name, ...payload);
  } catch (thrown) {
    throw new UiError('unreachable', unreachableMessage(thrown));
  }
  if (isResolverErrorBody(answer)) throw new UiError(answer.error.code, answer.error.message);
  return answer;
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
