import { classifyFailure } from '../src/domain/failures/classify';
import { normaliseMessage } from '../src/domain/failures/fingerprint';
const K = 64 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(K / unit.length)).slice(0, K);
const inputs: Record<string, string> = {
  aaaa: 'a'.repeat(K),
  spaces: ' '.repeat(K),
  equals: '='.repeat(K),
  digits: '1'.repeat(K),
  hex: 'abc123'.repeat(K / 6),
  slashes: fill('/a'),
  testWords: fill('test '),
  errorColon: fill('Error: '),
  dashes: fill('--- '),
  gtFailed: fill('x > '),
  manyLines: fill('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n'),
  manyShort: fill('a\n'),
  ansi: fill('\u001b[31m'),
  goPaths: fill('x.go:1:2: '),
  exitCodes: fill('exit code '),
  killed: fill('Killed '),
  fails: fill('FAILED: '),
  bullets: fill('● a '),
  tsx: fill('│ Error: '),
  emptyLines: '\n'.repeat(K),
  crs: '\r'.repeat(K),
  mixedNumbers: fill('Tests run: 1, Failures: '),
};
classifyFailure({ stepResult: 'FAILED', logTail: 'warm up\nError: x' });
for (const [name, tail] of Object.entries(inputs)) {
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) classifyFailure({ stepResult: 'FAILED', logTail: tail });
  const t1 = performance.now();
  for (let i = 0; i < 5; i++) normaliseMessage(tail);
  const t2 = performance.now();
  console.log(name.padEnd(14), ((t1 - t0) / 5).toFixed(2), 'ms classify', ((t2 - t1) / 5).toFixed(2), 'ms normalise');
}
