/**
 * Alerts derived from what is stored now (the recorded history of test/resolvers/resolver-fixtures: a test broken
 * on main since build #21, a flaky one), each keyed by what happened, each sent once, quarantined tests left out.
 */
import { updateDoc } from '../../src/services/commit-with-retry';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from '../../src/contract/gates';
import { recordAttempt } from '../../src/services/record-attempt';
import { deriveAlerts, type AlertEvent } from '../../src/services/notifications/alerts';
import { fetchPost, NOTIFY_RETRY } from '../../src/services/notifications/channels';
import { sendAlertsNow } from '../../src/services/notifications/notify';
import * as keys from '../../src/storage/keys';
import type { SqliteStore } from '../../src/storage/sqlite-store';
import { startReceiver } from '../support/webhook-receiver';
import { anAttempt, BROKEN, FLAKY, NOW, REPO, seededStore, WORKSPACE } from '../resolvers/resolver-fixtures';

/** Two days after the test broke on main (build #21 completed on 2026-02-21). */
const SOON = new Date('2026-02-22T12:00:00Z');
const ALL: NotificationSettings = {
  ...DEFAULT_NOTIFICATION_SETTINGS,
  alerts: ['broken', 'flaky', 'regression', 'ingestion', 'build-minutes'],
  buildMinutesPerWeek: 60,
};

const derive = (store: SqliteStore, now: Date, settings: NotificationSettings = ALL): Promise<AlertEvent[]> =>
  deriveAlerts(store, { workspace: WORKSPACE, repos: [REPO], settings, now });

describe('alerts', () => {
  it('one per event: the test broken on main since its first red build, the test that turned flaky', async () => {
    const alerts = await derive(await seededStore(), SOON, { ...ALL, alerts: ['broken', 'flaky'] });
    expect(alerts.map((a) => [a.kind, a.message.title, a.message.sections[0]?.lines[0]])).toEqual([
      ['broken', 'shop: test broken on main since pipeline #21', BROKEN.name],
      ['flaky', expect.stringMatching(/^shop: test turned flaky at pipeline #\d+$/), FLAKY.name],
    ]);
    expect(alerts[0]?.key).toMatch(new RegExp(`^broken:${REPO.repoUuid}:${BROKEN.id}:`));
    expect(alerts[0]?.message.links).toEqual([
      { text: 'Pipeline #21', url: 'https://bitbucket.org/acme/shop/pipelines/results/21' },
    ]);
  });

  it('derives the same keys again later: nothing depends on catching the moment it happened', async () => {
    const store = await seededStore();
    const first = await derive(store, SOON);
    const later = await derive(store, new Date(SOON.getTime() + 3 * 86_400_000));
    expect(later.filter((a) => a.kind === 'broken').map((a) => a.key)).toEqual(
      first.filter((a) => a.kind === 'broken').map((a) => a.key),
    );
    // Past the look-back (a week), an old breakage is the digest's business, not an alert.
    expect(
      (await derive(store, new Date('2026-03-02T12:00:00Z'))).filter((a) => a.kind === 'broken'),
    ).toEqual([]);
  });

  it('leaves quarantined tests out, and kinds that are turned off', async () => {
    const store = await seededStore();
    await store.commit([
      {
        kind: 'put',
        key: keys.quarantine(REPO.repoUuid),
        value: { tests: [{ id: FLAKY.id, name: FLAKY.name, at: '2026-02-21T00:00:00Z' }] },
        expectedVersion: 0,
      },
    ]);
    const alerts = await derive(store, SOON, { ...ALL, alerts: ['broken', 'flaky'] });
    expect(alerts.map((a) => a.kind)).toEqual(['broken']);
    expect(await derive(store, SOON, { ...ALL, alerts: [] })).toEqual([]);
  });

  it('a slower step, build minutes above the threshold, a stalled sweep and a spent API budget', async () => {
    const store = await seededStore();
    // Recorded as ingestion records them: the step's run history finds the change from 200 s to 300 s, 12 runs ago.
    // Build numbers grow with time, after the seeded history's (builds 1-30, its last at minute 1800).
    for (let day = 0; day < 42; day++) {
      for (let run = 0; run < 3; run++) {
        const a = anAttempt({ build: 100 + day * 3 + run, minute: 1900 + (day * 3 + run) * 20 });
        await recordAttempt(
          store,
          { ...a, durationSeconds: day < 38 ? 200 : 300 },
          { retentionDays: 90, now: () => NOW },
        );
      }
    }
    await store.set(keys.reconcileState(REPO.repoUuid), { lastSweepAt: '2026-02-22T06:00:00.000Z' });
    await store.commit([
      {
        kind: 'put',
        key: keys.apiBudget(WORKSPACE, '2026-02-22T11'),
        value: { reserved: 900 },
        expectedVersion: 0,
      },
    ]);
    const alerts = await derive(store, SOON);
    const byKind = (k: string) => alerts.filter((a) => a.kind === k).map((a) => a.message.title);
    expect(byKind('regression')).toEqual([
      expect.stringMatching(/^shop: step "Unit tests" runs \d+% slower$/),
    ]);
    expect(byKind('ingestion')).toEqual([
      'Bitbucket API budget spent at 11:00 UTC',
      'shop: no pipelines ingested since 2026-02-22 06:00 UTC',
    ]);
    expect(byKind('build-minutes')).toEqual([
      expect.stringMatching(/^\d+ build minutes this week, above the 60 set for the workspace$/),
    ]);
  });

  it('sends each alert once to each channel: the second run finds nothing new', async () => {
    const receiver = await startReceiver();
    try {
      const store = await seededStore();
      const deps = {
        store,
        post: fetchPost(),
        now: () => SOON,
        policy: { ...NOTIFY_RETRY, timeoutMs: 2000 },
      };
      await updateDoc(store, keys.notificationSettings(WORKSPACE), () => ({
        ...ALL,
        alerts: ['broken', 'flaky'],
      }));
      const channels = [
        { channel: 'slack' as const, url: receiver.url('/slack') },
        { channel: 'teams' as const, url: receiver.url('/teams') },
      ];
      const first = await sendAlertsNow(deps, { workspace: WORKSPACE, channels });
      expect(first.map((r) => [r.channel, r.outcome])).toEqual([
        ['slack', 'sent'],
        ['slack', 'sent'],
        ['teams', 'sent'],
        ['teams', 'sent'],
      ]);
      expect(receiver.received.map((r) => r.path)).toEqual(['/slack', '/slack', '/teams', '/teams']);
      expect(await sendAlertsNow(deps, { workspace: WORKSPACE, channels })).toEqual([]);
      expect(receiver.received).toHaveLength(4);
    } finally {
      await receiver.close();
    }
  });
});
