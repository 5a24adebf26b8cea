/**
 * Real test names for the generated suites, from `test/fixtures/eval/junit-names.json` (extracted from real JUnit
 * reports by `extract-names.ts`), and the twins that make exact names matter: a copy that differs only in
 * whitespace, or only after character 160.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { shuffled, type Rng } from './random';

export const FIXTURE_DIR = path.join(__dirname, '..', '..', 'test', 'fixtures', 'eval');

const poolSchema = z.object({
  files: z.array(z.string()),
  families: z.record(z.string(), z.array(z.tuple([z.string(), z.string(), z.number().int()]))),
  messages: z.record(z.string(), z.array(z.string())),
});
export type NamePool = z.infer<typeof poolSchema>;

let cached: NamePool | undefined;
export function namePool(): NamePool {
  cached ??= poolSchema.parse(JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'junit-names.json'), 'utf8')));
  return cached;
}

export interface TestName {
  /** `classname` as the runner wrote it ('' when none): served as `package_name`. */
  classname: string;
  name: string;
  /** What Bitbucket shows as `fully_qualified_name`. */
  fullName: string;
}

export const LONG_NAME = 160;

const withFull = (classname: string, name: string): TestName => ({
  classname,
  name,
  fullName: classname ? `${classname}.${name}` : name,
});

/**
 * `count` distinct names, from the family first, then from the other families (largest first) when the family
 * has too few, as a repository that runs several test tools would.
 */
export function drawNames(rng: Rng, family: string, count: number, taken: Set<string>): TestName[] {
  const pool = namePool();
  if (!pool.families[family])
    throw new Error(
      `no test names for runner family "${family}" (known: ${Object.keys(pool.families).join(', ')})`,
    );
  const others = Object.keys(pool.families)
    .filter((f) => f !== family)
    .sort((a, b) => (pool.families[b]?.length ?? 0) - (pool.families[a]?.length ?? 0));
  const out: TestName[] = [];
  for (const f of [family, ...others]) {
    for (const [c, n] of shuffled(rng, pool.families[f] ?? [])) {
      if (out.length >= count) return out;
      const t = withFull(c, n);
      if (taken.has(t.fullName)) continue;
      taken.add(t.fullName);
      out.push(t);
    }
  }
  for (let i = 0; out.length < count; i++) {
    // More tests than real names: the same names, parameterised, as a data-driven suite reports them.
    const base = out[i % Math.max(1, out.length)] ?? withFull('suite', 'case');
    const t = withFull(base.classname, `${base.name}[${Math.floor(i / Math.max(1, out.length)) + 2}]`);
    if (taken.has(t.fullName)) continue;
    taken.add(t.fullName);
    out.push(t);
  }
  return out;
}

/** A twin that differs from `t` only in whitespace: a double space collapsed, or one added. */
export function whitespaceTwin(t: TestName): TestName {
  const collapsed = t.name.replace(/(\S)\s{2,}(\S)/, '$1 $2');
  if (collapsed !== t.name) return withFull(t.classname, collapsed);
  const spaced = t.name.replace(/(\S) (\S)/, '$1  $2');
  return withFull(t.classname, spaced !== t.name ? spaced : `${t.name} `);
}

/** A twin that differs from `t` (longer than 160 characters) only after character 160: the next parameter. */
export function longNameTwin(t: TestName): TestName {
  const offset = t.fullName.length - t.name.length;
  const lastDigit = t.name.search(/\d(?=\D*$)/);
  if (lastDigit >= 0 && offset + lastDigit >= LONG_NAME) {
    const d = Number(t.name[lastDigit]);
    return withFull(
      t.classname,
      `${t.name.slice(0, lastDigit)}${(d + 1) % 10}${t.name.slice(lastDigit + 1)}`,
    );
  }
  return withFull(t.classname, `${t.name} [2]`);
}

/** Real names longer than 160 characters, from every family: the raw material of long-name twins. */
export function longNames(rng: Rng, taken: Set<string>, count: number): TestName[] {
  const pool = namePool();
  const all = Object.values(pool.families)
    .flat()
    .map(([c, n]) => withFull(c, n))
    .filter((t) => t.fullName.length > LONG_NAME && !taken.has(t.fullName));
  return shuffled(rng, all).slice(0, count);
}

/** Real failure messages of the family (or of all families), for failed test cases. */
export function failureMessages(family: string): string[] {
  const pool = namePool();
  const own = pool.messages[family] ?? [];
  return own.length >= 3 ? own : Object.values(pool.messages).flat();
}
