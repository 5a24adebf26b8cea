/**
 * The evidence behind a label (same-commit pass and fail, rerun passed, where it started failing...), each with the
 * pipeline it came from so a person can check it. Hook-free: rendered inside table cells.
 */
import { Code, Inline, Lozenge, Stack, Text } from '@forge/react';
import type { EvidenceItem } from '../../contract/insights';
import { shortCommit } from '../format';
import { PipelineLink } from './pipeline-link';
import { UntrustedText } from './untrusted-text';

const KIND_TEXT: Record<EvidenceItem['kind'], string> = {
  'same-commit': 'Same commit',
  'rerun-passed': 'Passed on rerun',
  failure: 'Failed',
  'pass-after-fail': 'Passed after failing',
  'broken-start': 'Started failing',
  fixed: 'Fixed',
  score: 'Verdict',
};

/** Evidence details can quote test output; a line of evidence should stay a line. */
const DETAIL_LIMIT = 300;

export function EvidenceList({ items, limit = 3 }: { items: EvidenceItem[]; limit?: number }) {
  if (items.length === 0) return <Text color="color.text.subtlest">No evidence recorded</Text>;
  const hidden = items.length - limit;
  return (
    <Stack space="space.050">
      {items.slice(0, limit).map((item, index) => (
        <EvidenceLine key={`${item.kind}-${item.pipelineUuid ?? item.pipeline ?? ''}-${index}`} item={item} />
      ))}
      {hidden > 0 && <Text size="small">{`and ${hidden} more`}</Text>}
    </Stack>
  );
}

function EvidenceLine({ item }: { item: EvidenceItem }) {
  return (
    <Inline space="space.050" alignBlock="center" shouldWrap>
      <Lozenge>{KIND_TEXT[item.kind]}</Lozenge>
      <UntrustedText text={item.detail} limit={DETAIL_LIMIT} />
      {item.pipeline !== undefined && (
        <PipelineLink
          pipeline={item.pipeline}
          url={item.url}
          label={
            item.attempt !== undefined && item.attempt > 1
              ? `#${item.pipeline} (attempt ${item.attempt})`
              : undefined
          }
        />
      )}
      {item.commit !== undefined && <Code>{shortCommit(item.commit)}</Code>}
    </Inline>
  );
}
