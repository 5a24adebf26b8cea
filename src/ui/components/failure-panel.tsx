/**
 * The Failures tab: what share of failed steps each cause takes, every failed step of the window (newest first, a
 * page at a time, by cause), and the failures that keep coming back (fingerprints), each with example pipelines
 * linking to their Bitbucket result page.
 */
import { DonutChart, DynamicTable, Heading, Inline, Stack, Text } from '@forge/react';
import type { FailureCategoryCount, FingerprintReport, RepoReport } from '../../contract/insights';
import { formatCount, formatPercent, formatRelative, isolate } from '../format';
import { CATEGORY_TEXT, CategoryLozenge } from './labels';
import { PipelineLink } from './pipeline-link';
import { FailedAttempts } from './failed-attempts';
import { EmptyNotice } from './status-messages';
import { cellKey, timeKey } from './table-keys';
import { UntrustedText } from './untrusted-text';

export function FailurePanel({ report }: { report: RepoReport }) {
  if (
    report.failureCategories.length === 0 &&
    report.topFingerprints.length === 0 &&
    report.failures.length === 0
  ) {
    return (
      <EmptyNotice
        header="No failed steps in this window"
        description="When a step fails, its cause (test, build, dependency, infrastructure...) and its recurring messages show up here."
      />
    );
  }
  return (
    <Stack space="space.300">
      <CategoryChart categories={report.failureCategories} />
      <FailedAttempts report={report} />
      <FingerprintTable fingerprints={report.topFingerprints} />
    </Stack>
  );
}

function CategoryChart({ categories }: { categories: FailureCategoryCount[] }) {
  const data = categories.map((entry) => ({
    category: CATEGORY_TEXT[entry.category],
    count: entry.count,
  }));
  return (
    <Stack space="space.100">
      <Heading size="small">Causes of failed steps</Heading>
      <DonutChart
        data={data}
        colorAccessor="category"
        labelAccessor="category"
        valueAccessor="count"
        width={420}
        height={280}
      />
      <Inline space="space.200" shouldWrap>
        {categories.map((entry) => (
          <Text key={entry.category}>
            {`${CATEGORY_TEXT[entry.category]}: ${formatCount(entry.count)} (${formatPercent(entry.share)})`}
          </Text>
        ))}
      </Inline>
    </Stack>
  );
}

const HEAD = {
  cells: [
    { key: 'message', content: 'Failure' },
    { key: 'category', content: 'Cause', isSortable: true },
    { key: 'count', content: 'Times', isSortable: true },
    { key: 'lastSeen', content: 'Last seen', isSortable: true },
    { key: 'examples', content: 'Example pipelines' },
  ],
};

function FingerprintTable({ fingerprints }: { fingerprints: FingerprintReport[] }) {
  const rows = [...fingerprints]
    .sort((a, b) => b.count - a.count)
    .map((print) => ({
      key: print.fingerprint,
      cells: [
        {
          key: cellKey('message', print.fingerprint),
          content: <UntrustedText text={print.message ?? 'No message in the log tail'} />,
        },
        {
          key: cellKey('category', CATEGORY_TEXT[print.category]),
          content: <CategoryLozenge category={print.category} />,
        },
        { key: cellKey('count', print.count), content: formatCount(print.count) },
        { key: cellKey('lastSeen', timeKey(print.lastSeenAt)), content: formatRelative(print.lastSeenAt) },
        { key: cellKey('examples', print.fingerprint), content: <Examples examples={print.examples} /> },
      ],
    }));
  return (
    <Stack space="space.100">
      <Heading size="small">Recurring failures</Heading>
      <DynamicTable caption="Recurring failures" head={HEAD} rows={rows} rowsPerPage={10} />
    </Stack>
  );
}

function Examples({ examples }: { examples: FingerprintReport['examples'] }) {
  return (
    <Inline space="space.100" shouldWrap>
      {examples.map((example) => (
        <PipelineLink
          key={`${example.pipeline}-${example.step}`}
          pipeline={example.pipeline}
          url={example.url}
          label={`#${example.pipeline} ${isolate(example.step)}`}
        />
      ))}
    </Inline>
  );
}
