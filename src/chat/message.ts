/**
 * A chat message before it is rendered for Slack (Block Kit) or Teams (Adaptive Card): a title, sections of plain
 * lines, links. Alerts and digests build this; the renderers fit it into each product's limits, and say what they
 * cut. Test names, repository slugs and branch names go in verbatim, as plain text: the renderers never let a
 * product read markup into them.
 */

export interface ChatSection {
  heading?: string;
  /** Short label → value pairs (counts, rates), shown before the lines. */
  facts?: { title: string; value: string }[];
  /** Plain text lines, e.g. one test name each. */
  lines: string[];
}

export interface ChatMessage {
  /** One line: the notification text a phone shows. */
  title: string;
  sections: ChatSection[];
  /** Links shown at the end (the report, the pipeline). */
  links?: { text: string; url: string }[];
  /** A closing note in small print. */
  footer?: string;
}

/** Control characters become spaces: a name with a newline must not open a new line, or a new block. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

/** At most `max` characters (code points), with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}…` : text;
}

export const charCount = (text: string): number => [...text].length;

/** What a renderer left out, in words a reader understands. */
export function cutNote(lines: number, why: string): string {
  return `${lines} more ${lines === 1 ? 'line' : 'lines'} not shown: ${why}. The full report has everything.`;
}
