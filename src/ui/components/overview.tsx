/** The Overview tab: pipeline health in numbers, weekly trends, and the three suggestions worth doing first. */
import { Heading, Inline, Stack, Text } from '@forge/react';
import type { PipelineHealth, RepoReport, Suggestion } from '../../contract/insights';
import { formatCount, formatDuration, formatHours, formatMinutes, formatPercent } from '../format';
import { PRIORITY_RANK, PriorityLozenge } from './labels';
import { savingsText, savingsWeight } from './savings';
import { StatTile } from './stat-tile';
import { TrendCharts } from './trend-charts';
import { UntrustedText } from './untrusted-text';

export function Overview({ report }: { report: RepoReport }) {
  return (
    <Stack space="space.300">
      <HealthSummary health={report.pipelines} />
      <TrendCharts weekly={report.pipelines.weekly} />
      <TopSuggestions suggestions={report.suggestions} />
    </Stack>
  );
}

function HealthSummary({ health }: { health: PipelineHealth }) {
  const finished = health.total - health.stopped;
  return (
    <Inline space="space.200" shouldWrap>
      <StatTile
        label="Success rate"
        value={formatPercent(health.successRate)}
        detail={`${formatCount(health.successful)} of ${formatCount(finished)} finished pipelines, each by its final run`}
      />
      <StatTile
        label="Reruns"
        value={formatCount(health.reruns)}
        detail={`of ${formatCount(health.total)} pipelines rerun ("Rerun failed steps"), ${formatCount(health.rerunAttempts)} reruns in all`}
      />
      <StatTile label="Median pipeline time" value={formatDuration(health.medianDurationSeconds)} />
      <StatTile label="95th percentile time" value={formatDuration(health.p95DurationSeconds)} />
      <StatTile label="Build minutes" value={formatMinutes(health.buildMinutes)} />
      <StatTile
        label="Time to recover"
        value={formatHours(health.mttrHours)}
        detail="From a red default branch to the next green run"
      />
    </Inline>
  );
}

/** Open work first, then by priority, then by what it saves. */
export function topSuggestions(suggestions: Suggestion[], count: number): Suggestion[] {
  return suggestions
    .filter((suggestion) => suggestion.status === 'open' || suggestion.status === 'in-progress')
    .sort(
      (a, b) =>
        PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
        savingsWeight(b.impact) - savingsWeight(a.impact),
    )
    .slice(0, count);
}

function TopSuggestions({ suggestions }: { suggestions: Suggestion[] }) {
  const top = topSuggestions(suggestions, 3);
  return (
    <Stack space="space.100">
      <Heading size="small">Fix these first</Heading>
      {top.length === 0 ? (
        <Text>No open suggestions: nothing in the recorded pipelines stands out.</Text>
      ) : (
        top.map((suggestion) => (
          <Inline key={suggestion.id} space="space.100" alignBlock="center" shouldWrap>
            <PriorityLozenge priority={suggestion.priority} />
            <UntrustedText text={suggestion.title} weight="medium" />
            <Text color="color.text.subtle">{savingsText(suggestion.impact)}</Text>
          </Inline>
        ))
      )}
    </Stack>
  );
}
