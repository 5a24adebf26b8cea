/**
 * Checks of chat payloads against what Slack and Teams accept: the Adaptive Card is parsed by Microsoft's own
 * Adaptive Cards SDK (`adaptivecards`, its browser build: the package's module build does not load in Node) for
 * card version 1.4, and the Slack payload is measured against Block Kit's documented limits.
 */
import { SLACK_LIMITS, type SlackPayload } from '../../src/chat/slack';
import type { TeamsPayload } from '../../src/chat/teams';

interface AdaptiveCardsSdk {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
  };
  SerializationContext: new (version: unknown) => {
    eventCount: number;
    getEventAt(i: number): { message: string };
  };
  Versions: { v1_4: unknown };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsSdk;

/** Every problem the SDK reports when it reads the card as version 1.4, plus the rules it does not check. */
export function adaptiveCardProblems(payload: TeamsPayload): string[] {
  const problems: string[] = [];
  if (payload.type !== 'message' || payload.attachments.length !== 1)
    problems.push('not one attachment in a message');
  const attachment = payload.attachments[0];
  if (attachment?.contentType !== 'application/vnd.microsoft.card.adaptive')
    problems.push('wrong content type');
  const content = attachment?.content;
  if (content?.version !== '1.4') problems.push(`version ${String(content?.version)}`);
  const card = new sdk.AdaptiveCard();
  const context = new sdk.SerializationContext(sdk.Versions.v1_4);
  card.parse(content, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  problems.push(...card.validateProperties().validationEvents.map((e) => e.message));
  for (const element of content?.body ?? []) {
    if (element.type === 'TextBlock' && !element.text) problems.push('empty TextBlock');
    if (element.type === 'RichTextBlock' && element.inlines.some((r) => !r.text))
      problems.push('empty TextRun');
  }
  return problems;
}

const textOf = (block: SlackPayload['blocks'][number]): string[] => {
  if (block.type === 'section')
    return [...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text)];
  if (block.type === 'header') return [block.text.text];
  if (block.type === 'context') return block.elements.flatMap((e) => ('text' in e ? [e.text] : []));
  return [];
};

/** Block Kit limits a payload breaks (https://docs.slack.dev/reference/block-kit/blocks). */
export function slackProblems(payload: SlackPayload): string[] {
  const problems: string[] = [];
  if (!payload.text) problems.push('no fallback text');
  if (payload.blocks.length > SLACK_LIMITS.blocks) problems.push(`${payload.blocks.length} blocks`);
  let total = 0;
  for (const block of payload.blocks) {
    for (const t of textOf(block)) {
      const n = [...t].length;
      total += n;
      if (n === 0) problems.push(`empty text in a ${block.type} block`);
      if (block.type === 'header' && n > SLACK_LIMITS.headerChars) problems.push(`header of ${n} characters`);
      if (n > SLACK_LIMITS.sectionChars) problems.push(`text of ${n} characters in a ${block.type} block`);
    }
    if (block.type === 'section' && (block.fields?.length ?? 0) > 10) problems.push('more than 10 fields');
    if (block.type === 'context' && block.elements.length > 10)
      problems.push('more than 10 context elements');
  }
  if (total > 13_000) problems.push(`${total} characters of block text`);
  return problems;
}

/** All the plain text a Slack payload shows, in order. */
export const slackText = (payload: SlackPayload): string => payload.blocks.flatMap(textOf).join('\n');

/** All the text runs and text blocks of a Teams card, in order. */
export function teamsText(payload: TeamsPayload): string {
  return (payload.attachments[0]?.content.body ?? [])
    .map((e) =>
      e.type === 'TextBlock'
        ? e.text
        : e.type === 'RichTextBlock'
          ? e.inlines.map((r) => r.text).join('')
          : '',
    )
    .join('\n');
}
