/**
 * Flaky, broken and fixed tests with their evidence and actions. Sorting is DynamicTable's own, on each cell's `key`;
 * rows arrive broken first, then flaky by score, which is the order worth reading in. Cell contents are hook-free
 * components because DynamicTable calls a cell's root component as a plain function.
 */
import { Button, DynamicTable, Inline, Stack, Text } from '@forge/react';
import type { TestClassification, TestReport } from '../../contract/insights';
import { formatCount, formatPercent, formatRelative, shortCommit } from '../format';
import type { JiraState } from '../use-jira-issues';
import { EvidenceList } from './evidence-list';
import { JiraAction } from './jira-action';
import { ClassificationLozenge, QuarantinedLozenge } from './labels';
import { cellKey, timeKey } from './table-keys';
import { TestNameText } from './untrusted-text';

export interface TestsTableProps {
  tests: TestReport[];
  isLoading: boolean;
  isQuarantined: (test: TestReport) => boolean;
  isPending: (test: TestReport) => boolean;
  jira: (test: TestReport) => JiraState | undefined;
  onQuarantine: (test: TestReport, quarantined: boolean) => void;
  onCreateJira: (test: TestReport) => void;
  /** The viewer may quarantine (write access to the repository); read-only viewers get no quarantine button. */
  canChange?: boolean;
}

const READING_ORDER: Record<TestClassification, number> = { broken: 0, flaky: 1, fixed: 2, healthy: 3 };

export function sortForReading(tests: TestReport[]): TestReport[] {
  return [...tests].sort(
    (a, b) =>
      READING_ORDER[a.classification] - READING_ORDER[b.classification] ||
      b.flakinessScore - a.flakinessScore ||
      b.failures - a.failures,
  );
}

const HEAD = {
  cells: [
    { key: 'name', content: 'Test', isSortable: true },
    { key: 'label', content: 'Label', isSortable: true },
    { key: 'score', content: 'Flakiness', isSortable: true },
    { key: 'failures', content: 'Failures', isSortable: true },
    { key: 'lastFailure', content: 'Last failure', isSortable: true },
    { key: 'evidence', content: 'Evidence' },
    { key: 'actions', content: 'Actions' },
  ],
};

export function TestsTable(props: TestsTableProps) {
  const rows = sortForReading(props.tests).map((test) => ({
    key: test.id,
    cells: [
      { key: cellKey('name', test.name), content: <TestName test={test} /> },
      {
        key: cellKey('label', READING_ORDER[test.classification]),
        content: <TestLabels test={test} quarantined={props.isQuarantined(test)} />,
      },
      { key: cellKey('score', test.flakinessScore * 1000), content: formatPercent(test.flakinessScore) },
      {
        key: cellKey('failures', test.failures),
        content: `${formatCount(test.failures)} of ${formatCount(test.runs)} runs`,
      },
      {
        key: cellKey('lastFailure', timeKey(test.lastFailureAt)),
        content: formatRelative(test.lastFailureAt),
      },
      { key: cellKey('evidence', test.id), content: <EvidenceList items={test.evidence} /> },
      { key: cellKey('actions', test.id), content: <TestActions test={test} {...props} /> },
    ],
  }));
  return (
    <DynamicTable caption="Tests" head={HEAD} rows={rows} rowsPerPage={20} isLoading={props.isLoading} />
  );
}

function TestName({ test }: { test: TestReport }) {
  return <TestNameText name={test.name} step={test.step} />;
}

function TestLabels({ test, quarantined }: { test: TestReport; quarantined: boolean }) {
  const note = since(test);
  return (
    <Stack space="space.050">
      <Inline space="space.050">
        <ClassificationLozenge classification={test.classification} />
        {quarantined && <QuarantinedLozenge />}
      </Inline>
      {note !== undefined && <Text size="small">{note}</Text>}
    </Stack>
  );
}

function since(test: TestReport): string | undefined {
  if (test.classification === 'broken' && test.brokenSince) {
    return `Broken since #${test.brokenSince.pipeline} (${shortCommit(test.brokenSince.commit)})`;
  }
  if (test.classification === 'flaky' && test.flakySince) {
    return `Flaky since #${test.flakySince.pipeline} (${shortCommit(test.flakySince.commit)})`;
  }
  if (test.classification === 'fixed' && test.fixedAt) return `Fixed ${formatRelative(test.fixedAt)}`;
  return undefined;
}

/** Quarantine is offered for flaky tests (and to undo it); a broken test needs a fix, not hiding. */
function TestActions({
  test,
  isQuarantined,
  isPending,
  jira,
  onQuarantine,
  onCreateJira,
  canChange = true,
}: TestsTableProps & { test: TestReport }) {
  const quarantined = isQuarantined(test);
  return (
    <Stack space="space.050">
      {(quarantined || test.classification === 'flaky') && canChange && (
        <Button
          spacing="compact"
          isDisabled={isPending(test)}
          onClick={() => onQuarantine(test, !quarantined)}
        >
          {quarantined ? 'Unquarantine' : 'Quarantine'}
        </Button>
      )}
      <JiraAction state={jira(test)} onCreate={() => onCreateJira(test)} />
    </Stack>
  );
}
