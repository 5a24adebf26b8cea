/** Per-step durations, queue wait, reruns and cost, with a regression flag where a step got slower. Hook-free cells. */
import { DynamicTable, Lozenge, Stack, Text } from '@forge/react';
import type { StepRegression, StepReport } from '../../contract/insights';
import { formatChange, formatCount, formatDuration, formatMinutes, formatPercent } from '../format';
import { cellKey } from './table-keys';
import { UntrustedText } from './untrusted-text';

const HEAD = {
  cells: [
    { key: 'name', content: 'Step', isSortable: true },
    { key: 'runs', content: 'Runs', isSortable: true },
    { key: 'success', content: 'Success', isSortable: true },
    { key: 'p50', content: 'Median (p50)', isSortable: true },
    { key: 'p95', content: 'p95', isSortable: true },
    { key: 'queue', content: 'Queue wait p50 / p95', isSortable: true },
    { key: 'reruns', content: 'Reruns', isSortable: true },
    { key: 'minutes', content: 'Build minutes', isSortable: true },
    { key: 'trend', content: 'Trend', isSortable: true },
  ],
};

export function StepTable({ steps }: { steps: StepReport[] }) {
  const rows = [...steps]
    .sort((a, b) => b.buildMinutes - a.buildMinutes)
    .map((step) => ({
      key: step.name,
      cells: [
        { key: cellKey('name', step.name), content: <StepName step={step} /> },
        { key: cellKey('runs', step.runs), content: formatCount(step.runs) },
        { key: cellKey('success', step.successRate * 1000), content: formatPercent(step.successRate) },
        { key: cellKey('p50', step.p50Seconds ?? 0), content: formatDuration(step.p50Seconds) },
        { key: cellKey('p95', step.p95Seconds ?? 0), content: formatDuration(step.p95Seconds) },
        {
          key: cellKey('queue', step.queueP50Seconds ?? 0),
          content: `${formatDuration(step.queueP50Seconds)} / ${formatDuration(step.queueP95Seconds)}`,
        },
        { key: cellKey('reruns', step.reruns), content: formatCount(step.reruns) },
        { key: cellKey('minutes', step.buildMinutes), content: formatMinutes(step.buildMinutes) },
        {
          key: cellKey('trend', (step.regression?.change ?? 0) * 1000),
          content: <RegressionCell regression={step.regression} />,
        },
      ],
    }));
  return <DynamicTable caption="Steps" head={HEAD} rows={rows} rowsPerPage={25} />;
}

function StepName({ step }: { step: StepReport }) {
  return (
    <Stack space="space.025">
      <UntrustedText text={step.name} weight="medium" />
      {step.sizeMultiplier > 1 && <Text size="small">{`Size ${step.sizeMultiplier}x`}</Text>}
    </Stack>
  );
}

function RegressionCell({ regression }: { regression?: StepRegression }) {
  if (!regression) return <Text>Steady</Text>;
  const commit = regression.firstAffectedCommit ? ` (${regression.firstAffectedCommit})` : '';
  const from =
    regression.firstAffectedPipeline !== undefined
      ? ` since #${regression.firstAffectedPipeline}${commit}`
      : '';
  return (
    <Stack space="space.025">
      <Lozenge appearance="removed">{`${formatChange(regression.change)} slower`}</Lozenge>
      <Text size="small">
        {`${formatDuration(regression.baselineP50Seconds)} \u2192 ${formatDuration(regression.recentP50Seconds)}${from}`}
      </Text>
    </Stack>
  );
}
