import { pieSlices, readDatum, seriesTable } from '../../src/preview/host/chart-data';

describe('chart data for recharts', () => {
  it('reads array rows by index and object rows by key', () => {
    expect(readDatum(['2026-02-02', 12], 1)).toBe(12);
    expect(readDatum({ week: '2026-02-02' }, 'week')).toBe('2026-02-02');
    expect(readDatum(['a'], 'week')).toBeUndefined();
  });

  it('names the single series after the y accessor and skips rows without a number', () => {
    const table = seriesTable(
      [
        { week: 'w1', minutes: 10 },
        { week: 'w2', minutes: 'n/a' },
        { week: 'w3', minutes: '7' },
      ],
      'week',
      'minutes',
    );
    expect(table).toEqual({
      rows: [
        { x: 'w1', minutes: 10 },
        { x: 'w3', minutes: 7 },
      ],
      series: ['minutes'],
    });
  });

  it('pivots a colour accessor into one field per series, one row per x value', () => {
    const data = [
      ['w1', 5, 'Build'],
      ['w1', 8, 'Test'],
      ['w2', 6, 'Build'],
    ];
    expect(seriesTable(data, 0, 1, 2)).toEqual({
      rows: [
        { x: 'w1', Build: 5, Test: 8 },
        { x: 'w2', Build: 6 },
      ],
      series: ['Build', 'Test'],
    });
  });

  it('builds pie slices with their colour group', () => {
    const data = [{ cause: 'test', n: 14 }, { cause: 'infrastructure', n: 6 }, { cause: 'none' }];
    expect(pieSlices(data, 'cause', 'n', 'cause')).toEqual([
      { label: 'test', value: 14, group: 'test' },
      { label: 'infrastructure', value: 6, group: 'infrastructure' },
    ]);
  });
});
