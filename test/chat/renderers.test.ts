/**
 * The chat renderers: pure functions from a message to a Slack Block Kit or a Teams Adaptive Card payload, compared
 * with committed golden files (rewrite with `UPDATE_GOLDENS=1 npx jest test/chat`, then review the diff), checked
 * against each product's limits, and proven to keep names verbatim and to say what they cut.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { digestMessage } from '../../src/chat/digest';
import type { ChatMessage } from '../../src/chat/message';
import { renderSlack } from '../../src/chat/slack';
import { renderTeams } from '../../src/chat/teams';
import type { RepoReport } from '../../src/contract/insights';
import { summarise } from '../../src/report/summary';
import { aFullReport, HOSTILE_NAME, LONG_NAME, RTL_NAME } from '../report/report-fixture';
import { adaptiveCardProblems, slackProblems, slackText, teamsText } from '../support/chat-payloads';
import { aTest } from '../support/ui-builders';

const GOLDEN_DIR = path.resolve(__dirname, '../fixtures/chat');

function golden(name: string, value: unknown): void {
  const file = path.join(GOLDEN_DIR, `${name}.golden.json`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDENS) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** A digest line about a test, a step or a suggestion (not a fact such as "Flaky / broken tests: 3 / 1"). */
const LINE = /^(Flaky( \(new this \w+\))?: |Broken( since #\d+)?: |Slower: |Fix first: )/;

const digestOf = (reports: RepoReport[]): ChatMessage =>
  digestMessage(
    'acme',
    'week',
    reports.map((report) => ({ report, summary: summarise(report, 'week') })),
  );

/** A suite whose every test is flaky, with long names: the digest must still fit and say how much it left out. */
function hugeReport(tests: number, nameLength: number): RepoReport {
  return aFullReport({
    tests: Array.from({ length: tests }, (_, i) =>
      aTest({
        id: `t-${i}`,
        name: `Suite${i}.${'n'.repeat(nameLength)}`,
        classification: 'flaky',
        flakySince: undefined,
      }),
    ),
  });
}

describe('the weekly digest', () => {
  const message = digestOf([
    aFullReport(),
    aFullReport({ repository: { slug: 'payments', uuid: 'u-2', fullName: 'acme/payments' }, tests: [] }),
  ]);

  it('renders for Slack and Teams as the golden files say', () => {
    golden('digest-week.slack', renderSlack(message));
    golden('digest-week.teams', renderTeams(message));
  });

  it('names flaky and broken tests verbatim, once each, and leaves quarantined ones out', () => {
    const report = aFullReport();
    const quarantined = aTest({ id: 't-q', name: 'QuarantinedTest.is left out', quarantined: true });
    const twice = aTest({ id: 't-dup', name: RTL_NAME, step: 'Other step' });
    const lines =
      digestOf([{ ...report, tests: [...report.tests, quarantined, twice] }]).sections[0]?.lines ?? [];
    expect(lines).toContain(`Broken since #1400: ${HOSTILE_NAME}`);
    expect(lines).toContain(`Flaky (new this week): ${RTL_NAME}`);
    expect(lines).toContain(`Flaky: ${LONG_NAME}`);
    expect(lines.filter((l) => l.includes(RTL_NAME))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('QuarantinedTest');
    expect(lines.join('\n')).not.toContain('CartTest.adds item');
  });

  it('keeps markup in names as text: plain_text in Slack, text runs in Teams', () => {
    const slack = renderSlack(message);
    const named = slack.blocks.filter((b) => b.type === 'section' && b.text?.text.includes(HOSTILE_NAME));
    expect(named).toHaveLength(1);
    expect(named[0]).toMatchObject({ text: { type: 'plain_text' } });
    expect(teamsText(renderTeams(message))).toContain(HOSTILE_NAME);
    expect(JSON.stringify(renderTeams(message))).toContain(
      JSON.stringify({ type: 'TextRun', text: `Broken since #1400: ${HOSTILE_NAME}` }),
    );
  });

  it('is a valid Adaptive Card 1.4 and a Block Kit message within Slack limits', () => {
    expect(adaptiveCardProblems(renderTeams(message))).toEqual([]);
    expect(slackProblems(renderSlack(message))).toEqual([]);
  });
});

describe('limits', () => {
  it.each([
    ['2,000 flaky tests with 300-character names', 2000, 300],
    ['200 tests with 2,000-character names', 200, 2000],
    ['60 tests with short names', 60, 10],
  ])(
    '%s: Slack and Teams payloads stay within their limits and say how many lines they cut',
    (_label, tests, nameLength) => {
      const message = digestOf([hugeReport(tests, nameLength), hugeReport(tests, nameLength)]);
      const lines = message.sections.reduce((n, s) => n + s.lines.length, 0);

      const slack = renderSlack(message);
      expect(slackProblems(slack)).toEqual([]);
      const slackShown = slackText(slack)
        .split('\n')
        .filter((l) => LINE.test(l)).length;
      const slackCut = /(\d+) more lines? not shown: Slack/.exec(slackText(slack));
      expect(slackShown + Number(slackCut?.[1] ?? 0)).toBe(lines);

      const teams = renderTeams(message);
      expect(Buffer.byteLength(JSON.stringify(teams))).toBeLessThan(28 * 1024);
      expect(adaptiveCardProblems(teams)).toEqual([]);
      const teamsShown = teamsText(teams)
        .split('\n')
        .filter((l) => LINE.test(l)).length;
      const teamsCut = /(\d+) more lines? not shown: a Teams card/.exec(teamsText(teams));
      expect(teamsShown + Number(teamsCut?.[1] ?? 0)).toBe(lines);
      if (tests >= 200) expect(slackCut && teamsCut).toBeTruthy();
    },
  );

  it('cuts a title to Slack header length and a name longer than a section to 3,000 characters, marked', () => {
    const message: ChatMessage = { title: 't'.repeat(500), sections: [{ lines: ['x'.repeat(5000)] }] };
    const slack = renderSlack(message);
    expect(slackProblems(slack)).toEqual([]);
    expect(slackText(slack)).toContain(`${'x'.repeat(2999)}…`);
    expect(adaptiveCardProblems(renderTeams(message))).toEqual([]);
  });

  it('never lets a name open a new line or block: control characters become spaces', () => {
    const message: ChatMessage = { title: 'a\nb', sections: [{ lines: ['first\nsecond\u2028third'] }] };
    expect(slackText(renderSlack(message))).toContain('first second third');
    expect(teamsText(renderTeams(message))).toContain('first second third');
  });
});
