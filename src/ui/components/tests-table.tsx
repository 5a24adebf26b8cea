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
      b.confidence - a.confidence ||
      b.failures - a.failures,
  );
}

const HEAD = {
  cells: [
    { key: 'name', content: 'Test', isSortable: true },
    { key: 'label', content: 'Label', isSortable: true },
    { key: 'fails', content: 'Fails', isSortable: true },
    { key: 'confidence', content: 'Confidence', isSortable: true },
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
      { key: cellKey('fails', test.failureRate * 1000), content: <FailsText test={test} /> },
      { key: cellKey('confidence', test.confidence * 1000), content: formatPercent(test.confidence) },
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

/**
 * How often the test fails, with the counts behind it: "3% of runs", "5 of 166 runs". A broken test fails every run
 * since it broke. How sure the label is stands in its own column: a rate is not a confidence.
 */
function FailsText({ test }: { test: TestReport }) {
  const broken = test.classification === 'broken' && test.brokenSince !== undefined;
  return (
    <Stack space="space.025">
      <Text>{broken ? 'Every run since it broke' : `${formatPercent(test.failureRate)} of runs`}</Text>
      <Text size="small">{`${formatCount(test.failures)} of ${formatCount(test.runs)} runs failed`}</Text>
    </Stack>
  );
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
