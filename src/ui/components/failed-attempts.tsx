/**
 * Every failed step attempt of the window, newest first, a page at a time: the page's first answer carries the newest
 * page, "Load more" asks `getFailures` for the next, and the cause filter asks for one category's failures. Each page
 * costs the resolver one bounded read, however long the history.
 */
import { useRef, useState } from 'react';
import { Button, DynamicTable, Heading, Inline, Stack, Text } from '@forge/react';
import { FAILURE_CATEGORIES, type FailureReport, type RepoReport } from '../../contract/insights';
import type { FailuresPage } from '../../contract/resolvers';
import type { FailureCategory } from '../../domain/types';
import { call, toUiError, type UiError } from '../invoke';
import { formatCount, formatRelative } from '../format';
import { FilterSelect } from './branch-filter';
import { CATEGORY_TEXT, CategoryLozenge } from './labels';
import { PipelineLink } from './pipeline-link';
import { ErrorNotice } from './status-messages';
import { cellKey, timeKey } from './table-keys';
import { UntrustedText } from './untrusted-text';

const ALL_CAUSES = { label: 'All causes', value: '' };
const CAUSE_OPTIONS = [
  ALL_CAUSES,
  ...FAILURE_CATEGORIES.map((category) => ({ label: CATEGORY_TEXT[category], value: category })),
];

const isCategory = (value: string): value is FailureCategory =>
  (FAILURE_CATEGORIES as string[]).includes(value);

interface Listing {
  category?: FailureCategory;
  failures: FailureReport[];
  cursor?: string;
}

/** The listing and its two actions; answers that arrive after a newer request are dropped. */
function useFailureListing(report: RepoReport) {
  const first: Listing = {
    failures: report.failures,
    ...(report.failuresCursor ? { cursor: report.failuresCursor } : {}),
  };
  const [listing, setListing] = useState<Listing>(first);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<{ error: UiError; retry: () => void }>();
  const latest = useRef(0);

  const load = (category: FailureCategory | undefined, cursor: string | undefined, keep: FailureReport[]) => {
    const request = ++latest.current;
    setLoading(true);
    setError(undefined);
    call('getFailures', { ...(category ? { category } : {}), ...(cursor ? { cursor } : {}) }).then(
      (page: FailuresPage) => {
        if (request !== latest.current) return;
        setListing({
          ...(category ? { category } : {}),
          failures: [...keep, ...page.failures],
          ...(page.cursor ? { cursor: page.cursor } : {}),
        });
        setLoading(false);
      },
      (thrown: unknown) => {
        if (request !== latest.current) return;
        setError({ error: toUiError(thrown), retry: () => load(category, cursor, keep) });
        setLoading(false);
      },
    );
  };

  const filter = (category: FailureCategory | undefined) => {
    if (category === undefined) {
      latest.current += 1;
      setListing(first);
      setError(undefined);
      setLoading(false);
      return;
    }
    setListing({ category, failures: [] });
    load(category, undefined, []);
  };
  const more = () => load(listing.category, listing.cursor, listing.failures);
  return { listing, loading, error, filter, more };
}

const HEAD = {
  cells: [
    { key: 'at', content: 'Finished' },
    { key: 'pipeline', content: 'Pipeline' },
    { key: 'step', content: 'Step' },
    { key: 'cause', content: 'Cause' },
    { key: 'message', content: 'Message' },
  ],
};

export function FailedAttempts({ report }: { report: RepoReport }) {
  const { listing, loading, error, filter, more } = useFailureListing(report);
  const rows = listing.failures.map((failure) => ({
    key: `${failure.pipelineUuid}:${failure.step}:${failure.attempt}`,
    cells: [
      { key: cellKey('at', timeKey(failure.at)), content: formatRelative(failure.at) },
      { key: cellKey('pipeline', failure.pipeline), content: <AttemptLink failure={failure} /> },
      { key: cellKey('step', failure.step), content: <UntrustedText text={failure.step} /> },
      { key: cellKey('cause', failure.category), content: <Cause failure={failure} /> },
      {
        key: cellKey('message', failure.fingerprint),
        content: <UntrustedText text={failure.message ?? 'No message in the log tail'} limit={300} />,
      },
    ],
  }));
  return (
    <Stack space="space.100">
      <Heading size="small">Failed steps</Heading>
      <Inline space="space.200" alignBlock="end" shouldWrap>
        <FilterSelect
          id="failure-cause-filter"
          label="Cause"
          options={CAUSE_OPTIONS}
          value={listing.category}
          onChange={(value) => filter(value !== undefined && isCategory(value) ? value : undefined)}
        />
        <Text>{countText(listing)}</Text>
      </Inline>
      {error !== undefined && (
        <ErrorNotice title="Could not load more failed steps" error={error.error} onRetry={error.retry} />
      )}
      <DynamicTable caption="Failed steps" head={HEAD} rows={rows} isLoading={loading} />
      {listing.cursor !== undefined && (
        <Button isDisabled={loading} onClick={more}>
          Load more
        </Button>
      )}
    </Stack>
  );
}

function countText(listing: Listing): string {
  const what = listing.category ? `${CATEGORY_TEXT[listing.category].toLowerCase()} ` : '';
  const shown = `${formatCount(listing.failures.length)} ${what}failed ${listing.failures.length === 1 ? 'step' : 'steps'}, newest first`;
  return listing.cursor ? `${shown}; more follow` : `${shown}: all of this window`;
}

function AttemptLink({ failure }: { failure: FailureReport }) {
  return (
    <PipelineLink
      pipeline={failure.pipeline}
      url={failure.url}
      label={failure.attempt > 1 ? `#${failure.pipeline} (attempt ${failure.attempt})` : undefined}
    />
  );
}

function Cause({ failure }: { failure: FailureReport }) {
  return (
    <Stack space="space.025">
      <CategoryLozenge category={failure.category} />
      {failure.cause !== undefined && <Text size="small">{failure.cause}</Text>}
    </Stack>
  );
}
