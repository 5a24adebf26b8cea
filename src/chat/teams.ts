/**
 * A ChatMessage as a Microsoft Teams Workflows webhook payload: an Adaptive Card 1.4 in
 * `{ type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content }] }`
 * (PLATFORM.md, "Slack and Microsoft Teams"; Office 365 connectors are retired). Teams refuses a card of 28 KB or
 * more, so the whole payload stays under 27,000 bytes of JSON.
 *
 * TextBlock text is read as Markdown by Teams; names therefore go in `RichTextBlock` text runs, which are shown as
 * they are. Headings and facts are the app's own words. Lines that do not fit are counted and a closing line says
 * how many were cut.
 */
import type {
  IAdaptiveCard,
  ICardElement,
  IFactSet,
  IOpenUrlAction,
  ITextBlock,
} from 'adaptivecards/lib/schema';
import { clip, cutNote, oneLine, type ChatMessage } from './message';

export const TEAMS_LIMITS = {
  /** Teams: a card must stay under 28 KB; this is the budget for the whole payload, in UTF-8 bytes. */
  payloadBytes: 27_000,
  /** Room kept for the closing line and the links. */
  reserveBytes: 2_000,
} as const;

/** Adaptive Card 1.2+: runs of text that Teams does not read as Markdown. */
interface TextRun {
  type: 'TextRun';
  text: string;
}
interface RichTextBlock extends ICardElement {
  type: 'RichTextBlock';
  inlines: TextRun[];
}

export type TeamsCardElement = ITextBlock | IFactSet | RichTextBlock;

export interface TeamsCard extends Omit<IAdaptiveCard, 'body' | 'actions'> {
  $schema: string;
  body: TeamsCardElement[];
  actions?: IOpenUrlAction[];
}

export interface TeamsPayload {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: TeamsCard;
  }[];
}

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

const text = (value: string, extra: Partial<ITextBlock> = {}): ITextBlock => ({
  type: 'TextBlock',
  text: value,
  wrap: true,
  ...extra,
});

/** One line (a name, say) as one text run, shown as given. */
const richLine = (line: string): RichTextBlock => ({
  type: 'RichTextBlock',
  spacing: 'none',
  inlines: [{ type: 'TextRun', text: line }],
});

export function renderTeams(message: ChatMessage): TeamsPayload {
  const card: TeamsCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [text(clip(oneLine(message.title), 300), { size: 'large', weight: 'bolder' })],
  };
  const payload: TeamsPayload = {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
  const budget = TEAMS_LIMITS.payloadBytes - TEAMS_LIMITS.reserveBytes;
  const sizeWith = (elements: TeamsCardElement[]): number => {
    card.body.push(...elements);
    const size = bytes(payload);
    card.body.splice(card.body.length - elements.length, elements.length);
    return size;
  };
  const fits = (element: TeamsCardElement): boolean => {
    if (sizeWith([element]) > budget) return false;
    card.body.push(element);
    return true;
  };
  let cut = 0;
  for (const section of message.sections) {
    if (cut > 0) {
      cut += section.lines.length;
      continue;
    }
    if (
      section.heading &&
      !fits(text(clip(oneLine(section.heading), 300), { weight: 'bolder', spacing: 'medium' }))
    ) {
      cut += section.lines.length;
      continue;
    }
    if (section.facts?.length)
      fits({
        type: 'FactSet',
        facts: section.facts.map((f) => ({ title: oneLine(f.title), value: oneLine(f.value) })),
      });
    // Teams sets no limit per text run, only the card's size: a line holds a whole name (Bitbucket keeps up to
    // 2,000 characters) and its label; the guard only stops a runaway line.
    const lines = section.lines.map((l) => richLine(clip(oneLine(l), 4000)));
    // The most lines that fit, found by bisection: the card is measured as JSON, not estimated.
    let lo = 0;
    let hi = lines.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (sizeWith(lines.slice(0, mid)) <= budget) lo = mid;
      else hi = mid - 1;
    }
    card.body.push(...lines.slice(0, lo));
    cut += lines.length - lo;
  }
  if (message.footer)
    card.body.push(text(clip(oneLine(message.footer), 300), { isSubtle: true, size: 'small' }));
  if (cut > 0)
    card.body.push(text(cutNote(cut, 'a Teams card holds about 28 KB'), { isSubtle: true, size: 'small' }));
  const links = (message.links ?? []).slice(0, 5);
  if (links.length) {
    card.actions = links.map((l, i) => ({
      type: 'Action.OpenUrl',
      id: `link-${i + 1}`,
      title: clip(oneLine(l.text), 100),
      url: l.url,
    }));
  }
  return payload;
}
