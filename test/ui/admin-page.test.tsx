import type { RepoHealthRow } from '../../src/contract/resolvers';
import { fails, held, ok, render, type Screen } from '../support/ui-harness';
import { AdminPage } from '../../src/ui/admin-page';
import { aBackfillStatus, anAdminPage } from '../support/ui-builders';
import { DEFAULT_SETTINGS } from '../../src/contract/settings';

const SETTINGS = 0;
const JIRA = 1;
const BACKFILL = 2;
const HEALTH = 3;

const tab = (screen: Screen, index: number) => screen.tabPanel(index);

const field = (screen: Screen, id: string) =>
  screen.one('Textfield', (node) => String(node.props.id).endsWith(`-${id}`));

describe('workspace admin page', () => {
  it('shows a spinner, then settings, Jira, backfill and repository health', async () => {
    const gate = held<'getAdminPage'>();
    const screen = await render(<AdminPage />, { getAdminPage: gate.reply });
    expect(screen.one('Spinner').props.label).toBe('Loading settings');
    gate.resolve(anAdminPage());
    await screen.settle();
    expect(screen.all('Tab').map((node) => screen.within(node).text())).toEqual([
      'Settings',
      'Jira',
      'Backfill',
      'Repository health',
      'Notifications',
      'History export',
    ]);
  });

  it('shows a refusal plainly', async () => {
    const screen = await render(<AdminPage />, {
      getAdminPage: fails('forbidden', 'Only workspace admins can change Pipeline Insights settings.'),
    });
    expect(screen.one('SectionMessage').props.title).toBe('Could not load Pipeline Insights settings');
    expect(screen.text()).toContain('Only workspace admins can change Pipeline Insights settings.');
  });

  it('saves edited settings, thresholds converted from percentages', async () => {
    const screen = await render(<AdminPage />, {
      getAdminPage: ok(anAdminPage()),
      saveSettings: (payload) => ok(payload.settings),
    });
    const settings = tab(screen, SETTINGS);
    expect(field(screen, 'flaky-alarm').props.value).toBe('80');

    await screen.type(field(screen, 'flaky-alarm'), '90');
    await screen.type(field(screen, 'retention-days'), '120');
    await screen.toggle(
      screen.one('Toggle', (node) => String(node.props.id).endsWith('-code-insights')),
      false,
    );
    await screen.choose(
      screen.one('Select', (node) => String(node.props.id).endsWith('-monitored-repos')),
      [{ label: 'web-storefront', value: '{7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098}' }],
    );
    await screen.choose(
      screen.one('Select', (node) => String(node.props.id).endsWith('-branch-scope')),
      {
        label: 'Default branch only',
        value: 'default',
      },
    );
    await screen.click(settings.button('Save settings'));

    expect(screen.callsTo('saveSettings')).toEqual([
      {
        settings: {
          ...DEFAULT_SETTINGS,
          monitoredRepos: ['{7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098}'],
          branchScope: 'default',
          flakyAlarmThreshold: 0.9,
          retentionDays: 120,
          codeInsights: false,
        },
        base: DEFAULT_SETTINGS,
      },
    ]);
    expect(tab(screen, SETTINGS).one('SectionMessage').props.title).toBe('Settings saved');
  });

  it('does not save invalid settings and says what to fix', async () => {
    const screen = await render(<AdminPage />, {
      getAdminPage: ok(anAdminPage()),
      saveSettings: fails('invalid', 'x'),
    });
    await screen.type(field(screen, 'flaky-recovery'), '85');
    await screen.type(field(screen, 'retention-days'), '1000');
    await screen.click(tab(screen, SETTINGS).button('Save settings'));

    expect(screen.callsTo('saveSettings')).toHaveLength(0);
    expect(
      tab(screen, SETTINGS)
        .all('ErrorMessage')
        .map((node) => screen.within(node).text()),
    ).toEqual([
      'Must be lower than the flaky threshold, so labels do not flip back and forth.',
      'Enter a number of days from 7 to 365.',
    ]);
    expect(field(screen, 'retention-days').props.isInvalid).toBe(true);
  });

  it('shows why settings were not saved', async () => {
    const screen = await render(<AdminPage />, {
      getAdminPage: ok(anAdminPage()),
      saveSettings: fails('invalid', 'Retention cannot be shorter than the running backfill.'),
    });
    await screen.click(tab(screen, SETTINGS).button('Save settings'));
    expect(tab(screen, SETTINGS).one('SectionMessage').props.title).toBe('Settings were not saved');
    expect(tab(screen, SETTINGS).text()).toContain('Retention cannot be shorter than the running backfill.');
  });

  it('saves the Jira connection without echoing a token it does not have', async () => {
    const screen = await render(<AdminPage />, {
      getAdminPage: ok(
        anAdminPage({
          settings: { ...DEFAULT_SETTINGS, jira: { site: 'acme.atlassian.net', projectKey: 'CI' } },
        }),
      ),
      saveJiraConnection: ok({ jiraTokenSet: true }),
    });
    expect(tab(screen, JIRA).text()).toContain('No API token saved');
    await screen.type(field(screen, 'jira-email'), 'ci-bot@acme.test');
    await screen.type(field(screen, 'jira-token'), 'secret-token');
    await screen.click(tab(screen, JIRA).button('Save Jira connection'));

    expect(screen.callsTo('saveJiraConnection')).toEqual([
      { site: 'acme.atlassian.net', projectKey: 'CI', email: 'ci-bot@acme.test', apiToken: 'secret-token' },
    ]);
    expect(field(screen, 'jira-token').props.value).toBe('');
    expect(tab(screen, JIRA).text()).toContain(
      'Issues are created directly in Jira with the saved API token.',
    );
  });

  it('refuses a malformed Jira project key before calling the resolver', async () => {
    const screen = await render(<AdminPage />, {
      getAdminPage: ok(anAdminPage()),
      saveJiraConnection: ok({ jiraTokenSet: false }),
    });
    await screen.type(field(screen, 'jira-site'), 'acme.atlassian.net');
    await screen.type(field(screen, 'jira-project'), 'ci project');
    await screen.click(tab(screen, JIRA).button('Save Jira connection'));
    expect(screen.callsTo('saveJiraConnection')).toHaveLength(0);
    expect(tab(screen, JIRA).text()).toContain('Enter the project key in capitals, e.g. CI.');
  });

  it('starts a backfill and follows its progress until done', async () => {
    const running = aBackfillStatus({
      state: 'running',
      days: 14,
      reposDone: 1,
      reposTotal: 4,
      pipelinesQueued: 80,
      startedAt: new Date().toISOString(),
    });
    const done = aBackfillStatus({
      state: 'done',
      days: 14,
      reposDone: 4,
      reposTotal: 4,
      pipelinesQueued: 310,
      pipelinesIngested: 310,
      finishedAt: new Date().toISOString(),
    });
    let started = false;
    const screen = await render(<AdminPage pollIntervalMs={20} />, {
      getAdminPage: () => ok(started ? anAdminPage({ backfill: done }) : anAdminPage()),
      startBackfill: () => {
        started = true;
        return ok(running);
      },
    });
    expect(tab(screen, BACKFILL).text()).toContain('No backfill has run yet.');

    await screen.type(field(screen, 'backfill-days'), '14');
    await screen.click(tab(screen, BACKFILL).button('Backfill the last 14 days'));

    expect(screen.callsTo('startBackfill')).toEqual([{ days: 14 }]);
    expect(tab(screen, BACKFILL).text()).toContain(
      'Running (last 14 days): 1 of 4 repositories listed, 0 of 80 pipelines imported.',
    );
    expect(tab(screen, BACKFILL).one('ProgressBar').props.value).toBe(0.25);
    expect(tab(screen, BACKFILL).button('Backfill the last 14 days').props.isDisabled).toBe(true);

    await screen.waitFor(
      () =>
        tab(screen, BACKFILL).hasText(
          'Finished just now: 4 of 4 repositories listed, 310 of 310 pipelines imported.',
        ),
      'the backfill to finish',
    );
    const calls = screen.callsTo('getAdminPage').length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    await screen.settle();
    expect(screen.callsTo('getAdminPage')).toHaveLength(calls);
  });

  it('follows the import once every repository is listed, and offers to restart a stalled backfill', async () => {
    const importing = aBackfillStatus({
      state: 'running',
      days: 14,
      reposDone: 4,
      reposTotal: 4,
      pipelinesQueued: 200,
      pipelinesIngested: 50,
      startedAt: new Date().toISOString(),
    });
    const screen = await render(<AdminPage pollIntervalMs={60_000} />, {
      getAdminPage: ok(anAdminPage({ backfill: importing })),
    });
    expect(tab(screen, BACKFILL).one('ProgressBar').props.value).toBe(0.25);
    expect(tab(screen, BACKFILL).text()).toContain(
      '4 of 4 repositories listed, 50 of 200 pipelines imported',
    );

    const stalled = {
      ...importing,
      stalled: true,
      message: 'Stalled: 50 of 200 pipelines imported; some could not be. Start it again to retry them.',
    };
    const again = await render(<AdminPage pollIntervalMs={60_000} />, {
      getAdminPage: ok(anAdminPage({ backfill: stalled })),
    });
    expect(tab(again, BACKFILL).one('SectionMessage').props.title).toBe('The backfill stalled');
    expect(tab(again, BACKFILL).text()).toContain('Start it again to retry them.');
    expect(tab(again, BACKFILL).button('Backfill the last 14 days').props.isDisabled).toBe(false);
  });

  it('shows why a backfill did not start', async () => {
    const screen = await render(<AdminPage />, {
      getAdminPage: ok(anAdminPage()),
      startBackfill: fails('upstream', 'Bitbucket rate limit reached; try again after 14:00.'),
    });
    await screen.click(tab(screen, BACKFILL).button('Backfill the last 30 days'));
    expect(tab(screen, BACKFILL).one('SectionMessage').props.title).toBe('The backfill did not start');
    expect(tab(screen, BACKFILL).text()).toContain('Bitbucket rate limit reached; try again after 14:00.');
  });

  it('lists every repository side by side, the most broken first', async () => {
    const screen = await render(<AdminPage />, { getAdminPage: ok(anAdminPage()) });
    const { headers, rows } = tab(screen, HEALTH).table('Repository health');
    expect(headers).toEqual([
      'Repository',
      'Monitored',
      'Pipelines',
      'Success rate',
      'Flaky tests',
      'Broken tests',
      'Build minutes',
      'Last recorded',
    ]);
    expect(rows.map((row) => row.texts.slice(0, 7))).toEqual([
      ['\u2068checkout-service\u2069', 'Monitored', '220', '87.4%', '3', '1', '4,310 min'],
      ['\u2068web-storefront\u2069', 'Monitored', '95', '96%', '0', '0', '880 min'],
    ]);
  });

  it('warns when Bitbucket refused the Code Insights reports of a repository, with its reason', async () => {
    const page = anAdminPage();
    const [first, ...rest] = page.repos;
    const refused = {
      ...first,
      codeInsightsRefused: {
        at: new Date().toISOString(),
        why: 'Your credentials lack one or more required privilege scopes.',
      },
    } as RepoHealthRow;
    const screen = await render(<AdminPage />, { getAdminPage: ok({ ...page, repos: [refused, ...rest] }) });
    const warning = tab(screen, HEALTH).one('SectionMessage');
    expect(warning.props.title).toBe('Bitbucket refused Code Insights reports');
    expect(screen.within(warning).text()).toContain('checkout-service');
    expect(screen.within(warning).text()).toContain(
      'Your credentials lack one or more required privilege scopes.',
    );
    expect(screen.within(warning).text()).toContain('turn Code Insights off under Settings');
  });

  it('lists what ingestion could not do per repository, so a refusal or a limit is seen and not retried in silence', async () => {
    const page = anAdminPage();
    const [first, second] = page.repos;
    const at = new Date().toISOString();
    const withProblems = [
      {
        ...first,
        ingestionProblems: [
          {
            stage: 'sweep',
            at,
            why: 'Bitbucket GET /repositories/acme/checkout-service/pipelines answered 403',
          },
        ],
      },
      {
        ...second,
        ingestionProblems: [
          {
            stage: 'ingest',
            at,
            buildNumber: 412,
            why: 'value size limit: 251000 bytes exceeds 245760 (240 KiB)',
          },
        ],
      },
    ] as RepoHealthRow[];
    const screen = await render(<AdminPage />, { getAdminPage: ok({ ...page, repos: withProblems }) });
    const warning = tab(screen, HEALTH).one('SectionMessage');
    expect(warning.props.title).toBe('Pipelines that could not be recorded');
    const text = screen.within(warning).text();
    expect(text).toContain('checkout-service');
    expect(text).toContain('could not be listed by the hourly sweep');
    expect(text).toContain('answered 403');
    expect(text).toContain('pipeline #412');
    expect(text).toContain('240 KiB');
  });

  it('shows no Code Insights warning when every report was accepted', async () => {
    const screen = await render(<AdminPage />, { getAdminPage: ok(anAdminPage()) });
    expect(tab(screen, HEALTH).all('SectionMessage')).toHaveLength(0);
  });
});
