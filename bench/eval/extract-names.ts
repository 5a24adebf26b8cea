/**
 * Builds `test/fixtures/eval/junit-names.json`, the pool of real test names (and a few real failure messages) that
 * the evaluation generator draws its suites from, out of a folder of real JUnit XML reports laid out as
 * `<producer>/<owner>__<repo>__<basename>.xml` with a `PROVENANCE.tsv` beside them.
 *
 *   npx tsx bench/eval/extract-names.ts ../shared/data/junit test/fixtures/eval/junit-names.json
 *
 * Run by hand when the source set changes; nothing reads the source folder at bench or test time.
 *
 * Rules:
 * - A case's fully qualified name is `classname.name` (just `name` without a class name): what a JUnit consumer
 *   such as Bitbucket builds from the two attributes. Attributes are entity-decoded and otherwise verbatim:
 *   double spaces, markup, quotes and non-ASCII text are kept.
 * - Names longer than Bitbucket's 2,000-character field limit are left out.
 * - Names that are the same once UUIDs, hex addresses and timestamps are masked are one test (a product may merge
 *   that noise); only the first is kept. Whitespace and everything after character 160 still tell tests apart.
 * - `other/` is left out: it is a vulnerability scan rendered as JUnit, not a test run.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Parser } from 'htmlparser2';

/** Which runner family a producer folder belongs to; a repository's suite is drawn from one family. */
const FAMILY: Record<string, string> = {
  'jest-junit': 'jest',
  mocha: 'mocha',
  cypress: 'mocha',
  pytest: 'pytest',
  'python-other': 'pytest',
  'maven-surefire': 'junit',
  gradle: 'junit',
  android: 'junit',
  go: 'go',
  kubetest: 'go',
  rspec: 'rspec',
  dotnet: 'dotnet',
  phpunit: 'phpunit',
  ios: 'xctest',
  'rust-nextest': 'nextest',
};

const MAX_NAME = 2000;
const MAX_MESSAGE = 600;
const MESSAGES_PER_FAMILY = 12;

/** `[classname ('' when absent), name, index of the source file in NamePool.files]`. */
export type NamePoolEntry = [string, string, number];

export interface NamePool {
  description: string;
  /** Source files, relative to the JUnit folder (provenance). */
  files: string[];
  families: Record<string, NamePoolEntry[]>;
  /** Real failure messages (`<failure message>` or its text), per family. */
  messages: Record<string, string[]>;
}

export const fullName = ([classname, name]: readonly [string, string, ...unknown[]]): string =>
  classname ? `${classname}.${name}` : name;

/** Masks the noise a product may legitimately merge, to keep one name per masked form. */
export function noiseKey(name: string): string {
  return name
    .replace(/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g, '<uuid>')
    .replace(/0x[0-9a-fA-F]{6,}/g, '0x?')
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?/g, '<time>');
}

function casesOf(xml: string, file: number): { cases: NamePoolEntry[]; messages: string[] } {
  const cases: NamePoolEntry[] = [];
  const messages: string[] = [];
  let inFailure = false;
  let failureText = '';
  const parser = new Parser(
    {
      onopentag(tag, attrs) {
        if (tag === 'testcase' && attrs['name'] !== undefined)
          cases.push([attrs['classname'] ?? '', attrs['name'], file]);
        if (tag === 'failure' || tag === 'error') {
          inFailure = true;
          failureText = attrs['message'] ?? '';
        }
      },
      ontext(text) {
        if (inFailure && failureText === '') failureText = text;
      },
      onclosetag(tag) {
        if ((tag === 'failure' || tag === 'error') && inFailure) {
          inFailure = false;
          const message = failureText.trim().slice(0, MAX_MESSAGE);
          if (message) messages.push(message);
        }
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.write(xml);
  parser.end();
  return { cases, messages };
}

export function buildNamePool(junitDir: string): NamePool {
  const files: string[] = [];
  const families: Record<string, NamePoolEntry[]> = {};
  const messages: Record<string, string[]> = {};
  const seen = new Set<string>();
  for (const producer of readdirSync(junitDir).sort()) {
    const family = FAMILY[producer];
    if (!family) continue;
    for (const base of readdirSync(path.join(junitDir, producer)).sort()) {
      if (!base.endsWith('.xml')) continue;
      const file = `${producer}/${base}`;
      const parsed = casesOf(readFileSync(path.join(junitDir, file), 'utf8'), files.length);
      files.push(file);
      for (const entry of parsed.cases) {
        const name = fullName(entry);
        const key = noiseKey(name);
        if (name.trim() === '' || name.length > MAX_NAME || seen.has(key)) continue;
        seen.add(key);
        (families[family] ??= []).push(entry);
      }
      const list = (messages[family] ??= []);
      for (const m of parsed.messages)
        if (list.length < MESSAGES_PER_FAMILY && !list.includes(m)) list.push(m);
    }
  }
  return {
    description:
      'Test names and failure messages from real JUnit XML reports (see README.md beside this file for provenance).',
    files,
    families,
    messages,
  };
}

function main(): void {
  const [junitDir, out] = process.argv.slice(2);
  if (!junitDir || !out) {
    console.error('usage: tsx bench/eval/extract-names.ts JUNIT_DIR OUT_JSON');
    process.exit(2);
  }
  const pool = buildNamePool(junitDir);
  writeFileSync(out, `${JSON.stringify(pool)}\n`);
  for (const [family, list] of Object.entries(pool.families))
    console.log(
      `${family.padEnd(8)} ${String(list.length).padStart(5)} names, ${pool.messages[family]?.length ?? 0} messages`,
    );
}

if (require.main === module) main();
