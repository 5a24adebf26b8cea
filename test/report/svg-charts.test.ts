import {
  barChart,
  horizontalBarChart,
  lineChart,
  sparkline,
  successColour,
} from '../../src/report/svg-charts';

describe('svg charts', () => {
  it('draws one bar per point, scaled to the largest, coloured by success rate', () => {
    const svg = barChart('Runs', [
      { label: '02-23', value: 50, successRate: 0.95 },
      { label: '03-02', value: 100, successRate: 0.8 },
      { label: '03-09', value: 25, successRate: 0.5 },
    ]);
    const heights = [
      ...svg.matchAll(
        /<rect class="bar" x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="([^"]+)"/g,
      ),
    ];
    expect(heights.map((m) => m[2])).toEqual([successColour(0.95), successColour(0.8), successColour(0.5)]);
    const [a, b, c] = heights.map((m) => Number(m[1]));
    expect(b).toBeCloseTo(2 * (a ?? 0), 0);
    expect(c).toBeCloseTo((a ?? 0) / 2, 0);
  });

  it('escapes labels', () => {
    expect(horizontalBarChart('<b>', [{ label: '<script>', value: 1 }])).not.toMatch(/<script|<b>/);
  });

  it('breaks the line where a value is missing', () => {
    const svg = lineChart('Median', [
      { label: 'a', value: 1 },
      { label: 'b', value: 2 },
      { label: 'c' },
      { label: 'd', value: 3 },
      { label: 'e', value: 2 },
    ]);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(4);
  });

  it('draws nothing for a sparkline without values and a flat line for constant values', () => {
    expect(sparkline('t', [undefined, undefined])).toBe('');
    expect(sparkline('t', [5, 5, 5])).toContain('points="2,12 48,12 94,12"');
  });

  it('says so when there is no data', () => {
    expect(barChart('Runs', [])).toContain('No data');
    expect(lineChart('Median', [{ label: 'a' }])).toContain('No data');
  });
});
