/**
 * Who is calling a resolver, and from where. On Forge it comes from the resolver request's `context`
 * (`accountId`, `extension.repository.uuid`, `extension.pullRequest.id`, `workspaceId`); locally, from the preview
 * route. The UI never supplies it in a payload.
 */
import type { ResolverAnswer, ResolverName } from './resolvers';

export interface CallerContext {
  accountId: string;
  workspaceUuid: string;
  repoUuid?: string;
  pullRequestId?: number;
}

/**
 * The server side of the contract: both the Forge resolver and the local preview host call this. The payload is
 * `unknown` because it arrives from a browser and is validated here; the answer is the contract's.
 */
export interface ResolverHost {
  handle<N extends ResolverName>(
    name: N,
    payload: unknown,
    caller: CallerContext,
  ): Promise<ResolverAnswer<N>>;
}
