/** Lozenges for the app's labels: one place decides the wording and colour of each. Hook-free (table cells). */
import { Lozenge, type LozengeProps } from '@forge/react';
import type { FailureCategory } from '../../domain/types';
import type { Priority, SuggestionStatus, TestClassification } from '../../contract/insights';
import type { PrVerdict } from '../../contract/resolvers';

type Appearance = NonNullable<LozengeProps['appearance']>;

const CLASSIFICATION: Record<TestClassification, { text: string; appearance: Appearance }> = {
  flaky: { text: 'Flaky', appearance: 'moved' },
  broken: { text: 'Broken', appearance: 'removed' },
  fixed: { text: 'Fixed', appearance: 'success' },
  healthy: { text: 'Healthy', appearance: 'default' },
};

export function ClassificationLozenge({ classification }: { classification: TestClassification }) {
  const label = CLASSIFICATION[classification];
  return <Lozenge appearance={label.appearance}>{label.text}</Lozenge>;
}

export function QuarantinedLozenge() {
  return <Lozenge appearance="inprogress">Quarantined</Lozenge>;
}

export const VERDICT: Record<PrVerdict, { text: string; appearance: Appearance; explanation: string }> = {
  new: {
    text: 'New failure',
    appearance: 'removed',
    explanation: 'Not seen failing elsewhere: likely caused by this pull request.',
  },
  'broken-on-default': {
    text: 'Broken on default branch',
    appearance: 'moved',
    explanation: 'Also failing on the default branch: not caused by this pull request.',
  },
  'known-flaky': {
    text: 'Known flaky',
    appearance: 'inprogress',
    explanation: 'Fails intermittently on other runs too: rerun before debugging.',
  },
  quarantined: {
    text: 'Quarantined',
    appearance: 'default',
    explanation: 'Quarantined in this repository: its failure does not block.',
  },
};

export function VerdictLozenge({ verdict }: { verdict: PrVerdict }) {
  const label = VERDICT[verdict];
  return (
    <Lozenge appearance={label.appearance} isBold>
      {label.text}
    </Lozenge>
  );
}

const PRIORITY: Record<Priority, { text: string; appearance: Appearance }> = {
  high: { text: 'High', appearance: 'removed' },
  medium: { text: 'Medium', appearance: 'moved' },
  low: { text: 'Low', appearance: 'default' },
};

export const PRIORITY_RANK: Record<Priority, number> = { high: 3, medium: 2, low: 1 };

export function PriorityLozenge({ priority }: { priority: Priority }) {
  const label = PRIORITY[priority];
  return <Lozenge appearance={label.appearance}>{label.text}</Lozenge>;
}

export const STATUS_TEXT: Record<SuggestionStatus, string> = {
  open: 'Open',
  'in-progress': 'In progress',
  done: 'Done',
  dismissed: 'Dismissed',
};

export const CATEGORY_TEXT: Record<FailureCategory, string> = {
  test: 'Test failure',
  build: 'Build error',
  dependency: 'Dependency install',
  infrastructure: 'Infrastructure',
  timeout: 'Time limit',
  configuration: 'Configuration',
  deployment: 'Deployment',
  unknown: 'Unknown',
};

const CATEGORY_APPEARANCE: Record<FailureCategory, Appearance> = {
  test: 'removed',
  build: 'removed',
  dependency: 'moved',
  infrastructure: 'inprogress',
  timeout: 'moved',
  configuration: 'new',
  deployment: 'new',
  unknown: 'default',
};

/** Categories arrive as strings on the PR panel; an unknown one still gets a readable label. */
export function categoryText(category: string): string {
  return CATEGORY_TEXT_BY_NAME.get(category) ?? category;
}

const CATEGORY_TEXT_BY_NAME: ReadonlyMap<string, string> = new Map(Object.entries(CATEGORY_TEXT));

export function CategoryLozenge({ category }: { category: FailureCategory }) {
  return <Lozenge appearance={CATEGORY_APPEARANCE[category]}>{CATEGORY_TEXT[category]}</Lozenge>;
}
