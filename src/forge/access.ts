/**
 * Who may call a resolver on Forge, asked of Bitbucket as the calling user (`asUser`), so the app never shows a
 * repository or settings to someone Bitbucket would not:
 * - read a repository: `GET /2.0/repositories/{ws}/{repo}` answers 200 to the user
 *   (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-repositories/#api-repositories-workspace-repo-slug-get);
 * - administer the workspace: `GET /2.0/user/permissions/workspaces?q=workspace.uuid="{uuid}"` lists `owner`
 *   (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-workspaces/#api-user-permissions-workspaces-get).
 */
import api, { route, type APIResponse } from '@forge/api';
import { z } from 'zod';
import type { CallerContext } from '../contract/caller';
import { wrapUuid } from '../domain/uuid';
import type { AccessChecker } from '../services/resolvers';

/** The one `@forge/api` call used, so tests can pass a scripted fake. */
export type UserBitbucketFetch = (path: ReturnType<typeof route>) => Promise<Pick<APIResponse, 'status' | 'json'>>;

export const asUserFetch: UserBitbucketFetch = (path) => api.asUser().requestBitbucket(path);

const permissionsSchema = z.object({ values: z.array(z.object({ permission: z.string().optional() }).passthrough()).default([]) });

export function forgeAccess(fetch: UserBitbucketFetch = asUserFetch): AccessChecker {
  return {
    canReadRepo: async (caller: CallerContext, repoUuid: string) => {
      const response = await fetch(route`/2.0/repositories/${wrapUuid(caller.workspaceUuid)}/${wrapUuid(repoUuid)}?fields=uuid`);
      return response.status === 200;
    },
    canAdminWorkspace: async (caller: CallerContext) => {
      const q = `workspace.uuid="${wrapUuid(caller.workspaceUuid)}"`;
      const response = await fetch(route`/2.0/user/permissions/workspaces?q=${q}`);
      if (response.status !== 200) return false;
      const parsed = permissionsSchema.safeParse(await response.json());
      return parsed.success && parsed.data.values.some((v) => v.permission === 'owner');
    },
  };
}
