/**
 * The one redaction applied wherever a URL or a response body reaches an error, a log line or a stored problem:
 * credentials embedded in a URL (`https://user:pass@host/`), its query string and fragment (log storage URLs are
 * signed), and any Authorization header or bearer/basic credential a server echoes back in an error body.
 */

export const REDACTED = '[redacted]';

/** `https://user:pass@host/a/b?sig=…#x` → `https://host/a/b`; relative paths keep their path only. */
export function redactUrl(url: string): string {
  const withoutUser = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/i, '$1');
  const cut = withoutUser.search(/[?#]/);
  return cut === -1 ? withoutUser : withoutUser.slice(0, cut);
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
/** `Authorization: Bearer x`, `"authorization":"Basic x"`, `Proxy-Authorization=x`: the header's whole value. */
const AUTHORIZATION_VALUE =
  /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token|jwt)\s+)?[^\s"',;}\]]+/gi;
/** A bearer or basic credential anywhere else in the text. */
const SCHEME_CREDENTIAL = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;

/** Any text that may hold URLs or echo request headers, safe to show, log or store. */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => redactUrl(url))
    .replace(AUTHORIZATION_VALUE, `$1$2${REDACTED}`)
    .replace(SCHEME_CREDENTIAL, `$1 ${REDACTED}`);
}
