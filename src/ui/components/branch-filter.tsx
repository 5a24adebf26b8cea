/** Filters of a tab: the branch the Tests tab looks at, the cause the Failures tab lists. "All" clears a filter. */
import { Label, Select, Stack } from '@forge/react';
import { optionValue } from './form-events';

interface Option {
  label: string;
  value: string;
}

/** A labelled choice of one option; the empty value is "all" and reads as undefined. */
export function FilterSelect({
  id,
  label,
  options,
  value,
  onChange,
}: {
  id: string;
  label: string;
  /** The first option is "all", with the empty value. */
  options: Option[];
  value?: string;
  onChange: (value: string | undefined) => void;
}) {
  const selected = options.find((option) => option.value === (value ?? '')) ?? options[0];
  return (
    <Stack space="space.050">
      <Label labelFor={id}>{label}</Label>
      <Select
        id={id}
        options={options}
        value={selected}
        onChange={(option: unknown) => onChange(optionValue(option) || undefined)}
      />
    </Stack>
  );
}

export function BranchFilter({
  branches,
  branch,
  onChange,
}: {
  branches: string[];
  branch?: string;
  onChange: (branch: string | undefined) => void;
}) {
  const options = [
    { label: 'All branches', value: '' },
    ...branches.map((name) => ({ label: name, value: name })),
  ];
  return (
    <FilterSelect id="branch-filter" label="Branch" options={options} value={branch} onChange={onChange} />
  );
}
