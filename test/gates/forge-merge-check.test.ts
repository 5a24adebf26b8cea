/**
 * The `bitbucket:mergeCheck` functions as Forge calls them: the event Bitbucket sends, Forge KVS (the fake of
 * test/support/forge-fakes.ts, through the real store adapter), and the one pull-request request.
 */
import { mergeCheckHandler } from '../../src/forge/merge-check';
import { recordAttempt } from '../../src/services/record-attempt';
import { ForgeKvsStore } from '../../src/storage/forge-kvs-store';
import * as keys from '../../src/storage/keys';
import { FakeKvs } from '../support/forge-fakes';
import { anAttempt, defaultBranchHistory, FRESH, REPO } from '../resolvers/resolver-fixtures';
import { json, ScriptedTransport } from '../support/scripted-transport';

const WORKSPACE_UUID = '99999999-8888-4777-8666-555555555555';
const event = {
  workspace: { uuid: `{${WORKSPACE_UUID}}` },
  repository: { uuid: `{${REPO.repoUuid}}` },
  pullrequest: { id: 7 },
  trigger: { type: 'on-merge' },
};

async function forgeStore(): Promise<ForgeKvsStore> {
  const store = new ForgeKvsStore({ kvs: new FakeKvs() });
  await store.set(keys.repository(WORKSPACE_UUID, REPO.repoUuid), REPO);
  const opts = { retentionDays: 90, now: () => new Date('2026-03-02T12:00:00Z') };
  for (const spec of defaultBranchHistory().slice(0, 12)) await recordAttempt(store, anAttempt(spec), opts);
  const pr = anAttempt({
    build: 50,
    minute: 50 * 60,
    branch: 'feature/tax',
    pullRequestId: 7,
    failed: [FRESH],
    commit: 'abcdefabcdef0123456789012345678901234567',
  });
  await recordAttempt(store, pr, opts);
  await store.set(keys.pipelineSeen(REPO.repoUuid, pr.pipelineUuid), {
    runNumber: 1,
    complete: true,
    steps: {},
  });
  return store;
}

const silent = { info: () => undefined, warn: () => undefined };
const prAnswer = json(200, {
  id: 7,
  state: 'OPEN',
  source: { branch: { name: 'feature/tax' }, commit: { hash: 'abcdefabcdef' } },
  destination: { branch: { name: 'main' } },
});

describe('the merge check functions on Forge', () => {
  it('answers { success, message } for the pull request of the event', async () => {
    const store = await forgeStore();
    const transport = ScriptedTransport.handler(() => prAnswer);
    const handler = mergeCheckHandler('unexplained', {
      store: () => store,
      transport: () => transport,
      log: silent,
    });
    expect(await handler(event)).toEqual({
      success: false,
      message: `Pipeline #50 on abcdefabcdef: 1 unexplained failure: test "${FRESH.name}".`,
    });
    expect(transport.calls).toHaveLength(1);
  });

  it('fails with a clear message when Bitbucket refuses, and on an event it cannot read', async () => {
    const store = await forgeStore();
    const refused = ScriptedTransport.handler(() =>
      json(403, { type: 'error', error: { message: 'Forbidden' } }),
    );
    const handler = mergeCheckHandler('new-flaky', {
      store: () => store,
      transport: () => refused,
      log: silent,
    });
    expect(await handler(event)).toEqual({
      success: false,
      message:
        'Pipeline Insights may not read this pull request: check that the app has access to the repository.',
    });
    expect(await handler({ pullrequest: {} })).toEqual({
      success: false,
      message: 'Pipeline Insights could not read which pull request to check.',
    });
  });

  it('rethrows what it does not expect: Forge records it and the check counts as failed', async () => {
    const store = await forgeStore();
    const broken = ScriptedTransport.handler(() => {
      throw new TypeError('bug');
    });
    await expect(
      mergeCheckHandler('unexplained', { store: () => store, transport: () => broken, log: silent })(event),
    ).rejects.toThrow('bug');
  });
});
