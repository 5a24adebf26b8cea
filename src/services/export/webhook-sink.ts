/**
 * Delivery to a history receiver over HTTPS, signed in the Standard Webhooks style (history/src/signing.ts). The
 * receiver's answer decides what happens to the batch: accepted, tried again later, or refused for good (parked
 * until an admin retries, so a batch that cannot pass is never retried without end).
 */
import { BATCH_SCHEMA_VERSION, type ExportBatch } from '../../../history/src/contract';
import { signBatch } from '../../../history/src/signing';
import type { FetchLike } from '../resolvers/jira';
import type { DeliveryResult, ExportSink } from './history-export';

/** Statuses a later attempt may get past: timeouts, rate limits, the receiver's own failures. */
const RETRYABLE = new Set([408, 425, 429, 500, 502, 503, 504]);

export function classifyAnswer(status: number, text: string): DeliveryResult {
  if (status >= 200 && status < 300) return { kind: 'accepted' };
  const message = `the receiver answered ${status}${reason(text)}`;
  if (RETRYABLE.has(status) || status >= 500) return { kind: 'retry', status, message };
  return { kind: 'refused', status, message };
}

/** The receiver's own `message` (history/src/services/receive.ts), cut; never the request. */
function reason(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    return typeof body.message === 'string' ? `: ${body.message.slice(0, 300)}` : '';
  } catch {
    return '';
  }
}

export interface WebhookSinkOptions {
  url: string;
  secret: () => Promise<string | undefined>;
  fetch: FetchLike;
  now: () => Date;
}

export function webhookSink(o: WebhookSinkOptions): ExportSink {
  return {
    deliver: async (batch, body) => {
      const secret = await o.secret();
      if (!secret)
        return { kind: 'refused', message: 'no signing secret is set: generate one on the settings page' };
      const headers = { ...signBatch(secret, batch.id, body, o.now()), 'content-type': 'application/json' };
      let response: { status: number; text(): Promise<string> };
      try {
        response = await o.fetch(o.url, { method: 'POST', headers, body });
      } catch (error) {
        return {
          kind: 'retry',
          message: `the receiver could not be reached: ${error instanceof Error ? error.message : 'network error'}`,
        };
      }
      return classifyAnswer(response.status, await response.text());
    },
  };
}

/** "Send a test batch": a signed, empty batch marked `test`, which the receiver verifies and does not store. */
export async function sendTestBatch(o: WebhookSinkOptions, workspace: string): Promise<DeliveryResult> {
  const batch: ExportBatch = {
    schemaVersion: BATCH_SCHEMA_VERSION,
    id: `pi-test-${o.now().getTime()}`,
    workspace,
    createdAt: o.now().toISOString(),
    test: true,
    records: [],
  };
  return webhookSink(o).deliver(batch, JSON.stringify(batch));
}
