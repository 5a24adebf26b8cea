import { normaliseTestName, stepTestId } from '../../src/domain/test-identity';

describe('test identity', () => {
  it('keeps whitespace: names that differ only in spacing are two tests', () => {
    const names = [
      'Cart › adds item',
      'Cart ›  adds item',
      'Cart ›\tadds item',
      ' Cart › adds item',
      'Cart › adds item\n',
    ];
    expect(new Set(names.map((n) => stepTestId('Unit tests', n))).size).toBe(names.length);
    expect(normaliseTestName('Cart ›  adds item\t')).toBe('Cart ›  adds item\t');
  });

  it('keeps every character of a long name: names that differ after character 160 are two tests', () => {
    const prefix = 'x'.repeat(1500);
    expect(stepTestId('Unit tests', `${prefix}a`)).not.toBe(stepTestId('Unit tests', `${prefix}b`));
  });

  it('normalises noise that changes from run to run: addresses, UUIDs, timestamps, a trailing duration', () => {
    const id = (name: string) => stepTestId('Unit tests', name);
    expect(id('Pool <Conn at 0x7f3a2b1c4d50> closes')).toBe(id('Pool <Conn at 0x7f99aa00bb11> closes'));
    expect(id('loads order 0b7c2f1e-3d4a-4b5c-8d9e-0f1a2b3c4d5e')).toBe(
      id('loads order 11111111-2222-4333-8444-555555555555'),
    );
    expect(id('runs at 2026-03-01T10:00:00Z')).toBe(id('runs at 2026-03-02 11:30:00'));
    expect(id('renders (12 ms)')).toBe(id('renders (340 ms)'));
  });

  it('tracks the same name in two steps as two tests', () => {
    expect(stepTestId('Unit tests', 'a')).not.toBe(stepTestId('Integration tests', 'a'));
  });
});
