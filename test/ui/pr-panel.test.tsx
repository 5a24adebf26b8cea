import { crashes, fails, held, ok, render } from '../support/ui-harness';
import { PrPanel } from '../../src/ui/pr-panel';
import { aPrFailingTest, aPrPanel } from '../support/ui-builders';

describe('pull-request panel', () => {
  it('shows a spinner until the panel data arrives', async () => {
    const gate = held<'getPullRequestPanel'>();
    const screen = await render(<PrPanel />, { getPullRequestPanel: gate.reply });
    expect(screen.one('Spinner').props.label).toBe("Checking this pull request's pipelines");
    gate.resolve(aPrPanel());
    await screen.settle();
    expect(screen.all('Spinner')).toHaveLength(0);
    expect(screen.callsTo('getPullRequestPanel')[0]).toEqual({});
  });

  it('labels each failing test, new failures first, with what the label means', async () => {
    const screen = await render(<PrPanel />, { getPullRequestPanel: ok(aPrPanel()) });
    const { rows } = screen.table('Failing tests');

    expect(
      rows
        .map((row) => screen.within(row.cells[1] as never).one('Lozenge'))
        .map((node) => screen.within(node).text()),
    ).toEqual(['New failure', 'Broken on default branch', 'Known flaky', 'Quarantined']);
    expect(rows[0]?.texts[1]).toContain('likely caused by this pull request');
    expect(rows[1]?.texts[1]).toContain('not caused by this pull request');
    expect(rows[2]?.texts[1]).toContain('Fails 3.8% of runs (7 of 184) \u00b7 verdict confidence 93%');
    expect(rows[2]?.texts[1]).not.toContain('Flakiness');
    expect(rows[1]?.texts[2]).toContain('Failing on main since this commit');
    expect(rows[3]?.texts[2]).toBe('No evidence recorded');
    expect(screen.text()).toContain(
      '4 failing tests: 1 likely caused by this pull request, 1 also broken on the default branch, 1 known flaky, 1 quarantined.',
    );
    const pipeline = screen.one('Link', (link) => screen.within(link).text() === 'Pipeline #1501');
    expect(pipeline.props.href).toBe('https://bitbucket.org/acme/checkout-service/pipelines/results/1501');
  });

  it('when all is green, lists the flaky tests the runs hit anyway', async () => {
    const panel = aPrPanel({
      pipelines: [{ buildNumber: 1502, uuid: '{1502}', result: 'SUCCESSFUL', at: new Date().toISOString() }],
      failingTests: [],
      flakyHits: [
        aPrFailingTest({
          testId: 't-retry',
          name: 'PaymentRetryIT.retries declined card once',
          verdict: 'known-flaky',
        }),
      ],
    });
    const screen = await render(<PrPanel />, { getPullRequestPanel: ok(panel) });

    expect(screen.one('SectionMessage').props).toMatchObject({
      appearance: 'success',
      title: 'All tests passed',
    });
    expect(screen.text()).toContain('Flaky tests these runs hit anyway (1)');
    expect(screen.table('Flaky tests hit').rows.map((row) => row.key)).toEqual(['t-retry']);
    expect(screen.all('DynamicTable', (table) => table.props.caption === 'Failing tests')).toHaveLength(0);
  });

  it('reports failed steps that have no failing test', async () => {
    const panel = aPrPanel({
      failingTests: [],
      otherFailures: [
        { step: 'Build', category: 'infrastructure', message: "Container 'Build' exceeded memory limit." },
      ],
    });
    const screen = await render(<PrPanel />, { getPullRequestPanel: ok(panel) });
    const warning = screen.one('SectionMessage');
    expect(warning.props.title).toBe('Steps that failed without a failing test');
    expect(screen.within(warning).text()).toBe(
      "Steps that failed without a failing test \u2068Build: Infrastructure \u2014 Container 'Build' exceeded memory limit.\u2069",
    );
    expect(screen.text()).not.toContain('All tests passed');
  });

  it('says how many failed tests are not named, and never calls that green', async () => {
    const screen = await render(<PrPanel />, {
      getPullRequestPanel: ok(aPrPanel({ failingTests: [], unnamedFailures: 140 })),
    });
    expect(screen.one('SectionMessage').props.title).toBe('140 more failed tests are not listed');
    expect(screen.text()).not.toContain('All tests passed');
  });

  it('explains a pull request with no recorded pipeline', async () => {
    const screen = await render(<PrPanel />, {
      getPullRequestPanel: ok(aPrPanel({ pipelines: [], failingTests: [] })),
    });
    expect(screen.one('EmptyState').props.header).toBe('No pipeline recorded for this pull request');
  });

  it('shows a resolver error with what to do next', async () => {
    const screen = await render(<PrPanel />, {
      getPullRequestPanel: fails('not-configured', 'This repository is not monitored.'),
    });
    expect(screen.text()).toContain('This repository is not monitored.');
    expect(screen.text()).toContain(
      'A workspace admin can set this up on the Pipeline Insights settings page.',
    );
  });

  it('retries after a crash', async () => {
    const screen = await render(<PrPanel />, {
      getPullRequestPanel: [crashes('socket hang up'), ok(aPrPanel())],
    });
    expect(screen.text()).toContain("The app's backend did not answer: socket hang up");
    await screen.click(screen.button('Try again'));
    expect(screen.table('Failing tests').rows).toHaveLength(4);
  });
});
