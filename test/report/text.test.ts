import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderText } from '../../src/report/text';
import { aFullReport } from './report-fixture';

const GOLDEN_DIR = join(__dirname, '..', 'fixtures', 'report');

/** Compares with the golden file; `UPDATE_GOLDEN=1 npx jest test/report` rewrites it. */
function expectGolden(file: string, actual: string): void {
  const path = join(GOLDEN_DIR, file);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('renderText', () => {
  const report = aFullReport();

  it('lists suggestions with their estimated savings', () => {
    const text = renderText(report);
    expect(text).toContain(
      '[high] Quarantine PaymentRetryIT.retries declined card once — saves 42 min/week, 3 failed pipelines/week',
    );
    expect(text).toContain('[medium] Give Build a 4x step size — saves 1.5 failed pipelines/week');
    expect(text).toContain('[high] Cache the Docker layers — saves 90 min/week (done)');
  });

  it('shows each name whole and verbatim, with control characters written as escapes, never sent to the terminal', () => {
    const evil = `Evil\u001b[31mTest  with\ttab ${'x'.repeat(1980)}`;
    const text = renderText(
      aFullReport({
        tests: [
          { ...report.tests[0]!, name: evil },
          { ...report.tests[0]!, id: 'two', name: 'Spaced  out' },
          { ...report.tests[0]!, id: 'one', name: 'Spaced out' },
        ],
      }),
    );
    expect(text).not.toContain('\u001b');
    expect(text).toContain(`Evil\\u001b[31mTest  with\\ttab ${'x'.repeat(1980)}  `);
    expect(text).toContain(' Spaced  out  ');
    expect(text).toContain(' Spaced out  ');
  });

  it('says how often a test fails and how sure its verdict is as two figures, and what each saving assumes', () => {
    const text = renderText(report);
    expect(text).toContain(
      'FLAKY   com.acme.checkout.PaymentRetryIT.retries declined card once  fails 3.8% of runs (7 of 184); confidence 93% that it is flaky, flaky since #1320',
    );
    expect(text).toContain(
      'BROKEN  TaxCalculatorTest.rounds half-even for EUR  fails every run since #1405 (9 of 40 runs failed); confidence 96% that it is broken',
    );
    expect(text).not.toMatch(/score|flakiness/i);
    expect(text).toContain(
      '      assumes: It fails 3.8% of runs (7 of 184): 3.8% of the 79 runs a week of "Integration tests" is 3 failed runs a week.',
    );
  });

  it('shows C1 controls and bidirectional overrides escaped, in every section', () => {
    const name = 'Pay\u009b31mment \u202eevil\u202c \u2066iso\u2069 ok';
    const shown = 'Pay\\u009b31mment \\u202eevil\\u202c \\u2066iso\\u2069 ok';
    const text = renderText(
      aFullReport({
        tests: [{ ...report.tests[0]!, name }],
        steps: [{ ...report.steps[0]!, name }],
        suggestions: [{ ...report.suggestions[0]!, title: name }],
      }),
      'week',
    );
    expect(text).not.toMatch(/[\u0080-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain(`FLAKY   ${shown}`);
    expect(text).toContain(`[high] ${shown}`);
    expect(text.split(shown).length).toBeGreaterThan(3);
  });

  it('leads with the period summary', () => {
    const text = renderText(report, 'week');
    expect(text.indexOf('Summary of the last week')).toBeLessThan(text.indexOf('\nSteps'));
    expect(text).toContain('New flaky tests (2)');
    expect(text).toContain('Top suggestions — together save 127 min/week, 10.5 failed pipelines/week');
  });

  it('matches the golden report', () => {
    expectGolden('report.txt', renderText(report));
  });

  it('matches the golden weekly summary', () => {
    expectGolden('report-week.txt', renderText(report, 'week'));
  });
});
