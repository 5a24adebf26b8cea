/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/, "Signature scheme"): headers `webhook-id`,
 * `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256(secret, id.timestamp.body)>`,
 * several space-separated signatures allowed (secret rotation), and a 5-minute replay window.
 *
 * The HMAC is the `standardwebhooks` library's. Verification is ours only so that the clock can be injected and the
 * order is fixed: the window is checked first, then the signature, compared in constant time, and only then is the
 * body parsed by anyone.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export const REPLAY_WINDOW_SECONDS = 5 * 60;
const SECRET_PREFIX = 'whsec_';
/** A shared secret shorter than this is refused: it could be guessed. */
export const MIN_SECRET_BYTES = 24;

export type SignatureFailure = 'missing-headers' | 'bad-timestamp' | 'too-old' | 'too-new' | 'bad-signature';

const FAILURE_TEXT: Record<SignatureFailure, string> = {
  'missing-headers': 'the webhook-id, webhook-timestamp and webhook-signature headers are required',
  'bad-timestamp': 'webhook-timestamp is not a Unix time in seconds',
  'too-old': `webhook-timestamp is more than ${REPLAY_WINDOW_SECONDS} seconds old (a replay, or a clock far behind)`,
  'too-new': `webhook-timestamp is more than ${REPLAY_WINDOW_SECONDS} seconds ahead (a clock far ahead)`,
  'bad-signature': 'no webhook-signature matches the body with the shared secret',
};

export class SignatureError extends Error {
  constructor(readonly reason: SignatureFailure) {
    super(`signature check failed: ${FAILURE_TEXT[reason]}`);
    this.name = 'SignatureError';
  }
}

export class SecretFormatError extends Error {
  constructor() {
    super(
      `the signing secret must be ${SECRET_PREFIX} followed by base64 of at least ${MIN_SECRET_BYTES} bytes, or a string of at least ${MIN_SECRET_BYTES} characters`,
    );
    this.name = 'SecretFormatError';
  }
}

/** `whsec_<base64>` (what `newSigningSecret` makes) is decoded; any other string is used as raw bytes. */
function webhookFor(secret: string): Webhook {
  if (secret.startsWith(SECRET_PREFIX)) {
    const bytes = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
    if (bytes.length < MIN_SECRET_BYTES) throw new SecretFormatError();
    return new Webhook(secret);
  }
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) throw new SecretFormatError();
  return new Webhook(new Uint8Array(Buffer.from(secret, 'utf8')), { format: 'raw' });
}

/** A new random secret in the Standard Webhooks form: `whsec_` + base64 of 32 bytes. */
export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

export function signBatch(secret: string, id: string, body: string, at: Date): SignedHeaders {
  const signature = webhookFor(secret).sign(id, at, body);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}

/** Header lookup that ignores case, and takes the first value of a repeated header. */
export function header(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/**
 * Checks a delivery before anything reads its body: the window first, then every `v1` signature in constant time.
 * Throws SignatureError; answers the batch id on success. `secrets` may hold two during a rotation.
 */
export function verifyBatch(
  secrets: string[],
  headers: Record<string, string | string[] | undefined>,
  body: string,
  now: Date,
): string {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new SignatureError('missing-headers');
  if (!/^\d{1,12}$/.test(timestamp)) throw new SignatureError('bad-timestamp');
  const at = Number(timestamp);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (nowSeconds - at > REPLAY_WINDOW_SECONDS) throw new SignatureError('too-old');
  if (at - nowSeconds > REPLAY_WINDOW_SECONDS) throw new SignatureError('too-new');
  const offered = signatures
    .split(' ')
    .map((s) => s.split(','))
    .filter((parts) => parts[0] === 'v1' && parts[1] !== undefined)
    .map((parts) => Buffer.from(parts[1] ?? '', 'utf8'));
  for (const secret of secrets) {
    const expected = Buffer.from(
      webhookFor(secret)
        .sign(id, new Date(at * 1000), body)
        .slice('v1,'.length),
      'utf8',
    );
    // Every offered signature is compared, matched or not, so the time taken says nothing about which one was close.
    let matched = false;
    for (const candidate of offered) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
    if (matched) return id;
  }
  throw new SignatureError('bad-signature');
}
