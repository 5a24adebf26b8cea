/** The Steps tab: where pipeline time goes, which steps got slower, how long they queue, and the critical path. */
import { Heading, LineChart, Stack, Text } from '@forge/react';
import type { RepoReport, StepReport } from '../../contract/insights';
import { formatChange, isolate } from '../format';
import { CriticalPath } from './critical-path';
import { EmptyNotice } from './status-messages';
import { StepTable } from './step-table';

/** More lines than this make the trend chart unreadable; the steps that cost the most are the ones worth a line. */
const TREND_STEPS = 6;

export function StepsTab({ report }: { report: RepoReport }) {
  if (report.steps.length === 0) {
    return (
      <EmptyNotice
        header="No step timings yet"
        description="Step durations appear once a pipeline with at least one finished step has been recorded."
      />
    );
  }
  const regressions = report.steps.filter((step) => step.regression !== undefined);
  return (
    <Stack space="space.300">
      {regressions.length > 0 && (
        <Text>{`Getting slower: ${regressions.map((step) => `${isolate(step.name)} (${formatChange(step.regression?.change ?? 0)})`).join(', ')}`}</Text>
      )}
      <StepTable steps={report.steps} />
      <StepTrend steps={report.steps} />
      <CriticalPath path={report.criticalPath} />
    </Stack>
  );
}

function StepTrend({ steps }: { steps: StepReport[] }) {
  const costly = [...steps].sort((a, b) => b.buildMinutes - a.buildMinutes).slice(0, TREND_STEPS);
  const data = costly.flatMap((step) =>
    step.trend
      .filter((point) => point.p50Seconds !== undefined)
      .map((point) => ({
        week: point.week,
        step: step.name,
        minutes: Math.round(((point.p50Seconds ?? 0) / 60) * 10) / 10,
      })),
  );
  const weeks = new Set(data.map((point) => point.week));
  return (
    <Stack space="space.100">
      <Heading size="small">Median step time per week</Heading>
      {weeks.size < 2 ? (
        <Text>The trend appears once steps have run over two weeks.</Text>
      ) : (
        <LineChart
          data={data}
          xAccessor="week"
          yAccessor="minutes"
          colorAccessor="step"
          width={860}
          height={280}
        />
      )}
    </Stack>
  );
}
