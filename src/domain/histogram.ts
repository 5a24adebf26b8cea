/**
 * Fixed log-scale histograms for durations: bounded (BUCKETS counts whatever the history), mergeable by adding
 * counts, and good to about ±7% for quantiles (each bucket spans a factor of 1.15).
 * Bucket 0 holds values < 1 s; bucket i (1..N-1) holds [1.15^(i-1), 1.15^i) seconds; the last bucket is open.
 */
export const BUCKETS = 72; // 1.15^71 ≈ 20,500 s ≈ 5.7 h; longer values land in the last bucket
const FACTOR = 1.15;
const LOG_FACTOR = Math.log(FACTOR);

/** Counts per bucket; trailing zeros may be trimmed when stored. */
export type Histogram = number[];

export function emptyHistogram(): Histogram {
  return [];
}

export function bucketOf(seconds: number): number {
  if (!(seconds >= 1)) return 0;
  const i = Math.floor(Math.log(seconds) / LOG_FACTOR) + 1;
  return Math.min(BUCKETS - 1, i);
}

function bucketBounds(i: number): [number, number] {
  if (i === 0) return [0, 1];
  return [Math.pow(FACTOR, i - 1), Math.pow(FACTOR, i)];
}

export function addToHistogram(h: Histogram, seconds: number, count = 1): Histogram {
  const out = h.slice();
  const i = bucketOf(seconds);
  while (out.length <= i) out.push(0);
  out[i] = (out[i] ?? 0) + count;
  return out;
}

export function mergeHistograms(a: Histogram, b: Histogram): Histogram {
  const out: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) out.push((a[i] ?? 0) + (b[i] ?? 0));
  return out;
}

export function histogramCount(h: Histogram): number {
  return h.reduce((s, c) => s + c, 0);
}

/** Quantile q (0..1), interpolated geometrically inside the bucket; undefined for an empty histogram. */
export function quantile(h: Histogram, q: number): number | undefined {
  const total = histogramCount(h);
  if (total === 0) return undefined;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < h.length; i++) {
    const c = h[i] ?? 0;
    if (c === 0) continue;
    if (seen + c >= rank) {
      const [lo, hi] = bucketBounds(i);
      const within = c === 0 ? 0.5 : Math.min(1, Math.max(0, (rank - seen) / c));
      if (i === 0) return lo + (hi - lo) * within;
      return lo * Math.pow(hi / lo, within);
    }
    seen += c;
  }
  const [lo] = bucketBounds(h.length - 1);
  return lo;
}
