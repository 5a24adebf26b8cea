/** Draws from the scenario's ranges with the project's seeded PRNG (the same seed, the same history). */
import { createRng, type Rng } from '../../src/sim/prng';
import type { Range } from './scenario';

export { createRng, type Rng };

export function draw(rng: Rng, r: Range): number {
  if (typeof r === 'number') return r;
  const [min, max] = r;
  return min + rng.next() * (max - min);
}

export function drawInt(rng: Rng, r: Range): number {
  if (typeof r === 'number') return Math.round(r);
  return rng.int(Math.round(r[0]), Math.round(r[1]));
}

/** Fisher–Yates on a copy. */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
export const iso = (ms: number): string => new Date(ms).toISOString();
