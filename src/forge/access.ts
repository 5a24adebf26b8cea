/**
 * Who may call a resolver on Forge, asked of Bitbucket as the calling user (`asUser`), so the app never shows a
 * repository or settings to someone Bitbucket would not:
 * - read a repository: `GET /2.0/repositories/{ws}/{repo}` answers 200 to the user
 *   (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/#api-repositories-workspace-repo-slug-get);
 * - write to a repository: `GET /2.0/user/workspaces/{ws}/permissions/repositories?q=repository.uuid="{uuid}"`
 *   answers `write` or `admin` (it lists explicit grants only, so a workspace owner is let through as well)
 *   (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/#api-user-workspaces-workspace-permissions-repositories-get);
 * - administer the workspace: `GET /2.0/user/workspaces/{ws}/permission` answers `owner`
 *   (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-workspaces/#api-user-workspaces-workspace-permission-get).
 */
import api, { route, type APIResponse } from '@forge/api';
import { z } from 'zod';
import type { CallerContext } from '../contract/caller';
import { wrapUuid } from '../domain/uuid';
import type { AccessChecker } from '../services/resolvers';

/** The one `@forge/api` call used, so tests can pass a scripted fake. */
export type UserBitbucketFetch = (
  path: ReturnType<typeof route>,
) => Promise<Pick<APIResponse, 'status' | 'json'>>;

export const asUserFetch: UserBitbucketFetch = (path) => api.asUser().requestBitbucket(path);

const permissionsSchema = z.object({
  values: z.array(z.object({ permission: z.string().optional() }).passthrough()).default([]),
});
const membershipSchema = z.object({ permission: z.string().optional() }).passthrough();
const WRITE = new Set(['write', 'admin']);

export function forgeAccess(fetch: UserBitbucketFetch = asUserFetch): AccessChecker {
  return {
    canReadRepo: async (caller: CallerContext, repoUuid: string) => {
      const response = await fetch(
        route`/2.0/repositories/${wrapUuid(caller.workspaceUuid)}/${wrapUuid(repoUuid)}?fields=uuid`,
      );
      return response.status === 200;
    },
    canWriteRepo: async (caller: CallerContext, repoUuid: string) => {
      const q = `repository.uuid="${wrapUuid(repoUuid)}"`;
      const response = await fetch(
        route`/2.0/user/workspaces/${wrapUuid(caller.workspaceUuid)}/permissions/repositories?q=${q}`,
      );
      if (response.status === 200) {
        const parsed = permissionsSchema.safeParse(await response.json());
        if (parsed.success && parsed.data.values.some((v) => WRITE.has(v.permission ?? ''))) return true;
      }
      return isOwner(fetch, caller);
    },
    canAdminWorkspace: (caller: CallerContext) => isOwner(fetch, caller),
  };
}

async function isOwner(fetch: UserBitbucketFetch, caller: CallerContext): Promise<boolean> {
  const response = await fetch(route`/2.0/user/workspaces/${wrapUuid(caller.workspaceUuid)}/permission`);
  if (response.status !== 200) return false;
  const parsed = membershipSchema.safeParse(await response.json());
  return parsed.success && parsed.data.permission === 'owner';
}
