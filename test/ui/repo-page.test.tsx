import { crashes, fails, held, ok, render, type Screen } from '../support/ui-harness';
import { RepoPage } from '../../src/ui/repo-page';
import { aBrokenTest, aRepoReport, aSuggestion, aTest, anEmptyRepoReport } from '../support/ui-builders';
import type { RepoReport } from '../../src/contract/insights';

function tab(screen: Screen, index: number) {
  const panel = screen.all('TabPanel')[index];
  if (!panel) throw new Error(`No tab panel ${index}`);
  return screen.within(panel);
}
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
    const report = anEmptyRepoReport({ ingestion: { attempts: 0, backfill: { state: 'running', done: 12, total: 40 } } });
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
          aSuggestion({ id: 'med-small', title: 'Medium small', priority: 'medium', impact: { minutesPerWeek: 1 } }),
          aSuggestion({ id: 'med-big', title: 'Medium big', priority: 'medium', impact: { minutesPerWeek: 90 } }),
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

      const fixFirst = overview.section('Fix these first').all('Inline').map((row) => overview.within(row).text());
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
      expect(tab(screen, OVERVIEW).text()).toContain('Trends appear once the app has recorded pipelines over two weeks.');
    });
  });
});

export function reportWith(overrides: Partial<RepoReport>): RepoReport {
  return aRepoReport(overrides);
}
void [TESTS, STEPS, FAILURES, SUGGESTIONS, aTest, aBrokenTest];
