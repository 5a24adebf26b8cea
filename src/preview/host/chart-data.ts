/**
 * UI Kit charts take `data` as rows (arrays or objects) plus accessors (an index or a key) for x, y and an optional
 * colour grouping. Recharts wants one object per x value with one numeric field per series; these functions
 * reshape the first into the second.
 */
export type Accessor = string | number;
export type ChartRow = Record<string, string | number>;

export interface SeriesTable {
  rows: ChartRow[];
  /** Series names, in first-seen order; each is a numeric field of every row that has it. */
  series: string[];
}

export interface PieSlice {
  label: string;
  value: number;
  group: string;
}

/** The field of a row an accessor points at: an index into an array row, a key of an object row. */
export function readDatum(row: unknown, accessor: Accessor): unknown {
  if (Array.isArray(row)) return typeof accessor === 'number' ? row[accessor] : undefined;
  if (typeof row === 'object' && row !== null) return (row as Record<string, unknown>)[String(accessor)];
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** The x field is named `x`; series are named by colour value, or by the y accessor without grouping. */
export function seriesTable(
  data: readonly unknown[],
  x: Accessor,
  y: Accessor,
  color?: Accessor,
): SeriesTable {
  const byX = new Map<string, ChartRow>();
  const series: string[] = [];
  const fallbackSeries = typeof y === 'string' ? y : 'value';
  for (const datum of data) {
    const xValue = readDatum(datum, x);
    const yValue = asNumber(readDatum(datum, y));
    if (xValue === undefined || xValue === null || yValue === undefined) continue;
    const name = color === undefined ? fallbackSeries : String(readDatum(datum, color) ?? fallbackSeries);
    if (!series.includes(name)) series.push(name);
    const xKey = String(xValue);
    const row = byX.get(xKey) ?? { x: typeof xValue === 'number' ? xValue : xKey };
    row[name] = yValue;
    byX.set(xKey, row);
  }
  return { rows: [...byX.values()], series };
}

export function pieSlices(
  data: readonly unknown[],
  label: Accessor,
  value: Accessor,
  color: Accessor,
): PieSlice[] {
  const slices: PieSlice[] = [];
  for (const datum of data) {
    const amount = asNumber(readDatum(datum, value));
    if (amount === undefined) continue;
    const name = String(readDatum(datum, label) ?? '');
    slices.push({ label: name, value: amount, group: String(readDatum(datum, color) ?? name) });
  }
  return slices;
}

/** A colour-blind-safe palette close to Atlassian's data-visualisation colours. */
export const CHART_PALETTE = [
  '#1D7AFC',
  '#E2B203',
  '#6A9A23',
  '#C97CF4',
  '#FCA700',
  '#2898BD',
  '#F87168',
  '#8590A2',
];

export function paletteColor(index: number, palette: readonly string[] = CHART_PALETTE): string {
  return palette[index % palette.length] ?? '#1D7AFC';
}
