import { renderHtml } from '../../src/report/html';
import { renderReport } from '../../src/report/render';
import { anEmptyRepoReport } from '../support/ui-builders';
import { HOSTILE_NAME, LONG_NAME, RTL_NAME, aFullReport } from './report-fixture';

const count = (haystack: string, needle: RegExp): number => haystack.match(needle)?.length ?? 0;

describe('renderHtml', () => {
  const report = aFullReport();
  const html = renderHtml(report);

  it('is one self-contained page: no scripts, no external assets', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<[a-z][^>]*\ssrc=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(renderReport(report, 'html')).toBe(html);
  });

  it('escapes markup in test names so no element from the data survives', () => {
    expect(html).not.toContain('<img');
    expect(html).toContain(
      'CheckoutTest.&lt;img src=x onerror=alert(1)&gt; renders &quot;quotes&quot; &amp; &#39;apostrophes&#39;',
    );
    expect(html).not.toContain(HOSTILE_NAME);
  });

  it('links only to http(s) pipeline pages', () => {
    expect(html).not.toContain('javascript:');
    expect(html).toContain('href="https://bitbucket.org/acme/checkout-service/pipelines/results/1410"');
  });

  it('shows each name whole, with its whitespace preserved and control characters as escapes', () => {
    expect(LONG_NAME).toHaveLength(2000);
    expect(html).toContain(`<span class="u n" dir="auto">${LONG_NAME}</span>`);
    expect(html).toMatch(/\.n\{white-space:pre-wrap\}/);
    const spaced = renderHtml(
      aFullReport({ tests: [{ ...report.tests[0]!, name: 'Spaced  out\tand\u0007belled' }] }),
    );
    expect(spaced).toContain('<span class="u n" dir="auto">Spaced  out\tand\\u0007belled</span>');
  });

  it('isolates right-to-left text with dir=auto and plaintext bidi', () => {
    expect(html).toContain(`<span class="u n" dir="auto">${RTL_NAME}</span>`);
    expect(html).toMatch(/\.u\{unicode-bidi:plaintext/);
  });

  it('draws the weekly runs, the median line, the failure categories and a sparkline per step', () => {
    const runs = html.match(/<svg[^>]*aria-label="Pipelines per week[^"]*"[\s\S]*?<\/svg>/)?.[0] ?? '';
    expect(count(runs, /<rect class="bar"/g)).toBe(report.pipelines.weekly.length);
    expect(runs).toContain('fill="#c9372c"'); // 70% week is red
    expect(runs).toContain('fill="#8993a4"'); // a week without finished runs is grey
    const median =
      html.match(/<svg[^>]*aria-label="Median pipeline duration per week"[\s\S]*?<\/svg>/)?.[0] ?? '';
    expect(count(median, /<circle class="dot"/g)).toBe(
      report.pipelines.weekly.filter((w) => w.medianDurationSeconds !== undefined).length,
    );
    const categories = html.match(/<svg[^>]*aria-label="Failures by category"[\s\S]*?<\/svg>/)?.[0] ?? '';
    expect(count(categories, /<rect class="hbar"/g)).toBe(report.failureCategories.length);
    expect(count(html, /<svg class="spark"/g)).toBe(report.steps.length);
  });

  it('shows tables for steps, non-healthy tests, fingerprints and suggestions with savings', () => {
    expect(html).toContain('<span class="lozenge lozenge-regression">+25%</span>');
    expect(html).toContain('<span class="lozenge lozenge-flaky">flaky</span>');
    expect(html).toContain('<span class="lozenge lozenge-broken">broken</span>');
    expect(html).not.toContain('CartTest.adds item');
    expect(html).toMatch(/<details><summary>2 evidence<\/summary>/);
    expect(html).toContain('Saves 42 min/week, 3 failed pipelines/week, 120 build min/week');
    expect(html).toContain('38.5');
  });

  it('shows how often a test fails and how sure its verdict is in two columns, and what each saving assumes', () => {
    expect(html).toContain('<th>Fails</th><th>Confidence</th>');
    expect(html).toContain('3.8% of runs<div class="muted">7 of 184 runs</div>');
    expect(html).toContain('every run since #1405<div class="muted">9 of 40 runs</div>');
    expect(html).toContain(
      '<p class="muted">Assumes: <span class="u n" dir="auto">It fails 3.8% of runs (7 of 184): 3.8% of the 79 runs a week of &quot;Integration tests&quot; is 3 failed runs a week.</span></p>',
    );
    expect(html).not.toMatch(/<th>Score<\/th>|flakiness/i);
  });

  it('leads with the period summary when a period is given', () => {
    const weekly = renderHtml(report, 'week');
    expect(weekly).toContain('Summary of the last week');
    const summary = weekly.slice(weekly.indexOf('<section class="summary"'), weekly.indexOf('</section>'));
    expect(summary).toContain('OrderServiceIT.cancels pending order');
    expect(summary).not.toContain('com.acme.checkout.PaymentRetryIT'); // flaky for 12 days: not new this week
    expect(summary).toContain('Deploy to staging');
    expect(summary).toContain('Together these save 127 min/week, 10.5 failed pipelines/week.');
    expect(weekly.indexOf('Summary of the last week')).toBeLessThan(weekly.indexOf('<h2>Steps</h2>'));
    expect(html).not.toContain('class="summary"');
  });

  it('renders an empty repository without charts data', () => {
    const empty = renderHtml(anEmptyRepoReport());
    expect(empty).toContain('No data');
    expect(empty).toContain('No steps recorded in this window.');
    expect(empty).toContain('No suggestions');
  });
});
