/**
 * Text that comes from outside the app (test names, failure messages, evidence): rendered as a plain string, never
 * markup; cut to a readable length with the whole text in a tooltip; isolated so right-to-left text keeps its
 * direction without reordering what sits around it.
 *
 * Hook-free on purpose: UI Kit's DynamicTable calls a cell's root component as a plain function.
 */
import { Text, Tooltip } from '@forge/react';
import { NAME_DISPLAY_LIMIT, NAME_TOOLTIP_LIMIT, isolate, truncate } from '../format';

export interface UntrustedTextProps {
  text: string;
  limit?: number;
  weight?: 'regular' | 'medium' | 'semibold' | 'bold';
  size?: 'small' | 'medium';
}

export function UntrustedText({ text, limit = NAME_DISPLAY_LIMIT, weight, size }: UntrustedTextProps) {
  const shown = truncate(text, limit);
  const body = (
    <Text weight={weight} size={size}>
      {isolate(shown.text)}
    </Text>
  );
  if (!shown.truncated) return body;
  return <Tooltip content={isolate(truncate(text, NAME_TOOLTIP_LIMIT).text)}>{body}</Tooltip>;
}
