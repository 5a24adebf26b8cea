/** How a suggestion's estimated impact reads, e.g. "saves 42 min of waiting and 120 build min a week". */
import type { Impact } from '../../contract/insights';
import { formatCount } from '../format';

export function savingsText(impact: Impact): string {
  const parts: string[] = [];
  if (impact.minutesPerWeek !== undefined) parts.push(`${formatCount(impact.minutesPerWeek)} min of waiting`);
  if (impact.buildMinutesPerWeek !== undefined)
    parts.push(`${formatCount(impact.buildMinutesPerWeek)} build min`);
  if (impact.failedPipelinesPerWeek !== undefined) {
    parts.push(`${formatCount(impact.failedPipelinesPerWeek)} failed pipelines`);
  }
  return parts.length === 0 ? 'No estimate' : `Saves ${parts.join(', ')} a week`;
}

/** One number to sort by: minutes people wait count double against build minutes, a failed pipeline as ten. */
export function savingsWeight(impact: Impact): number {
  return (
    (impact.minutesPerWeek ?? 0) * 2 +
    (impact.buildMinutesPerWeek ?? 0) +
    (impact.failedPipelinesPerWeek ?? 0) * 10
  );
}
