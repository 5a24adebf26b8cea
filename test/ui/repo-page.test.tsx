import { crashes, fails, held, ok, render, type Screen } from '../support/ui-harness';
import { RepoPage } from '../../src/ui/repo-page';
import { aBrokenTest, aRepoReport, aSuggestion, aTest, anEmptyRepoReport } from '../support/ui-builders';
import { aFingerprint } from '../support/ui-builders';
import type { FailureReport } from '../../src/contract/insights';

const tab = (screen: Screen, index: number) => screen.tabPanel(index);
const OVERVIEW = 0;
const TESTS = 1;
const STEPS = 2;
const FAILURES = 3;
const SUGGESTIONS = 4;

describe('repository page', () => {
  it('shows a spinner while the insights are on their way, then the tabs', async () => {
    const gate = held<'getRepoInsights'>();
    const screen = await render(<RepoPage />, { getRepoInsights: gate.reply });

    expect(screen.one('Spinner').props.label).toBe('Loading pipeline insights');
    expect(screen.all('Tabs')).toHaveLength(0);

    gate.resolve(aRepoReport());
    await screen.settle();

    expect(screen.all('Spinner')).toHaveLength(0);
    expect(screen.all('Tab').map((node) => screen.within(node).text())).toEqual([
      'Overview',
      'Tests',
      'Steps',
      'Failures',
      'Suggestions',
    ]);
  });

  it('asks for the whole repository first, without identifiers the resolver takes from the context', async () => {
    const screen = await render(<RepoPage />, { getRepoInsights: ok(aRepoReport()) });
    expect(screen.callsTo('getRepoInsights')[0]).toEqual({});
  });

  it('shows the resolver error and tries again on request', async () => {
    const screen = await render(<RepoPage />, {
      getRepoInsights: [fails('forbidden', 'You cannot read checkout-service.'), ok(aRepoReport())],
    });

    const message = screen.one('SectionMessage');
    expect(message.props.appearance).toBe('error');
    expect(screen.text()).toContain('You cannot read checkout-service.');
    expect(screen.text()).toContain('Ask a workspace admin for access');

    await screen.click(screen.button('Try again'));
    expect(screen.all('Tabs')).toHaveLength(1);
  });

  it('explains a backend that did not answer', async () => {
    const screen = await render(<RepoPage />, { getRepoInsights: crashes('Resolver timed out') });
    expect(screen.text()).toContain("The app's backend did not answer: Resolver timed out");
  });

  it('explains what to do when nothing is recorded yet', async () => {
    const screen = await render(<RepoPage />, { getRepoInsights: ok(anEmptyRepoReport()) });
    const empty = screen.one('EmptyState');
    expect(empty.props.header).toBe('No pipeline runs recorded yet');
    expect(String(empty.props.description)).toContain('start a backfill');
    expect(screen.all('Tabs')).toHaveLength(0);
  });

  it('shows backfill progress when nothing is recorded yet but a backfill runs', async () => {
    const report = anEmptyRepoReport({
      ingestion: { attempts: 0, backfill: { state: 'running', done: 12, total: 40 } },
    });
    const screen = await render(<RepoPage />, { getRepoInsights: ok(report) });
    expect(screen.one('EmptyState').props.header).toBe('Importing past pipelines');
    expect(screen.text()).toContain('12 of 40 pipelines imported');
  });

  describe('Overview tab', () => {
    it('shows health figures, trend charts and the top three open suggestions by priority', async () => {
      const report = aRepoReport({
        suggestions: [
          aSuggestion({ id: 'low', title: 'Low one', priority: 'low' }),
          aSuggestion({ id: 'done', title: 'Already done', priority: 'high', status: 'done' }),
          aSuggestion({ id: 'high', title: 'High one', priority: 'high' }),
          aSuggestion({
            id: 'med-small',
            title: 'Medium small',
            priority: 'medium',
            impact: { minutesPerWeek: 1 },
          }),
          aSuggestion({
            id: 'med-big',
            title: 'Medium big',
            priority: 'medium',
            impact: { minutesPerWeek: 90 },
          }),
        ],
      });
      const screen = await render(<RepoPage />, { getRepoInsights: ok(report) });
      const overview = tab(screen, OVERVIEW);

      const text = overview.text();
      expect(text).toContain('Success rate 87.4% 187 of 214 finished pipelines');
      expect(text).toContain('Median pipeline time 10m 12s');
      expect(text).toContain('95th percentile time 23m');
      expect(text).toContain('Build minutes 4,310 min');
      expect(text).toContain('Time to recover 5h 30m');
      expect(overview.all('LineChart').map((chart) => chart.props.title)).toEqual([
        'Success rate (%)',
        'Median pipeline time (minutes)',
      ]);
      expect(overview.one('BarChart').props.data).toEqual([
        { week: '2026-02-23', minutes: 1380 },
        { week: '2026-03-02', minutes: 1460 },
        { week: '2026-03-09', minutes: 1470 },
      ]);

      const fixFirst = overview
        .section('Fix these first')
        .all('Inline')
        .map((row) => overview.within(row).text());
      expect(fixFirst).toEqual([
        expect.stringMatching(/^High \u2068High one\u2069 Saves/),
        expect.stringMatching(/^Medium \u2068Medium big\u2069 Saves 90 min of waiting/),
        expect.stringMatching(/^Medium \u2068Medium small\u2069/),
      ]);
    });

    it('says when trends will appear instead of drawing a one-week chart', async () => {
      const report = aRepoReport();
      report.pipelines.weekly = report.pipelines.weekly.slice(0, 1);
      const screen = await render(<RepoPage />, { getRepoInsights: ok(report) });
      expect(tab(screen, OVERVIEW).all('LineChart')).toHaveLength(0);
      expect(tab(screen, OVERVIEW).text()).toContain(
        'Trends appear once the app has recorded pipelines over two weeks.',
      );
    });
  });

  describe('Tests tab', () => {
    it('lists broken then flaky tests with their labels, figures and evidence', async () => {
      const screen = await render(<RepoPage />, { getRepoInsights: ok(aRepoReport()) });
      const { headers, rows } = tab(screen, TESTS).table('Tests');

      expect(headers).toEqual([
        'Test',
        'Label',
        'Fails',
        'Confidence',
        'Last failure',
        'Evidence',
        'Actions',
      ]);
      expect(rows.map((row) => row.key)).toEqual(['t-tax-rounding', 't-checkout-retry']);
      const [broken, flaky] = rows;
      expect(broken?.texts[1]).toBe('Broken Broken since #1405 (c0ffee1)');
      // How often it fails and how sure the label is: two figures, never one "flakiness" percentage.
      expect(broken?.texts[2]).toBe('Every run since it broke 9 of 40 runs failed');
      expect(broken?.texts[3]).toBe('96%');
      expect(flaky?.texts[0]).toContain('com.acme.checkout.PaymentRetryIT.retries declined card once');
      expect(flaky?.texts[0]).toContain('Step: Integration tests');
      expect(flaky?.texts[1]).toBe('Flaky Flaky since #1320 (1b2c3d4)');
      expect(flaky?.texts[2]).toBe('3.8% of runs 7 of 184 runs failed');
      expect(flaky?.texts[3]).toBe('93%');
      expect(flaky?.texts[5]).toContain('Same commit');
      expect(flaky?.texts[5]).toContain('Passed on rerun');
      const evidence = screen.within(flaky?.cells[5] as never);
      expect(evidence.all('Link').map((link) => [screen.within(link).text(), link.props.href])).toEqual([
        ['#1412', 'https://bitbucket.org/acme/checkout-service/pipelines/results/1412'],
        ['#1398 (attempt 2)', 'https://bitbucket.org/acme/checkout-service/pipelines/results/1398'],
      ]);
      // Quarantine is offered for the flaky test only: a broken test needs a fix, not hiding.
      expect(screen.within(flaky?.cells[6] as never).buttons('Quarantine')).toHaveLength(1);
      expect(screen.within(broken?.cells[6] as never).buttons('Quarantine')).toHaveLength(0);
    });

    it('gives each sortable column a sort key that orders numbers as numbers', async () => {
      const report = aRepoReport({
        tests: [
          aTest({ id: 'a', failureRate: 0.09 }),
          aTest({ id: 'b', failureRate: 0.12, confidence: 0.5 }),
        ],
      });
      const screen = await render(<RepoPage />, { getRepoInsights: ok(report) });
      const { rows } = tab(screen, TESTS).table('Tests');
      const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'accent' });
      const failureKeys = rows.map((row) => String(row.cells[2]?.props.cellKey));
      expect(failureKeys).toEqual(['fails:90', 'fails:120']);
      expect(collator.compare(failureKeys[0] as string, failureKeys[1] as string)).toBeLessThan(0);
      for (const row of rows) {
        const keys = row.cells.map((cell) => cell.props.cellKey);
        expect(new Set(keys).size).toBe(keys.length);
      }
    });

    it('quarantines a flaky test at once and keeps it when the resolver agrees', async () => {
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport()),
        setQuarantine: ok({ testId: 't-checkout-retry', quarantined: true }, 20),
      });
      const flakyRow = () => tab(screen, TESTS).table('Tests').rows[1];

      await screen.click(screen.within(flakyRow()?.cells[6] as never).button('Quarantine'));

      expect(screen.callsTo('setQuarantine')).toEqual([{ testId: 't-checkout-retry', quarantined: true }]);
      expect(flakyRow()?.texts[1]).toContain('Quarantined');
      expect(screen.within(flakyRow()?.cells[6] as never).buttons('Unquarantine')).toHaveLength(1);
      expect(screen.all('SectionMessage')).toHaveLength(0);
    });

    it('rolls a refused quarantine back and says why', async () => {
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport()),
        setQuarantine: [fails('forbidden', 'Only repository admins can quarantine tests.')],
      });
      const flakyRow = () => tab(screen, TESTS).table('Tests').rows[1];

      await screen.fire(screen.within(flakyRow()?.cells[6] as never).button('Quarantine'), 'onClick');

      expect(flakyRow()?.texts[1]).not.toContain('Quarantined');
      expect(screen.within(flakyRow()?.cells[6] as never).buttons('Quarantine')).toHaveLength(1);
      const error = tab(screen, TESTS).one('SectionMessage');
      expect(error.props.title).toBe('That change was not saved');
      expect(tab(screen, TESTS).text()).toContain(
        'Could not quarantine \u201c\u2068com.acme.checkout.PaymentRetryIT.retries declined card once\u2069\u201d: Only repository admins can quarantine tests.',
      );
    });

    it('marks the test quarantined while the call is in flight', async () => {
      const gate = held<'setQuarantine'>();
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport()),
        setQuarantine: gate.reply,
      });
      const flakyRow = () => tab(screen, TESTS).table('Tests').rows[1];

      await screen.click(screen.within(flakyRow()?.cells[6] as never).button('Quarantine'));
      expect(flakyRow()?.texts[1]).toContain('Quarantined');
      expect(screen.within(flakyRow()?.cells[6] as never).button('Unquarantine').props.isDisabled).toBe(true);

      gate.resolve({ testId: 't-checkout-retry', quarantined: true });
      await screen.settle();
      expect(screen.within(flakyRow()?.cells[6] as never).button('Unquarantine').props.isDisabled).toBe(
        false,
      );
    });

    it('unquarantines a quarantined test', async () => {
      const report = aRepoReport({ tests: [aTest({ quarantined: true })] });
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(report),
        setQuarantine: ok({ testId: 't-checkout-retry', quarantined: false }),
      });
      await screen.click(tab(screen, TESTS).button('Unquarantine'));
      expect(screen.callsTo('setQuarantine')).toEqual([{ testId: 't-checkout-retry', quarantined: false }]);
      expect(tab(screen, TESTS).table('Tests').rows[0]?.texts[1]).not.toContain('Quarantined');
    });

    it('creates a Jira issue for a test and links its key', async () => {
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport()),
        createJiraIssue: ok({
          mode: 'created',
          key: 'CI-42',
          url: 'https://acme.atlassian.net/browse/CI-42',
        }),
      });
      const brokenActions = () => screen.within(tab(screen, TESTS).table('Tests').rows[0]?.cells[6] as never);

      await screen.click(brokenActions().button('Create Jira issue'));

      expect(screen.callsTo('createJiraIssue')).toEqual([
        { subject: { kind: 'test', testId: 't-tax-rounding' } },
      ]);
      const link = brokenActions().one('Link');
      expect(link.props.href).toBe('https://acme.atlassian.net/browse/CI-42');
      expect(screen.within(link).text()).toBe('CI-42');
    });

    it("opens Jira's create screen when the app has no Jira token", async () => {
      const url = 'https://acme.atlassian.net/secure/CreateIssueDetails!init.jspa?pid=10000&summary=Fix';
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport()),
        createJiraIssue: ok({ mode: 'open-create-screen', url }),
      });
      await screen.click(
        screen
          .within(tab(screen, TESTS).table('Tests').rows[0]?.cells[6] as never)
          .button('Create Jira issue'),
      );

      expect(screen.navigations).toEqual([{ url, type: 'new-tab' }]);
      expect(tab(screen, TESTS).text()).toContain("Jira's create screen opened in a new tab.");
    });

    it('shows what Jira said when it refuses', async () => {
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport()),
        createJiraIssue: fails(
          'upstream',
          'Jira: Field "priority" cannot be set. It is not on the appropriate screen.',
        ),
      });
      await screen.click(
        screen
          .within(tab(screen, TESTS).table('Tests').rows[0]?.cells[6] as never)
          .button('Create Jira issue'),
      );
      expect(tab(screen, TESTS).text()).toContain(
        'Jira: Field "priority" cannot be set. It is not on the appropriate screen.',
      );
      expect(tab(screen, TESTS).buttons('Create Jira issue')).toHaveLength(2);
    });

    it('scopes the tests to a branch by asking the resolver again', async () => {
      const mainOnly = aRepoReport({ tests: [aBrokenTest()] });
      const screen = await render(<RepoPage />, {
        getRepoInsights: (payload) => ok(payload.branch === 'main' ? mainOnly : aRepoReport()),
      });
      const filter = tab(screen, TESTS).one('Select');
      expect(filter.props.options).toEqual([
        { label: 'All branches', value: '' },
        { label: 'main', value: 'main' },
        { label: 'feature/retry-backoff', value: 'feature/retry-backoff' },
      ]);

      await screen.choose(filter, { label: 'main', value: 'main' });

      expect(screen.callsTo('getRepoInsights')).toContainEqual({ branch: 'main' });
      expect(
        tab(screen, TESTS)
          .table('Tests')
          .rows.map((row) => row.key),
      ).toEqual(['t-tax-rounding']);
      // Other tabs keep the repository-wide view.
      expect(tab(screen, OVERVIEW).text()).toContain('Success rate 87.4%');

      await screen.choose(tab(screen, TESTS).one('Select'), { label: 'All branches', value: '' });
      expect(tab(screen, TESTS).table('Tests').rows).toHaveLength(2);
    });

    it('keeps the rows on screen and marks the table loading while a branch loads', async () => {
      const gate = held<'getRepoInsights'>();
      const screen = await render(<RepoPage />, { getRepoInsights: [ok(aRepoReport()), gate.reply] });
      await screen.choose(tab(screen, TESTS).one('Select'), { label: 'main', value: 'main' });
      expect(tab(screen, TESTS).one('DynamicTable').props.isLoading).toBe(true);
      gate.resolve(aRepoReport({ tests: [] }));
      await screen.settle();
      expect(tab(screen, TESTS).one('EmptyState').props.header).toBe('No flaky or broken tests on main');
    });

    it('says so when a branch fails to load', async () => {
      const screen = await render(<RepoPage />, {
        getRepoInsights: [ok(aRepoReport()), fails('not-found', 'Branch gone was deleted.')],
      });
      await screen.choose(tab(screen, TESTS).one('Select'), { label: 'main', value: 'main' });
      expect(tab(screen, TESTS).one('SectionMessage').props.title).toBe('Could not load tests for main');
      expect(tab(screen, TESTS).text()).toContain('Branch gone was deleted.');
    });

    it('explains an empty list', async () => {
      const screen = await render(<RepoPage />, { getRepoInsights: ok(aRepoReport({ tests: [] })) });
      expect(tab(screen, TESTS).one('EmptyState').props.header).toBe('No flaky or broken tests');
      expect(tab(screen, TESTS).all('DynamicTable')).toHaveLength(0);
    });
  });

  describe('Steps tab', () => {
    it('shows p50, p95, queue wait, reruns and cost per step, and flags regressions', async () => {
      const screen = await render(<RepoPage />, { getRepoInsights: ok(aRepoReport()) });
      const steps = tab(screen, STEPS);
      const { rows } = steps.table('Steps');
      expect(rows.map((row) => row.key)).toEqual(['Integration tests', 'Build']);
      expect(rows[1]?.texts).toEqual([
        '\u2068Build\u2069 Size 2x',
        '210',
        '97%',
        '3m 12s',
        '6m 55s',
        '8s / 1m 35s',
        '4',
        '760 min',
        'Steady',
      ]);
      expect(rows[0]?.texts[8]).toBe('+25% slower 5m 4s \u2192 6m 20s since #1390 (0c1d2e3)');
      expect(steps.text()).toContain('Getting slower: \u2068Integration tests\u2069 (+25%)');
      expect(steps.one('LineChart').props.colorAccessor).toBe('step');
    });

    it('shows the critical path of a recent pipeline, bounding step last', async () => {
      const screen = await render(<RepoPage />, { getRepoInsights: ok(aRepoReport()) });
      const path = tab(screen, STEPS).section('Critical path');
      expect(path.text()).toContain('Pipeline #1412 took 10m 40s.');
      expect(path.all('Inline').map((row) => path.within(row).text())).toEqual([
        '1. \u2068Build\u2069 3m 20s (waited 10s to start)',
        '2. \u2068Integration tests\u2069 7m Bounds the run',
      ]);
    });

    it('explains an empty steps tab', async () => {
      const screen = await render(<RepoPage />, { getRepoInsights: ok(aRepoReport({ steps: [] })) });
      expect(tab(screen, STEPS).one('EmptyState').props.header).toBe('No step timings yet');
    });
  });

  describe('Failures tab', () => {
    it('charts the causes and lists recurring failures with links to example pipelines', async () => {
      const report = aRepoReport({
        topFingerprints: [
          aFingerprint(),
          aFingerprint({
            fingerprint: 'fp-bad-url',
            category: 'dependency',
            message: 'npm ERR! 404 Not Found',
            count: 2,
            examples: [{ pipeline: 1300, step: 'Build', url: 'javascript:alert(1)' }],
          }),
        ],
      });
      const screen = await render(<RepoPage />, { getRepoInsights: ok(report) });
      const failures = tab(screen, FAILURES);

      expect(failures.one('DonutChart').props.data).toEqual([
        { category: 'Test failure', count: 14 },
        { category: 'Infrastructure', count: 6 },
        { category: 'Build error', count: 5 },
      ]);
      expect(failures.text()).toContain('Infrastructure: 6 (24%)');
      const { rows } = failures.table('Recurring failures');
      expect(rows[0]?.texts.slice(0, 3)).toEqual([
        "\u2068Container 'Build' exceeded memory limit.\u2069",
        'Infrastructure',
        '6',
      ]);
      expect(
        screen
          .within(rows[0]?.cells[4] as never)
          .all('Link')
          .map((link) => link.props.href),
      ).toEqual([
        'https://bitbucket.org/acme/checkout-service/pipelines/results/1410',
        'https://bitbucket.org/acme/checkout-service/pipelines/results/1388',
      ]);
      // A stored URL with another scheme is shown, never handed to the host as a link.
      expect(screen.within(rows[1]?.cells[4] as never).all('Link')).toHaveLength(0);
      expect(rows[1]?.texts[4]).toBe('#1300 \u2068Build\u2069');
    });

    it('lists every failed step a page at a time, and by cause', async () => {
      const failed = (pipeline: number, category: FailureReport['category'], attempt = 1): FailureReport => ({
        pipeline,
        pipelineUuid: `p-${pipeline}`,
        step: 'Integration tests',
        attempt,
        category,
        message: `failure of #${pipeline}`,
        fingerprint: `fp-${category}`,
        at: `2026-03-1${pipeline % 10}T10:00:00.000Z`,
        url: `https://bitbucket.org/acme/checkout-service/pipelines/results/${pipeline}`,
      });
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(
          aRepoReport({
            failures: [failed(9, 'test'), failed(8, 'infrastructure', 2)],
            failuresCursor: 'after-8',
          }),
        ),
        getFailures: (payload) =>
          payload.category === 'infrastructure'
            ? ok({ failures: [failed(8, 'infrastructure', 2), failed(3, 'infrastructure')] })
            : ok({ failures: [failed(7, 'test')] }),
      });
      const panel = () => tab(screen, FAILURES);
      const pipelines = () =>
        panel()
          .table('Failed steps')
          .rows.map((row) => row.texts[1]);
      expect(pipelines()).toEqual(['#9', '#8 (attempt 2)']);
      expect(panel().text()).toContain('2 failed steps, newest first; more follow');

      await screen.click(panel().button('Load more'));
      expect(screen.callsTo('getFailures')).toEqual([{ cursor: 'after-8' }]);
      expect(pipelines()).toEqual(['#9', '#8 (attempt 2)', '#7']);
      expect(panel().buttons('Load more')).toHaveLength(0);
      expect(panel().text()).toContain('3 failed steps, newest first: all of this window');

      await screen.choose(panel().one('Select'), { label: 'Infrastructure', value: 'infrastructure' });
      expect(screen.callsTo('getFailures')[1]).toEqual({ category: 'infrastructure' });
      expect(pipelines()).toEqual(['#8 (attempt 2)', '#3']);
      expect(panel().text()).toContain('2 infrastructure failed steps, newest first: all of this window');

      // Back to all causes: the first page again, without asking the resolver.
      await screen.choose(panel().one('Select'), { label: 'All causes', value: '' });
      expect(screen.callsTo('getFailures')).toHaveLength(2);
      expect(pipelines()).toEqual(['#9', '#8 (attempt 2)']);
    });

    it('explains an empty failures tab', async () => {
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport({ failureCategories: [], topFingerprints: [] })),
      });
      expect(tab(screen, FAILURES).one('EmptyState').props.header).toBe('No failed steps in this window');
    });
  });

  describe('Suggestions tab', () => {
    it('lists suggestions by priority with savings, status and Jira', async () => {
      const report = aRepoReport({
        suggestions: [
          aSuggestion({
            id: 'low',
            title: 'Cache node_modules',
            priority: 'low',
            impact: { buildMinutesPerWeek: 30 },
          }),
          aSuggestion({ jiraIssueKey: 'CI-7', jiraIssueUrl: 'https://acme.atlassian.net/browse/CI-7' }),
        ],
      });
      const screen = await render(<RepoPage />, { getRepoInsights: ok(report) });
      const { headers, rows } = tab(screen, SUGGESTIONS).table('Suggestions');

      expect(headers).toEqual(['Priority', 'Suggestion', 'Estimated savings', 'Status', 'Jira']);
      expect(rows.map((row) => row.texts[0])).toEqual(['High', 'Low']);
      // The savings, and the assumption they rest on.
      expect(rows[0]?.texts[2]).toBe(
        'Saves 42 min of waiting, 120 build min, 3 failed pipelines a week \u2068Assumes: It fails 3.8% of runs (7 of 184): 3.8% of the 79 runs a week of "Integration tests" is 3 failed runs a week.\u2069',
      );
      expect(rows[0]?.texts[3]).toBe('Open');
      expect(rows[0]?.texts[4]).toBe('CI-7');
      expect(rows[1]?.texts[4]).toBe('Create Jira issue');
    });

    it('shows a read-only viewer the statuses as text, no quarantine button, and why', async () => {
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport({ viewer: { canChange: false } })),
      });
      expect(screen.text()).toContain(
        'Quarantining tests and changing suggestion statuses need write access to this repository.',
      );
      const suggestions = tab(screen, SUGGESTIONS).table('Suggestions');
      expect(screen.within(suggestions.rows[0]?.cells[3] as never).all('Select')).toHaveLength(0);
      expect(suggestions.rows[0]?.texts[3]).toBe('Open');
      const flakyRow = tab(screen, TESTS).table('Tests').rows[1];
      expect(screen.within(flakyRow?.cells[6] as never).buttons('Quarantine')).toHaveLength(0);
      expect(screen.within(flakyRow?.cells[6] as never).buttons('Create Jira issue')).toHaveLength(1);
    });

    it('changes a status at once and saves it', async () => {
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport()),
        setSuggestionStatus: ok({ suggestionId: 's-quarantine-retry', status: 'in-progress' }),
      });
      const status = () =>
        screen.within(tab(screen, SUGGESTIONS).table('Suggestions').rows[0]?.cells[3] as never).one('Select');

      await screen.choose(status(), { label: 'In progress', value: 'in-progress' });

      expect(screen.callsTo('setSuggestionStatus')).toEqual([
        { suggestionId: 's-quarantine-retry', status: 'in-progress' },
      ]);
      expect(status().props.value).toEqual({ label: 'In progress', value: 'in-progress' });
    });

    it('rolls a status change back and says why when it is refused', async () => {
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport()),
        setSuggestionStatus: crashes('Network error'),
      });
      const status = () =>
        screen.within(tab(screen, SUGGESTIONS).table('Suggestions').rows[0]?.cells[3] as never).one('Select');

      await screen.choose(status(), { label: 'Dismissed', value: 'dismissed' });

      expect(status().props.value).toEqual({ label: 'Open', value: 'open' });
      expect(tab(screen, SUGGESTIONS).text()).toContain(
        "as dismissed: The app's backend did not answer: Network error",
      );
      await screen.click(tab(screen, SUGGESTIONS).button('Dismiss'));
      expect(tab(screen, SUGGESTIONS).all('SectionMessage')).toHaveLength(0);
    });

    it('creates a Jira issue from a suggestion', async () => {
      const screen = await render(<RepoPage />, {
        getRepoInsights: ok(aRepoReport()),
        createJiraIssue: ok({
          mode: 'created',
          key: 'CI-43',
          url: 'https://acme.atlassian.net/browse/CI-43',
        }),
      });
      await screen.click(tab(screen, SUGGESTIONS).buttons('Create Jira issue')[0] as never);
      expect(screen.callsTo('createJiraIssue')).toEqual([
        { subject: { kind: 'suggestion', id: 's-quarantine-retry' } },
      ]);
      expect(tab(screen, SUGGESTIONS).table('Suggestions').rows[0]?.texts[4]).toBe('CI-43');
    });

    it('explains an empty list', async () => {
      const screen = await render(<RepoPage />, { getRepoInsights: ok(aRepoReport({ suggestions: [] })) });
      expect(tab(screen, SUGGESTIONS).one('EmptyState').props.header).toBe('No suggestions yet');
    });
  });
});
