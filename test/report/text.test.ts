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
