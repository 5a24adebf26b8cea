/**
 * UI Kit's DynamicTable uses each cell's `key` twice: as the React key of the cell within its row, and as the value
 * the host sorts the column by (strings go through `Intl.Collator` with `numeric: true`). Two cells of one row with
 * the same key collide and can be dropped, so every key carries its column: `failures:9` still sorts before
 * `failures:120`. The collator reads runs of digits as whole numbers, so values are rounded non-negative integers:
 * scale fractions first (a score of 0.93 as 930).
 */
export function cellKey(column: string, value: string | number): string {
  return typeof value === 'number' ? `${column}:${Math.max(0, Math.round(value))}` : `${column}:${value}`;
}

/** A date as a sortable number; a missing or unreadable date sorts first. */
export function timeKey(iso: string | undefined): number {
  const at = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(at) ? 0 : at;
}
