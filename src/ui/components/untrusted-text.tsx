/**
 * Text that comes from outside the app (test names, failure messages, evidence): rendered as a plain string, never
 * markup; whole up to Bitbucket's 2,000-character field limit (a `limit` cuts it shorter, with the whole text in a
 * tooltip); isolated so right-to-left text keeps its direction without reordering what sits around it.
 *
 * Hook-free on purpose: UI Kit's DynamicTable calls a cell's root component as a plain function.
 */
import { Stack, Text, Tooltip } from '@forge/react';
import { NAME_LIMIT, hiddenWhitespace, isolate, truncate } from '../format';

export interface UntrustedTextProps {
  text: string;
  limit?: number;
  weight?: 'regular' | 'medium' | 'semibold' | 'bold';
  size?: 'small' | 'medium';
}

export function UntrustedText({ text, limit = NAME_LIMIT, weight, size }: UntrustedTextProps) {
  const shown = truncate(text, limit);
  const body = (
    <Text weight={weight} size={size}>
      {isolate(shown.text)}
    </Text>
  );
  if (!shown.truncated) return body;
  return <Tooltip content={isolate(truncate(text, NAME_LIMIT).text)}>{body}</Tooltip>;
}

/**
 * A test's name and its step: the name whole and verbatim, plus, when the page would hide some of its whitespace
 * (double spaces, a tab, a trailing space), the same name with that whitespace marked, so names that differ only
 * there read apart.
 */
export function TestNameText({ name, step }: { name: string; step: string }) {
  const marked = hiddenWhitespace(name);
  return (
    <Stack space="space.025">
      <UntrustedText text={name} weight="medium" />
      {marked !== undefined && <UntrustedText text={`Whitespace as reported: ${marked}`} size="small" />}
      <UntrustedText text={`Step: ${step}`} size="small" />
    </Stack>
  );
}
