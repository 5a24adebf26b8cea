/** Calendar helpers: weeks are ISO weeks starting on Monday, named by their Monday (`YYYY-MM-DD`, UTC). */

export function weekOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`not a date: ${iso.slice(0, 40)}`);
  const day = (d.getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day));
  return monday.toISOString().slice(0, 10);
}

export function secondsBetween(fromIso: string | undefined, toIso: string | undefined): number | undefined {
  if (!fromIso || !toIso) return undefined;
  const s = (Date.parse(toIso) - Date.parse(fromIso)) / 1000;
  return Number.isFinite(s) ? s : undefined;
}

export function daysAgo(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 86_400_000);
}
