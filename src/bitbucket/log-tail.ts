/**
 * Reading the end of a step log. The log endpoint takes `Range: bytes=-N` (a suffix range) and may answer 206 with
 * the tail, or 200 with everything; either way a byte cut can split a UTF-8 character at the start of the text.
 */

export interface LogTail {
  text: string;
  /** True when the log holds more than `text` (earlier bytes were cut). */
  truncated: boolean;
}

/** A transport decoding a cut character yields up to three U+FFFD at the start: drop them. */
export function dropCutCharacter(text: string): string {
  return text.replace(/^\uFFFD{1,3}/, '');
}

/** The last `maxBytes` bytes of a full log body, starting on a character boundary. */
export function tailOfFullBody(body: string, maxBytes: number): LogTail {
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length <= maxBytes) return { text: body, truncated: false };
  let start = bytes.length - maxBytes;
  // Skip UTF-8 continuation bytes (10xxxxxx): they belong to a character whose first byte was cut.
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++;
  return { text: bytes.subarray(start).toString('utf8'), truncated: true };
}

/** A 206 answer: `Content-Range: bytes 1000-1999/2000` tells whether earlier bytes exist. */
export function tailOfPartialBody(body: string, contentRange: string | undefined, maxBytes: number): LogTail {
  const text = dropCutCharacter(body);
  const match = /^bytes\s+(\d+)-\d+\/(?:\d+|\*)$/i.exec(contentRange?.trim() ?? '');
  const truncated =
    match?.[1] !== undefined ? Number(match[1]) > 0 : Buffer.byteLength(body, 'utf8') >= maxBytes;
  return { text, truncated };
}
