import { fails, ok, render } from '../support/ui-harness';
import type { NotificationsPage } from '../../src/contract/gates';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../src/contract/gates';
import { NotificationsPanel } from '../../src/ui/components/notifications-panel';
import { AdminPage } from '../../src/ui/admin-page';
import { anAdminPage } from '../support/ui-builders';

const NOW = new Date('2026-03-16T12:00:00Z');
const REPO_UUID = '{7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098}';

function aPage(over: Partial<NotificationsPage> = {}): NotificationsPage {
  return {
    settings: DEFAULT_NOTIFICATION_SETTINGS,
    mergeCheck: { passWithoutPipeline: [] },
    channels: {
      slack: { configured: true, hint: 'hooks.slack.com/…x9Qz', lastSuccessAt: '2026-03-16T09:00:00Z' },
      teams: {
        configured: false,
        lastError: {
          at: '2026-03-16T11:00:00Z',
          what: 'weekly digest',
          message: 'Teams answered 404 (no_service)',
        },
      },
    },
    slackCommand: { signingSecretSet: false },
    repos: [{ repoUuid: REPO_UUID, slug: 'web-storefront' }],
    ...over,
  };
}

const byId = (suffix: string) => (node: { props: Record<string, unknown> }) =>
  String(node.props.id).endsWith(suffix);

describe('the Notifications tab', () => {
  it('loads only when the admin opens it', async () => {
    const screen = await render(<AdminPage />, {
      getAdminPage: ok(anAdminPage()),
      getNotifications: ok(aPage()),
    });
    expect(screen.callsTo('getNotifications')).toEqual([]);
    await screen.fire(screen.one('Tabs'), 'onChange', 4);
    expect(screen.callsTo('getNotifications')).toEqual([{}]);
    expect(screen.tabPanel(4).text()).toContain('A webhook is saved (hooks.slack.com/…x9Qz).');
  });

  it('shows what is stored without the URL, and the last failed delivery of a channel', async () => {
    const screen = await render(<NotificationsPanel now={NOW} />, { getNotifications: ok(aPage()) });
    expect(screen.text()).toContain('A webhook is saved (hooks.slack.com/…x9Qz).');
    expect(screen.text()).toContain('Last delivered 3 hours ago.');
    expect(screen.text()).toContain('No webhook saved: nothing is sent to this channel.');
    expect(screen.one('SectionMessage').props.title).toBe('Last delivery failed 1 hour ago');
    expect(screen.text()).toContain('weekly digest: Teams answered 404 (no_service)');
  });

  it('saves a webhook URL write-only and sends a test message, showing the outcome', async () => {
    const url = 'https://hooks.slack.com/services/T000/B000/secret';
    const screen = await render(<NotificationsPanel now={NOW} />, {
      getNotifications: ok(
        aPage({ channels: { slack: { configured: false }, teams: { configured: false } } }),
      ),
      saveChatWebhook: ok({ configured: true, hint: 'hooks.slack.com/…cret' }),
      sendTestMessage: ok({
        configured: true,
        hint: 'hooks.slack.com/…cret',
        lastError: {
          at: '2026-03-16T11:59:00Z',
          what: 'test message',
          message: 'Slack answered 404 (no_service)',
        },
      }),
    });
    await screen.type(screen.one('Textfield', byId('webhook-slack')), url);
    await screen.click(screen.buttons('Save webhook')[0] ?? screen.button('Save webhook'));
    expect(screen.callsTo('saveChatWebhook')).toEqual([{ channel: 'slack', url }]);
    expect(screen.one('Textfield', byId('webhook-slack')).props.value).toBe('');
    expect(screen.text()).not.toContain(url);
    await screen.click(screen.buttons('Send a test message')[0] ?? screen.button('Send a test message'));
    expect(screen.callsTo('sendTestMessage')).toEqual([{ channel: 'slack' }]);
    expect(screen.text()).toContain('test message: Slack answered 404 (no_service)');
  });

  it('shows why a URL was refused', async () => {
    const screen = await render(<NotificationsPanel now={NOW} />, {
      getNotifications: ok(aPage()),
      saveChatWebhook: fails(
        'invalid',
        'A Teams Workflows webhook URL is on logic.azure.com or api.powerplatform.com (Office 365 connectors are retired).',
      ),
    });
    await screen.type(screen.one('Textfield', byId('webhook-teams')), 'https://acme.webhook.office.com/x');
    await screen.click(screen.buttons('Save webhook')[1] ?? screen.button('Save webhook'));
    expect(screen.text()).toContain('Office 365 connectors are retired');
  });

  it('saves the alerts, the digest schedule and the merge-check setting together', async () => {
    const screen = await render(<NotificationsPanel now={NOW} />, {
      getNotifications: ok(aPage()),
      saveNotificationSettings: ({ settings, mergeCheck }) => ok({ settings, mergeCheck }),
    });
    await screen.toggle(screen.one('Checkbox', byId('alert-build-minutes')), true);
    await screen.toggle(screen.one('Checkbox', byId('alert-flaky')), false);
    await screen.type(screen.one('Textfield', byId('build-minutes')), '2500');
    await screen.choose(screen.one('Select', byId('digest-frequency')), { label: 'Daily', value: 'day' });
    await screen.choose(screen.one('Select', byId('digest-hour')), { label: '07:00 UTC', value: '7' });
    await screen.choose(screen.one('Select', byId('pass-without-pipeline')), [
      { label: 'web-storefront', value: REPO_UUID },
    ]);
    await screen.click(screen.button('Save notification settings'));
    expect(screen.callsTo('saveNotificationSettings')).toEqual([
      {
        settings: {
          alerts: ['broken', 'regression', 'ingestion', 'build-minutes'],
          digest: { frequency: 'day', hourUtc: 7, weekday: 1 },
          buildMinutesPerWeek: 2500,
        },
        mergeCheck: { passWithoutPipeline: [REPO_UUID] },
        base: { settings: aPage().settings, mergeCheck: aPage().mergeCheck },
      },
    ]);
    expect(screen.text()).toContain('Notification settings saved');
  });
});
