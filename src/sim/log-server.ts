/**
 * Byte ranges of a step log, answered like the object store Bitbucket redirects to: 206 with `Content-Range` for
 * `bytes=a-b`, `bytes=a-` and suffix `bytes=-N`; 416 when the range starts past the end; 200 without a Range.
 * It refuses requests that carry an `Authorization` header (400), as S3 does with a presigned URL, so a client
 * that forwards its Bitbucket token across the redirect fails here as it would in production.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SimResponse } from './router';

const S3_AUTH_CONFLICT =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified</Message><ArgumentName>Authorization</ArgumentName></Error>';

export function rejectsAuthorization(headers: IncomingHttpHeaders): SimResponse | undefined {
  if (headers.authorization === undefined) return undefined;
  return { status: 400, headers: { 'content-type': 'application/xml' }, body: S3_AUTH_CONFLICT };
}

/** Resolves one `bytes=` range against a body of `size` bytes; `undefined` when unsatisfiable. */
export function resolveRange(
  header: string,
  size: number,
): { start: number; end: number } | undefined | 'ignore' {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'ignore';
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return undefined;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return undefined;
  return { start, end };
}

export function serveBytes(body: Buffer, rangeHeader: string | undefined): SimResponse {
  const base = { 'content-type': 'text/plain; charset=utf-8', 'accept-ranges': 'bytes' };
  if (!rangeHeader) return { status: 200, headers: base, body };
  const range = resolveRange(rangeHeader, body.length);
  if (range === 'ignore') return { status: 200, headers: base, body };
  if (!range) {
    return { status: 416, headers: { ...base, 'content-range': `bytes */${body.length}` }, body: '' };
  }
  return {
    status: 206,
    headers: { ...base, 'content-range': `bytes ${range.start}-${range.end}/${body.length}` },
    body: body.subarray(range.start, range.end + 1),
  };
}
