/** The Code Insights report built from the PR panel's verdicts: what a reviewer sees on the pull request. */
import { buildReport } from '../../src/services/code-insights';
import type { RepoRef } from '../../src/domain/types';
import { aPrFailingTest, aPrPanel } from '../support/ui-builders';

const REPO: RepoRef = { workspace: 'acme', repoSlug: 'shop', repoUuid: 'r-1', fullName: 'acme/shop' };
const dataOf = (built: ReturnType<typeof buildReport>) =>
  Object.fromEntries(built.report.data.map((d) => [d.title, d.value]));

describe('the Code Insights report', () => {
  it('counts the failures by verdict, fails on a new one, and annotates each failing test, new first', () => {
    const built = buildReport(REPO, aPrPanel(), 1501);
    expect(built.report.details).toBe(
      '4 failures: 1 new, 1 broken on the default branch, 1 known flaky, 1 quarantined.',
    );
    expect(built.report.result).toBe('FAILED');
    expect(built.report.report_type).toBe('TEST');
    expect(dataOf(built)).toMatchObject({
      'Failed tests': 4,
      'New (likely this pull request)': 1,
      'Known flaky': 1,
      Quarantined: 1,
      'Broken on the default branch': 1,
    });
    expect(dataOf(built)['Pipeline']).toEqual({
      text: '#1501',
      href: 'https://bitbucket.org/acme/shop/pipelines/results/1501',
    });
    expect(built.report.data.length).toBeLessThanOrEqual(10);
    expect(built.annotations.map((a) => [a.summary, a.result, a.severity])).toEqual([
      ['new: CartTest.total includes shipping', 'FAILED', 'HIGH'],
      ['broken on the default branch: TaxCalculatorTest.rounds half-even for EUR', 'FAILED', 'MEDIUM'],
      ['known flaky: com.acme.checkout.PaymentRetryIT.retries declined card once', 'IGNORED', 'LOW'],
      ['quarantined: LegacyExportTest.writes csv', 'IGNORED', 'LOW'],
    ]);
    expect(new Set(built.annotations.map((a) => a.external_id)).size).toBe(4);
    expect(built.annotations[0]?.details).toContain('Failed on this branch only');
  });

  it('passes when every failure is explained (known flaky, quarantined, broken on the default branch)', () => {
    const panel = aPrPanel();
    const built = buildReport(
      REPO,
      { ...panel, failingTests: panel.failingTests.filter((t) => t.verdict !== 'new') },
      1501,
    );
    expect(built.report.details).toBe(
      '3 failures: 1 broken on the default branch, 1 known flaky, 1 quarantined.',
    );
    expect(built.report.result).toBe('PASSED');
  });

  it('fails on a failed step without test results unless it is an infrastructure failure', () => {
    const build = buildReport(
      REPO,
      aPrPanel({
        failingTests: [],
        otherFailures: [{ step: 'Build', category: 'build', message: 'tsc: 3 errors' }],
      }),
      9,
    );
    expect(build.report.details).toBe('Step "Build" failed (build): tsc: 3 errors.');
    expect(build.report.result).toBe('FAILED');
    const infra = buildReport(
      REPO,
      aPrPanel({ failingTests: [], otherFailures: [{ step: 'Deploy', category: 'infrastructure' }] }),
      9,
    );
    expect(infra.report.result).toBe('PASSED');
    const unnamed = buildReport(REPO, aPrPanel({ failingTests: [], unnamedFailures: 3 }), 9);
    expect(unnamed.report.details).toBe('3 failures: 3 more not named.');
    expect(unnamed.report.result).toBe('FAILED');
  });

  it('when all is green, says so and annotates the flaky tests the run hit anyway', () => {
    const built = buildReport(
      REPO,
      aPrPanel({ failingTests: [], flakyHits: [aPrFailingTest({ verdict: 'known-flaky' })] }),
      9,
    );
    expect(built.report.details).toBe('All tests passed. 1 known flaky test failed and passed on rerun.');
    expect(built.report.result).toBe('PASSED');
    expect(built.annotations.map((a) => [a.summary, a.result])).toEqual([
      ['flaky, passed on rerun: CartTest.total includes shipping', 'PASSED'],
    ]);
    expect(dataOf(built)['Flaky tests hit, passed on rerun']).toBe(1);
  });

  it('carries each name verbatim, cut with a visible mark only where the summary ends, whole in the details', () => {
    const spaced = 'Checkout ›  charges the card\tonce ';
    const long = `Parameterised.${'case with a very long parameter list '.repeat(13)}end`;
    const longest = `Longest.${'x'.repeat(1992)}`;
    const built = buildReport(
      REPO,
      aPrPanel({
        failingTests: [
          aPrFailingTest({ testId: 'a', name: spaced }),
          aPrFailingTest({ testId: 'b', name: long }),
          aPrFailingTest({ testId: 'c', name: longest }),
        ],
      }),
      9,
    );
    const [a, b, c] = built.annotations;
    expect(a?.summary).toBe(`new: ${spaced}`);
    expect(a?.details.startsWith(`${spaced}\n\nStep "Unit tests".`)).toBe(true);
    // 498 characters: whole in the details, cut in the 450-character summary with the cut said.
    expect(long).toHaveLength(498);
    expect(b?.summary).toHaveLength(450);
    expect(b?.summary).toMatch(/^new: Parameterised\.case with .*… \(name cut at \d+ of 498 chars\)$/);
    expect(long.startsWith((b?.summary ?? '').slice('new: '.length, (b?.summary ?? '').indexOf('…')))).toBe(
      true,
    );
    expect(b?.details.startsWith(`${long}\n\n`)).toBe(true);
    // 2,000 characters fill the details on their own: cut there too, and marked.
    expect(longest).toHaveLength(2000);
    expect(c?.details).toHaveLength(2000);
    expect(c?.details).toMatch(/^Longest\.x+… \(details cut at \d+ of \d+ chars\)$/);
  });

  it('keeps hostile names within the API limits and at most 1,000 annotations', () => {
    const hostile = aPrFailingTest({
      name: `<script>alert(1)</script>\u0000\u001b[31m${'\u202e'.repeat(10_000)}`,
    });
    const many = Array.from({ length: 1200 }, (_, i) =>
      aPrFailingTest({ testId: `t${i}`, name: `test ${i}` }),
    );
    const built = buildReport(REPO, aPrPanel({ failingTests: [hostile, ...many] }), 9);
    expect(built.annotations).toHaveLength(1000);
    const first = built.annotations[0];
    expect([...(first?.summary ?? '')].length).toBeLessThanOrEqual(450);
    expect(first?.summary).toContain('<script>alert(1)</script>');
    expect([...(first?.summary ?? '')].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(built.report.details.length).toBeLessThanOrEqual(2000);
  });
});
