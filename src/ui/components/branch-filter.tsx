/** Scopes the Tests tab to one branch; "All branches" is the repository-wide view. */
import { Label, Select, Stack } from '@forge/react';
import { optionValue } from './form-events';

const ALL_BRANCHES = { label: 'All branches', value: '' };

export function BranchFilter({
  branches,
  branch,
  onChange,
}: {
  branches: string[];
  branch?: string;
  onChange: (branch: string | undefined) => void;
}) {
  const options = [ALL_BRANCHES, ...branches.map((name) => ({ label: name, value: name }))];
  const selected = options.find((option) => option.value === (branch ?? '')) ?? ALL_BRANCHES;
  return (
    <Stack space="space.050">
      <Label labelFor="branch-filter">Branch</Label>
      <Select
        id="branch-filter"
        options={options}
        value={selected}
        onChange={(option: unknown) => onChange(optionValue(option) || undefined)}
      />
    </Stack>
  );
}
