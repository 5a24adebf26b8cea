/**
 * Message normalisation and fingerprints: the same failure seen in two runs must hash the same even though its
 * times, durations, build numbers, temp dirs, hashes and absolute paths differ (DESIGN.md §3 "Failures": "the same
 * failure across runs is counted once"), while two different failures must hash differently, so names, error codes
 * and the words of the message are kept.
 */
import { createHash } from 'node:crypto';
import type { FailureCategory } from '../types';
import { cleanLine, readableLine } from './log-lines';

/** Longer input is cut first: a fingerprint needs the start of a message, and this bounds the work. */
const MAX_INPUT_CHARS = 1000;
const MAX_OUTPUT_CHARS = 300;

/** Applied before paths are shortened: each removes what the path and number rules would otherwise split up. */
const BEFORE_PATHS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, '<time>'],
  [/\b\d{1,2}:\d\d:\d\d(?:[.,]\d+)?\b/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, '<ip>'],
  [/\b([a-z][a-z0-9+.-]{0,20}:\/\/[^\s/'"<>()]{1,200})\/[^\s'"<>()]*/gi, '$1/<path>'],
  [
    /(?:\/tmp|\/var\/folders|\/private\/var|[A-Za-z]:\\(?:[^\\\s]{1,100}\\){0,6}Temp)[^\s'"()[\]<>,;]{0,300}/g,
    '<tmp>',
  ],
  [/\b(localhost|0\.0\.0\.0|\[::1?\]):\d{1,5}\b/g, '$1:<port>'],
  // A host name, told from a file name by two dots or a common top-level domain, then a port.
  [
    /\b((?:[a-z0-9-]{1,63}\.){2,6}[a-z]{2,24}|[a-z0-9-]{1,63}\.(?:com|org|net|io|dev|co|cloud|internal|local)):\d{2,5}\b/gi,
    '$1:<port>',
  ],
];

/** Applied after paths are shortened, so a hash or number inside a directory name has already gone with it. */
const AFTER_PATHS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?=[0-9a-f]{0,63}\d)(?=[0-9a-f]{0,63}[a-f])[0-9a-f]{7,64}\b/gi, '<hex>'],
  [/(\.[A-Za-z]{1,10})(?::\d+(?::\d+)?|\(\d+(?:,\d+)?\)|:\[\d+,\d+\])/g, '$1:<line>'],
  [/\b(?:\d+h)?(?:\d+m)?\d+(?:\.\d+)?(?:ms|s)\b/g, '<duration>'],
  [/\b\d+(?:\.\d+)? ?(?:ms|millis(?:econds)?|secs?|seconds?|mins?|minutes?|hours?)\b/gi, '<duration>'],
  // Digits inside a word are part of a name or an error code (`TS2322`, `C2065`, `plan2_test`): kept.
  [/\b\d+(?:\.\d+)?\b/g, '<n>'],
  [/\s+/g, ' '],
];

function applyAll(text: string, replacements: ReadonlyArray<readonly [RegExp, string]>): string {
  return replacements.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}

/** Characters that end a path token: whitespace, quotes, brackets and list punctuation. */
const TOKEN_SPLIT = /([\s'"()[\]{}<>,;`]+)/;

/**
 * An absolute path becomes its file name (`/builds/ws/src/app/MainTest.java:[4,26]` → `MainTest.java:[4,26]`), or
 * `<path>` when it names a directory: the build directory differs between runners. Relative paths (`src/a.ts`),
 * package names (`@acme/ui-kit`) and URLs (handled before) are stable across runs and tell failures apart: kept.
 */
function shortenPath(token: string): string {
  if (!/^(?:\/|~\/|[A-Za-z]:\\)/.test(token)) return token;
  const parts = token.split(/[\\/]/).filter((part) => part.length > 0);
  const last = parts[parts.length - 1];
  if (last === undefined) return '<path>';
  return /\.[A-Za-z][A-Za-z0-9]{0,9}(?:[:(]|$)/.test(last) ? last : '<path>';
}

function shortenPaths(text: string): string {
  return text
    .split(TOKEN_SPLIT)
    .map((token, index) => (index % 2 === 0 ? shortenPath(token) : token))
    .join('');
}

/**
 * The shape of a failure message without what changes from run to run: ANSI colours, CI line prefixes, a tool's level
 * column, `go test -json` framing, timestamps, durations,
 * numbers, hex hashes (≥ 7 chars), UUIDs, IPs, ports, temp dirs and directory parts of paths. Error codes
 * (`TS2322`, `C2065`), identifiers, quotes and words are kept.
 */
export function normaliseMessage(line: string): string {
  const text = readableLine(cleanLine(line.length > MAX_INPUT_CHARS ? line.slice(0, MAX_INPUT_CHARS) : line));
  const shortened = shortenPaths(applyAll(text, BEFORE_PATHS));
  return applyAll(shortened, AFTER_PATHS).trim().slice(0, MAX_OUTPUT_CHARS);
}

/** 16 hex characters of SHA-256 over the category and the normalised message. */
export function fingerprint(category: FailureCategory, normalisedMessage: string): string {
  return createHash('sha256').update(`${category}\n${normalisedMessage}`).digest('hex').slice(0, 16);
}
