/**
 * The `bitbucket:mergeCheck` functions (PLATFORM.md, "Custom merge checks"): Bitbucket calls one when someone
 * presses Merge, with `{ workspace, repository, pullrequest, trigger }` and no commit, and waits for
 * `{ success, message }`. A thrown error counts as a failed check and there is no "pending", so a Bitbucket answer
 * that rules the check out (no access, no such pull request, rate limited) becomes a failed check with a clear
 * message; anything unexpected is rethrown, and Forge records it.
 */
import { z } from 'zod';
import { BitbucketClient } from '../bitbucket/client';
import { ForgeTransport } from '../bitbucket/forge-transport';
import type { Transport } from '../bitbucket/transport';
import { forgeConsumerRetryPolicy, type RetryPolicy } from '../bitbucket/retry-policy';
import type { MergeCheckKind } from '../contract/gates';
import { runMergeCheck, type MergeCheckResult } from '../services/merge-check';
import type { Logger } from '../services/context';
import { judgeJobError } from '../services/job-errors';
import type { Store } from '../storage/store';
import { ForgeKvsStore } from '../storage/forge-kvs-store';
import type { ForgePlatform } from './platform';
import { resolveRepo } from './runtime';

/**
 * Someone is waiting at the Merge button: two tries of the one request, at most 8 s each, never a sleep on a 429.
 * The check is not held to the ingestion budget (its headroom is for people, like the pages'), and stays well
 * inside Forge's 25 s.
 */
const MERGE_CHECK_TIMEOUT_MS = 8000;
const mergeCheckRetryPolicy: RetryPolicy = { ...forgeConsumerRetryPolicy, maxAttempts: 2, maxDelayMs: 1000 };

const eventSchema = z.object({
  workspace: z.object({ uuid: z.string().min(1) }),
  repository: z.object({ uuid: z.string().min(1) }),
  pullrequest: z.object({ id: z.coerce.number().int().positive() }),
});

/** What a merge check runs on: Forge KVS and `requestBitbucket` in the app; fakes in tests. */
export interface MergeCheckEdges {
  store: (workspaceUuid: string) => Store;
  transport: () => Transport;
  log: Logger;
}

/** The edges of the merge checks on Forge, from the platform port. */
export function mergeCheckEdges(platform: ForgePlatform): MergeCheckEdges {
  return {
    store: () => new ForgeKvsStore({ kvs: platform.kvs }),
    transport: () => new ForgeTransport(platform.bitbucket, MERGE_CHECK_TIMEOUT_MS),
    log: platform.log,
  };
}

export function mergeCheckHandler(
  check: MergeCheckKind,
  edges: MergeCheckEdges,
): (event: unknown) => Promise<MergeCheckResult> {
  return async (event) => {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      edges.log.warn(
        `merge check: unexpected event shape (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`,
      );
      return { success: false, message: 'Pipeline Insights could not read which pull request to check.' };
    }
    const { workspace, repository, pullrequest } = parsed.data;
    const store = edges.store(workspace.uuid);
    const client = new BitbucketClient({ transport: edges.transport(), policy: mergeCheckRetryPolicy });
    try {
      const repo = await resolveRepo(
        { store, client, now: () => new Date(), log: edges.log },
        workspace.uuid,
        repository.uuid,
      );
      return await runMergeCheck(
        { store, client },
        { workspace: workspace.uuid, repo, pullRequestId: pullrequest.id, check },
      );
    } catch (error) {
      const verdict = judgeJobError(error);
      if (verdict.kind === 'unexpected') throw error;
      edges.log.warn(`merge check of pull request ${pullrequest.id}: ${(error as Error).message}`);
      return {
        success: false,
        message:
          verdict.kind === 'final'
            ? 'Pipeline Insights may not read this pull request: check that the app has access to the repository.'
            : 'Bitbucket did not answer Pipeline Insights in time: try merging again in a minute.',
      };
    }
  };
}
