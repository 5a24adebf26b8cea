/**
 * Text bound for a terminal, made inert: C0 and C1 control characters (U+0080–U+009F include CSI, which starts an
 * escape sequence on many terminals) and the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069),
 * which reorder what follows them (https://trojansource.codes/). Each is shown escaped, as `\u202e`, so a name
 * still reads as Bitbucket gave it; newlines and tabs are kept.
 */
// eslint-disable-next-line no-control-regex -- control characters are what this escapes
const UNSAFE_FOR_TERMINAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
