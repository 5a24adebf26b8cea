import { generateWorkspace } from '../../src/sim/scenario';
import type { SimWorkspace } from '../../src/sim/model';

export const NOW = new Date('2026-03-02T12:00:00Z');

let cached: string | undefined;

/** One generated workspace per test file, copied so tests can mutate it (advance). */
export function workspace(): SimWorkspace {
  cached ??= JSON.stringify(generateWorkspace({ seed: 7, now: NOW }));
  return JSON.parse(cached) as SimWorkspace;
}

export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

export interface Page<T> {
  page: number;
  pagelen: number;
  size: number;
  values: T[];
  next?: string;
}

/** Follows `next` links; returns every value and the number of pages read. */
export async function allPages<T>(url: string): Promise<{ values: T[]; pages: number }> {
  const values: T[] = [];
  let pages = 0;
  for (let next: string | undefined = url; next; pages++) {
    const { status, body } = await getJson(next);
    if (status !== 200) throw new Error(`GET ${next} → ${status}`);
    const page = body as Page<T>;
    values.push(...page.values);
    next = page.next;
  }
  return { values, pages };
}
