/**
 * ISO-8601 durations as Bitbucket writes test case durations (`PT0.1S`, `PT1M2.5S`). Only days and time parts:
 * years and months have no fixed length and do not occur in test timings.
 */
const ISO_DURATION =
  /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

const MS_PER = { day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 };

/** Milliseconds, rounded; undefined when `text` is not such a duration (`P`, `PT`, `1.5`, `P1Y`). */
export function parseIsoDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  const match = ISO_DURATION.exec(trimmed);
  if (!match || trimmed === 'P' || trimmed.endsWith('T')) return undefined;
  const [, days, hours, minutes, seconds] = match;
  if (days === undefined && hours === undefined && minutes === undefined && seconds === undefined)
    return undefined;
  const total =
    Number(days ?? 0) * MS_PER.day +
    Number(hours ?? 0) * MS_PER.hour +
    Number(minutes ?? 0) * MS_PER.minute +
    Number(seconds ?? 0) * MS_PER.second;
  return Math.round(total);
}
