import { ok, render, textOf, type UiNode } from '../support/ui-harness';
import { RepoPage } from '../../src/ui/repo-page';
import { PrPanel } from '../../src/ui/pr-panel';
import { aPrFailingTest, aPrPanel, aRepoReport, aTest } from '../support/ui-builders';
import { LONG_NAME, MARKUP_NAME, RTL_NAME, RTL_OVERRIDE_NAME } from '../fixtures/ui/hostile-names';

const FSI = '\u2068';
const PDI = '\u2069';

function strings(node: UiNode): string[] {
  if (node.type === 'String') return [String(node.props.text)];
  return node.children.flatMap(strings);
}

async function renderTests(...names: string[]) {
  const tests = names.map((name, index) =>
    aTest({ id: `t-${index}`, name, flakinessScore: 0.9 - index / 10 }),
  );
  const screen = await render(<RepoPage />, { getRepoInsights: ok(aRepoReport({ tests })) });
  const { rows } = screen.tabPanel(1).table('Tests');
  return { screen, rows };
}

describe('hostile test names', () => {
  it('keeps markup as a text string: no element is created from it', async () => {
    const { screen, rows } = await renderTests(MARKUP_NAME);
    const cell = rows[0]?.cells[0] as UiNode;
    expect(strings(cell)).toContain(`${FSI}${MARKUP_NAME}${PDI}`);
    const types = new Set<string>();
    const collect = (node: UiNode) => {
      types.add(node.type.toLowerCase());
      node.children.forEach(collect);
    };
    collect(screen.node);
    expect(types.has('img')).toBe(false);
    expect(types.has('b')).toBe(false);
  });

  it('shows a name whole up to the 2,000 characters Bitbucket keeps; a longer one is cut there, with a tooltip', async () => {
    const { screen, rows } = await renderTests(LONG_NAME.slice(0, 2000), LONG_NAME);
    expect(LONG_NAME).toHaveLength(10_000);
    const whole = screen.within(rows[0]?.cells[0] as UiNode);
    expect(textOf(whole.all('Text')[0] as UiNode)).toBe(`${FSI}${LONG_NAME.slice(0, 2000)}${PDI}`);
    expect(whole.all('Tooltip')).toHaveLength(0);
    const cut = screen.within(rows[1]?.cells[0] as UiNode);
    expect(textOf(cut.all('Text')[0] as UiNode)).toBe(`${FSI}${LONG_NAME.slice(0, 2000)}\u2026${PDI}`);
    expect(cut.one('Tooltip').props.content).toBe(`${FSI}${LONG_NAME.slice(0, 2000)}\u2026${PDI}`);
    // The whole page never carries the full 10,000 characters, not even in the quarantine error message path.
    expect(screen.text()).not.toContain(LONG_NAME.slice(0, 2001));
  });

  it('tells apart names that differ only in whitespace the page would collapse', async () => {
    const { rows } = await renderTests('Checkout ›  charges\tonce ', 'Checkout › charges once');
    const [spaced, single] = rows.map((row) => strings(row.cells[0] as UiNode));
    expect(spaced?.[0]).toBe(`${FSI}Checkout ›  charges\tonce ${PDI}`);
    expect(spaced?.[1]).toBe(
      `${FSI}Whitespace as reported: Checkout ›\u00b7\u00b7charges\u21e5once\u00b7${PDI}`,
    );
    expect(single?.[0]).toBe(`${FSI}Checkout › charges once${PDI}`);
    expect(single?.[1]).toBe(`${FSI}Step: Integration tests${PDI}`);
  });

  it('leaves short names whole and without a tooltip', async () => {
    const { screen, rows } = await renderTests('CartTest.total');
    expect(screen.within(rows[0]?.cells[0] as UiNode).all('Tooltip')).toHaveLength(0);
  });

  it('isolates right-to-left names so they cannot reorder the text around them', async () => {
    const { rows } = await renderTests(RTL_NAME, RTL_OVERRIDE_NAME);
    const names = rows.map((row) => strings(row.cells[0] as UiNode)[0]);
    expect(names).toEqual([`${FSI}${RTL_NAME}${PDI}`, `${FSI}${RTL_OVERRIDE_NAME}${PDI}`]);
    // The isolate closes after the unterminated override, and the step line is a separate, left-to-right element.
    expect(strings(rows[1]?.cells[0] as UiNode)[1]).toBe(`${FSI}Step: Integration tests${PDI}`);
  });

  it('treats names on the pull-request panel the same way', async () => {
    const panel = aPrPanel({
      failingTests: [
        aPrFailingTest({ testId: 'a', name: MARKUP_NAME }),
        aPrFailingTest({ testId: 'b', name: LONG_NAME }),
        aPrFailingTest({ testId: 'c', name: RTL_NAME }),
      ],
    });
    const screen = await render(<PrPanel />, { getPullRequestPanel: ok(panel) });
    const firstStrings = screen.table('Failing tests').rows.map((row) => strings(row.cells[0] as UiNode)[0]);
    expect(firstStrings).toEqual([
      `${FSI}${MARKUP_NAME}${PDI}`,
      `${FSI}${LONG_NAME.slice(0, 2000)}\u2026${PDI}`,
      `${FSI}${RTL_NAME}${PDI}`,
    ]);
  });
});
