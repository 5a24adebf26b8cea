/** `notify` as a person meets it: which flags it needs, that it never repeats a webhook URL, what it prints. */
import { updateDoc } from '../../src/services/commit-with-retry';
import { notifyCommand } from '../../src/cli/gates';
import { UsageError, type CliValues } from '../../src/cli/commands';
import type { LocalRuntime } from '../../src/local/runtime';
import { MeteredStore } from '../../src/storage/metered-store';
import * as keys from '../../src/storage/keys';
import { startReceiver } from '../support/webhook-receiver';
import { seededStore, WORKSPACE } from '../resolvers/resolver-fixtures';

const SOON = new Date('2026-02-22T12:00:00Z');

async function runtime(): Promise<LocalRuntime> {
  const store = new MeteredStore(await seededStore());
  await updateDoc(store, keys.notificationSettings(WORKSPACE), () => ({
    alerts: ['broken'],
    digest: { frequency: 'week', hourUtc: 8, weekday: 1 },
    buildMinutesPerWeek: 1000,
  }));
  return { store, now: () => SOON, close: () => undefined } as unknown as LocalRuntime;
}

async function run(values: CliValues, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = { write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WritableStream;
  const code = await notifyCommand(await runtime(), values, sink, { env, sleep: async () => undefined });
  return { code, out };
}

describe('pipeline-insights notify', () => {
  it('needs --digest or --alerts, and a webhook, and never repeats a URL it refuses', async () => {
    await expect(
      run({ workspace: WORKSPACE, 'slack-webhook': 'https://hooks.slack.com/services/T/B/x' }),
    ).rejects.toThrow(new UsageError('give --digest day|week or --alerts'));
    await expect(run({ workspace: WORKSPACE, alerts: true })).rejects.toThrow(
      /give --slack-webhook or --teams-webhook \(or set PIPELINE_INSIGHTS_SLACK_WEBHOOK/,
    );
    const secretUrl = 'https://example.com/services/T0/B0/top-secret-token';
    const refused = run({ workspace: WORKSPACE, alerts: true, 'slack-webhook': secretUrl });
    await expect(refused).rejects.toThrow(
      '--slack-webhook: A Slack incoming webhook URL starts with https://hooks.slack.com/services/.',
    );
    await expect(refused).rejects.not.toThrow(/top-secret-token/);
    await expect(
      run({
        workspace: WORKSPACE,
        digest: 'month',
        'slack-webhook': 'https://hooks.slack.com/services/T/B/x',
      }),
    ).rejects.toThrow('--digest must be day or week');
  });

  it('sends the alerts not sent yet from the environment webhook, prints what it sent, and nothing the second time', async () => {
    const receiver = await startReceiver();
    try {
      const rt = await runtime();
      const env = { PIPELINE_INSIGHTS_TEAMS_WEBHOOK: receiver.url('/teams') };
      let out = '';
      const sink = { write: (chunk: string) => ((out += chunk), true) } as unknown as NodeJS.WritableStream;
      expect(await notifyCommand(rt, { workspace: WORKSPACE, alerts: true }, sink, { env })).toBe(0);
      expect(out).toBe('sent to Teams (1 attempt): shop: test broken on main since pipeline #21\n');
      expect(out).not.toContain(receiver.url());
      out = '';
      expect(await notifyCommand(rt, { workspace: WORKSPACE, alerts: true }, sink, { env })).toBe(0);
      expect(out).toBe('no alerts to send: every current one was sent before\n');
      receiver.answer({ status: 404, body: 'no_service' });
      out = '';
      expect(await notifyCommand(rt, { workspace: WORKSPACE, digest: 'day' }, sink, { env })).toBe(1);
      expect(out).toBe('NOT sent to Teams: daily digest: Teams answered 404 (no_service)\n');
    } finally {
      await receiver.close();
    }
  });
});
