/**
 * The PR panel's table: each failing test with its verdict (new, broken on the default branch, known flaky,
 * quarantined), what the verdict means, and the evidence for it. New failures come first: they are this PR's to fix.
 */
import { DynamicTable, Stack, Text } from '@forge/react';
import type { PrFailingTest, PrVerdict } from '../../contract/resolvers';
import { formatPercent } from '../format';
import { EvidenceList } from './evidence-list';
import { VERDICT, VerdictLozenge } from './labels';
import { cellKey } from './table-keys';
import { TestNameText } from './untrusted-text';

const URGENCY: Record<PrVerdict, number> = {
  new: 0,
  'broken-on-default': 1,
  'known-flaky': 2,
  quarantined: 3,
};

const HEAD = {
  cells: [
    { key: 'test', content: 'Test', isSortable: true },
    { key: 'verdict', content: 'Verdict', isSortable: true },
    { key: 'evidence', content: 'Evidence' },
  ],
};

export function PrFailingTests({ tests, caption }: { tests: PrFailingTest[]; caption: string }) {
  const rows = [...tests]
    .sort((a, b) => URGENCY[a.verdict] - URGENCY[b.verdict])
    .map((test) => ({
      key: test.testId,
      cells: [
        { key: cellKey('test', test.name), content: <TestCell test={test} /> },
        { key: cellKey('verdict', URGENCY[test.verdict]), content: <VerdictCell test={test} /> },
        { key: cellKey('evidence', test.testId), content: <EvidenceList items={test.evidence} /> },
      ],
    }));
  return <DynamicTable caption={caption} head={HEAD} rows={rows} rowsPerPage={10} />;
}

function TestCell({ test }: { test: PrFailingTest }) {
  return <TestNameText name={test.name} step={test.step} />;
}

function VerdictCell({ test }: { test: PrFailingTest }) {
  return (
    <Stack space="space.050">
      <VerdictLozenge verdict={test.verdict} />
      <Text size="small">{VERDICT[test.verdict].explanation}</Text>
      {test.failureRate !== undefined && test.confidence !== undefined && (
        <Text size="small">
          {`Fails ${formatPercent(test.failureRate)} of runs (${test.failures ?? 0} of ${test.runs ?? 0}) \u00b7 verdict confidence ${formatPercent(test.confidence)}`}
        </Text>
      )}
    </Stack>
  );
}

/** One sentence a reviewer can act on, e.g. "3 failing tests: 1 likely caused by this pull request, 2 known flaky." */
export function verdictSummary(tests: PrFailingTest[]): string {
  const count = (verdict: PrVerdict) => tests.filter((test) => test.verdict === verdict).length;
  const parts = [
    [count('new'), 'likely caused by this pull request'],
    [count('broken-on-default'), 'also broken on the default branch'],
    [count('known-flaky'), 'known flaky'],
    [count('quarantined'), 'quarantined'],
  ] as const;
  const detail = parts.filter(([n]) => n > 0).map(([n, text]) => `${n} ${text}`);
  const noun = tests.length === 1 ? 'failing test' : 'failing tests';
  return `${tests.length} ${noun}: ${detail.join(', ')}.`;
}
