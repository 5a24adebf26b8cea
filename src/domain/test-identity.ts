/**
 * A test is identified by its fully qualified name as Bitbucket reports it. The name itself is kept and shown
 * verbatim (every character, whitespace included: two tests whose names differ only in spacing are two tests).
 * The id, a hash for storage keys, normalises only noise that changes from run to run in parameterised names
 * (object addresses, UUIDs, timestamps, a trailing duration), so that noise does not split one test into many.
 */
import { createHash } from 'node:crypto';

/** Bitbucket keeps at most 2,000 characters per test-report field. */
export const MAX_NAME = 2000;

export function normaliseTestName(name: string): string {
  return name
    .normalize('NFC')
    .replace(/\b0x[0-9a-fA-F]{6,}\b/g, '0x?')
    .replace(/\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b/g, '<uuid>')
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?\b/g, '<time>')
    .replace(/\s*\(\d+(?:\.\d+)?\s*m?s\)$/, '')
    .slice(0, MAX_NAME);
}

/** 16 hex chars of SHA-256 of the normalised name: key-safe and stable. */
export function testId(name: string): string {
  return createHash('sha256').update(normaliseTestName(name), 'utf8').digest('hex').slice(0, 16);
}

/**
 * The id a test is tracked under: its name within its step. The detector's counters follow one step's attempts, so
 * the same test run by two steps (a matrix, a shard) is tracked as two tests.
 */
export function stepTestId(stepName: string, name: string): string {
  return createHash('sha256')
    .update(`${stepName}\u0000${normaliseTestName(name)}`, 'utf8')
    .digest('hex')
    .slice(0, 16);
}
