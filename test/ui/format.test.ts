import {
  formatChange,
  formatDuration,
  formatMinutes,
  formatPercent,
  formatRelative,
  isolate,
  truncate,
} from '../../src/ui/format';
import { cellKey, timeKey } from '../../src/ui/components/table-keys';

describe('format', () => {
  it.each([
    [undefined, '—'],
    [42.4, '42s'],
    [180, '3m'],
    [192, '3m 12s'],
    [3900, '1h 05m'],
    [86400 * 2 + 3600 * 3, '2d 3h'],
    [-5, '—'],
  ])('formatDuration(%p) = %p', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('formats ratios, changes and minutes', () => {
    expect(formatPercent(0.8745)).toBe('87.5%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(undefined)).toBe('—');
    expect(formatChange(0.25)).toBe('+25%');
    expect(formatChange(-0.1)).toBe('\u221210%');
    expect(formatMinutes(4310.4)).toBe('4,310 min');
  });

  it('formats dates relative to now', () => {
    const now = new Date('2026-03-16T12:00:00Z');
    expect(formatRelative('2026-03-16T11:59:30Z', now)).toBe('just now');
    expect(formatRelative('2026-03-16T11:59:00Z', now)).toBe('1 minute ago');
    expect(formatRelative('2026-03-16T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('2026-03-15T09:00:00Z', now)).toBe('yesterday');
    expect(formatRelative('2026-03-10T12:00:00Z', now)).toBe('6 days ago');
    expect(formatRelative('2025-12-01T00:00:00Z', now)).toBe('2025-12-01');
    expect(formatRelative('not a date', now)).toBe('—');
  });

  it('truncates on code points and marks the cut', () => {
    expect(truncate('abc', 3)).toEqual({ text: 'abc', truncated: false });
    expect(truncate('abcd', 3)).toEqual({ text: 'abc\u2026', truncated: true });
    // Four emoji are eight UTF-16 units: the cut keeps whole characters.
    expect(truncate('😀😀😀😀', 3)).toEqual({ text: '😀😀😀\u2026', truncated: true });
    expect(truncate('😀😀😀', 3).truncated).toBe(false);
  });

  it('wraps text in a first-strong isolate', () => {
    expect(isolate('שלום')).toBe('\u2068שלום\u2069');
  });
});

describe('table sort keys', () => {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'accent' });

  it('orders numeric keys numerically under the host collator', () => {
    const keys = [120, 9, 45].map((value) => cellKey('failures', value));
    expect([...keys].sort(collator.compare)).toEqual(['failures:9', 'failures:45', 'failures:120']);
  });

  it('rounds and clamps so keys stay plain integers', () => {
    expect(cellKey('score', 930.4)).toBe('score:930');
    expect(cellKey('score', -3)).toBe('score:0');
    expect(timeKey(undefined)).toBe(0);
    expect(timeKey('2026-03-16T12:00:00Z')).toBe(Date.parse('2026-03-16T12:00:00Z'));
  });
});
