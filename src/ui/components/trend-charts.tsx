/**
 * Weekly trends with UI Kit's own charts (success rate, median pipeline time, build minutes). A trend needs two
 * points; with less the charts would draw a lone dot, so a sentence says when they will appear instead.
 */
import { BarChart, Inline, LineChart, Text } from '@forge/react';
import type { PipelineHealth } from '../../contract/insights';

const CHART_WIDTH = 420;
const CHART_HEIGHT = 240;

export function TrendCharts({ weekly }: { weekly: PipelineHealth['weekly'] }) {
  if (weekly.length < 2) {
    return <Text>Trends appear once the app has recorded pipelines over two weeks.</Text>;
  }
  const successRate = weekly
    .filter((week) => week.successRate !== undefined)
    .map((week) => ({ week: week.week, percent: Math.round((week.successRate ?? 0) * 1000) / 10 }));
  const duration = weekly
    .filter((week) => week.medianDurationSeconds !== undefined)
    .map((week) => ({
      week: week.week,
      minutes: Math.round(((week.medianDurationSeconds ?? 0) / 60) * 10) / 10,
    }));
  const minutes = weekly.map((week) => ({ week: week.week, minutes: Math.round(week.buildMinutes) }));
  return (
    <Inline space="space.200" shouldWrap>
      <LineChart
        title="Success rate (%)"
        data={successRate}
        xAccessor="week"
        yAccessor="percent"
        width={CHART_WIDTH}
        height={CHART_HEIGHT}
      />
      <LineChart
        title="Median pipeline time (minutes)"
        data={duration}
        xAccessor="week"
        yAccessor="minutes"
        width={CHART_WIDTH}
        height={CHART_HEIGHT}
      />
      <BarChart
        title="Build minutes per week"
        data={minutes}
        xAccessor="week"
        yAccessor="minutes"
        width={CHART_WIDTH}
        height={CHART_HEIGHT}
      />
    </Inline>
  );
}
