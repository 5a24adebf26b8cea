/**
 * A ChatMessage as a Slack incoming-webhook payload (`{ text, blocks }`, Block Kit typed with `@slack/types`).
 * https://docs.slack.dev/reference/block-kit/blocks — limits (PLATFORM.md, "Slack and Microsoft Teams"):
 * 50 blocks, 3,000 characters per section text, 150 per header, 10 context elements; Slack refuses a message whose
 * blocks hold more than about 13,000 characters in all (`msg_blocks_too_long`), so this stays under 12,000.
 *
 * Names go in `plain_text` objects, never `mrkdwn`: `*`, `_`, `~`, `<` and backticks in a test name stay as they
 * are. Headings are the app's own words and use `mrkdwn` for bold. Lines that do not fit are counted and a closing
 * block says how many were cut.
 */
import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { charCount, clip, cutNote, oneLine, type ChatMessage } from './message';

export const SLACK_LIMITS = {
  blocks: 50,
  sectionChars: 3000,
  headerChars: 150,
  /** Slack refuses about 13,000; this leaves room for the cut note and the links. */
  totalChars: 12_000,
} as const;

export interface SlackPayload {
  /** The notification text, and what clients without blocks show. */
  text: string;
  blocks: KnownBlock[];
}

/** Slack's mrkdwn needs `&`, `<` and `>` escaped (https://docs.slack.dev/messaging/formatting-message-text). */
const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const plainSection = (text: string): SectionBlock => ({
  type: 'section',
  text: { type: 'plain_text', text, emoji: false },
});

/** Characters of text a block carries (what Slack counts against the message). */
function blockChars(block: KnownBlock): number {
  if (block.type === 'section')
    return (
      charCount(block.text?.text ?? '') + (block.fields ?? []).reduce((n, f) => n + charCount(f.text), 0)
    );
  if (block.type === 'header') return charCount(block.text.text);
  if (block.type === 'context')
    return block.elements.reduce((n, e) => n + ('text' in e ? charCount(e.text) : 0), 0);
  return 0;
}

class BlockBudget {
  readonly blocks: KnownBlock[] = [];
  private chars = 0;

  constructor(
    private readonly reserveBlocks: number,
    private readonly reserveChars: number,
  ) {}

  /** Adds the block when it fits, keeping room for the closing blocks; false when it does not. */
  add(block: KnownBlock): boolean {
    const size = blockChars(block);
    if (this.blocks.length + 1 > SLACK_LIMITS.blocks - this.reserveBlocks) return false;
    if (this.chars + size > SLACK_LIMITS.totalChars - this.reserveChars) return false;
    this.blocks.push(block);
    this.chars += size;
    return true;
  }

  /** Room left for the text of one more block. */
  get charsLeft(): number {
    return Math.min(SLACK_LIMITS.sectionChars, SLACK_LIMITS.totalChars - this.reserveChars - this.chars);
  }
}

/** The lines of one section as plain-text blocks of at most 3,000 characters; returns how many lines did not fit. */
function addLines(budget: BlockBudget, lines: string[]): number {
  let chunk: string[] = [];
  const flush = (): boolean => chunk.length === 0 || budget.add(plainSection(chunk.join('\n')));
  for (let i = 0; i < lines.length; i++) {
    const line = clip(oneLine(lines[i] ?? ''), SLACK_LIMITS.sectionChars) || ' ';
    const next = [...chunk, line].join('\n');
    if (charCount(next) <= budget.charsLeft) {
      chunk.push(line);
      continue;
    }
    if (!flush()) return lines.length - i + chunk.length;
    chunk = [];
    if (charCount(line) > budget.charsLeft) return lines.length - i;
    chunk.push(line);
  }
  return flush() ? 0 : chunk.length;
}

export function renderSlack(message: ChatMessage): SlackPayload {
  const title = oneLine(message.title);
  const links = (message.links ?? []).map((l) => `<${l.url}|${escapeMrkdwn(oneLine(l.text))}>`).join('  ·  ');
  const closing: ContextBlock = { type: 'context', elements: [] };
  // Room for the closing context block (links, footer, cut note): at most 1 block and 1,000 characters.
  const budget = new BlockBudget(1, 1000);
  const header: HeaderBlock = {
    type: 'header',
    text: { type: 'plain_text', text: clip(title, SLACK_LIMITS.headerChars), emoji: false },
  };
  budget.add(header);
  let cut = 0;
  for (const section of message.sections) {
    if (cut > 0) {
      cut += section.lines.length;
      continue;
    }
    const head: SectionBlock | undefined = section.heading
      ? {
          type: 'section',
          text: { type: 'mrkdwn', text: `*${escapeMrkdwn(clip(oneLine(section.heading), 300))}*` },
        }
      : undefined;
    if (head && !budget.add(head)) {
      cut += section.lines.length;
      continue;
    }
    if (section.facts?.length) {
      const fields = section.facts.slice(0, 10).map((f) => ({
        type: 'plain_text' as const,
        text: clip(`${oneLine(f.title)}: ${oneLine(f.value)}`, 2000),
        emoji: false,
      }));
      budget.add({ type: 'section', fields });
    }
    cut += addLines(budget, section.lines);
  }
  if (links) closing.elements.push({ type: 'mrkdwn', text: clip(links, 600) });
  if (message.footer)
    closing.elements.push({ type: 'plain_text', text: clip(oneLine(message.footer), 200), emoji: false });
  if (cut > 0)
    closing.elements.push({
      type: 'plain_text',
      text: cutNote(cut, 'Slack takes about 13,000 characters per message'),
      emoji: false,
    });
  const blocks = closing.elements.length ? [...budget.blocks, closing] : budget.blocks;
  return { text: clip(title, 3000), blocks };
}
