/**
 * The deployed Forge handlers and resolver (`createForgeHandlers`, `createForgeResolver`: what src/index.ts builds
 * from the real packages) built over the Forge fakes, with `requestBitbucket` onto a simulated workspace, and the
 * calls Forge makes: an event with its install context, a queue delivery, a resolver call from a Bitbucket page.
 */
import type { Body } from '@forge/events/out/types';
import { unwrapUuid } from '../../src/domain/uuid';
import { createForgeHandlers } from '../../src/forge/handlers';
import { createForgeResolver } from '../../src/forge/resolver';
import type { SimServer } from '../../src/sim';
import { ForgeKvsStore } from '../../src/storage/forge-kvs-store';
import { FakeBitbucket, FakeClock, FakeKvs, fakePlatform, FakeQueue } from './forge-fakes';

export function fakeForgeApp<T extends Body = Body>(
  server: SimServer,
  start: Date,
  now: (clock: FakeClock) => Date,
) {
  const ws = server.workspace;
  const clock = new FakeClock(start.getTime());
  const kvs = new FakeKvs({ now: () => clock.now() });
  const queue = new FakeQueue<T>('ingest', clock);
  const bitbucket = new FakeBitbucket(server.apiUrl);
  const platform = fakePlatform({
    kvs,
    queue: queue as unknown as FakeQueue,
    bitbucket,
    now: () => now(clock),
  });
  const handlers = createForgeHandlers(platform);
  const resolver = createForgeResolver(platform);
  const workspaceUuid = unwrapUuid(ws.uuid);
  const installContext = `ari:cloud:bitbucket::workspace/${workspaceUuid}`;
  /** A resolver call from a Bitbucket page of the workspace (or of one repository), by its owner. */
  const call = (functionKey: string, payload: unknown, repoUuid?: string) =>
    resolver(
      {
        call: { functionKey, payload },
        context: {
          extension: {
            workspace: { uuid: ws.uuid },
            ...(repoUuid ? { repository: { uuid: `{${repoUuid}}` } } : {}),
          },
        },
      },
      { principal: { accountId: 'owner-1' }, installContext },
    );
  const consume = (body: unknown) => handlers.ingestPipeline({ body });
  return {
    clock,
    kvs,
    store: new ForgeKvsStore({ kvs }),
    queue,
    bitbucket,
    platform,
    handlers,
    workspaceUuid,
    installContext,
    call,
    consume,
  };
}
