import { forgeAccess, type UserBitbucketFetch } from '../../src/forge/access';
import { callerFromContext } from '../../src/forge/resolver';

const WS = '7a1c2b3d-0000-4000-8000-00000000000a';
const REPO = '7a1c2b3d-0000-4000-8000-00000000000b';

function fakeUserFetch(
  answers: Record<string, { status: number; body?: unknown }>,
): UserBitbucketFetch & { paths: string[] } {
  const paths: string[] = [];
  const f: UserBitbucketFetch = async (path) => {
    const p = path.value;
    paths.push(p);
    const a = Object.entries(answers).find(([prefix]) => p.startsWith(prefix))?.[1] ?? { status: 404 };
    return { status: a.status, json: async () => a.body } as Awaited<ReturnType<UserBitbucketFetch>>;
  };
  return Object.assign(f, { paths });
}

const caller = { accountId: 'acc-1', workspaceUuid: WS, repoUuid: REPO };

describe('forgeAccess', () => {
  it('may read a repository Bitbucket shows the user', async () => {
    const fetch = fakeUserFetch({ '/2.0/repositories/': { status: 200, body: { uuid: `{${REPO}}` } } });
    expect(await forgeAccess(fetch).canReadRepo(caller, REPO)).toBe(true);
    expect(fetch.paths).toEqual([`/2.0/repositories/{${WS}}/{${REPO}}?fields=uuid`]);
    expect(await forgeAccess(fakeUserFetch({})).canReadRepo(caller, REPO)).toBe(false);
  });

  it('administers the workspace only as its owner', async () => {
    const owner = fakeUserFetch({
      [`/2.0/user/workspaces/{${WS}}/permission`]: {
        status: 200,
        body: { type: 'workspace_membership', permission: 'owner' },
      },
    });
    const member = fakeUserFetch({
      [`/2.0/user/workspaces/{${WS}}/permission`]: { status: 200, body: { permission: 'member' } },
    });
    expect(await forgeAccess(owner).canAdminWorkspace(caller)).toBe(true);
    expect(owner.paths).toEqual([`/2.0/user/workspaces/{${WS}}/permission`]);
    expect(await forgeAccess(member).canAdminWorkspace(caller)).toBe(false);
    expect(await forgeAccess(fakeUserFetch({})).canAdminWorkspace(caller)).toBe(false);
  });

  it('writes to a repository with write or admin permission, or as the workspace owner', async () => {
    const perms = `/2.0/user/workspaces/{${WS}}/permissions/repositories`;
    const withPermission = (permission: string, role = 'member') =>
      fakeUserFetch({
        [perms]: { status: 200, body: { values: [{ type: 'repository_permission', permission }] } },
        [`/2.0/user/workspaces/{${WS}}/permission`]: { status: 200, body: { permission: role } },
      });
    const writer = withPermission('write');
    expect(await forgeAccess(writer).canWriteRepo(caller, REPO)).toBe(true);
    expect(writer.paths).toEqual([`${perms}?q=${encodeURIComponent(`repository.uuid="{${REPO}}"`)}`]);
    expect(await forgeAccess(withPermission('admin')).canWriteRepo(caller, REPO)).toBe(true);
    expect(await forgeAccess(withPermission('read')).canWriteRepo(caller, REPO)).toBe(false);
    expect(await forgeAccess(withPermission('read', 'owner')).canWriteRepo(caller, REPO)).toBe(true);
    expect(await forgeAccess(fakeUserFetch({})).canWriteRepo(caller, REPO)).toBe(false);
  });
});

describe('callerFromContext', () => {
  it('reads the Bitbucket module context defensively', () => {
    expect(
      callerFromContext({
        accountId: 'acc-1',
        workspaceId: 'ignored',
        extension: {
          workspace: { uuid: `{${WS}}` },
          repository: { uuid: `{${REPO}}` },
          pullRequest: { id: '12' },
        },
      }),
    ).toEqual({ accountId: 'acc-1', workspaceUuid: WS, repoUuid: REPO, pullRequestId: 12 });
    expect(
      callerFromContext({ accountId: 'acc-1', workspaceId: WS, extension: { pullRequest: { id: 'x' } } }),
    ).toEqual({ accountId: 'acc-1', workspaceUuid: WS });
    expect(callerFromContext({ extension: {} })).toBeUndefined();
  });
});
