/**
 * What the suggestions need from `bitbucket-pipelines.yml`: per step, its name, whether it sits in a parallel
 * group, its caches, size, and what its script installs or tests. Parsed with a real YAML parser; anything
 * unexpected is skipped rather than guessed.
 */
import { parse } from 'yaml';

export interface ConfigStep {
  name: string;
  parallel: boolean;
  caches: string[];
  size?: string;
  installs: ('node' | 'python' | 'maven' | 'gradle' | 'docker' | 'composer')[];
  runsTests: boolean;
  /** Position in its pipeline (`default`, `branches/main`...), for finding sequential neighbours. */
  pipeline: string;
  index: number;
}

export interface PipelinesConfig {
  steps: ConfigStep[];
  definedCaches: string[];
}

const INSTALLS: [ConfigStep['installs'][number], RegExp][] = [
  ['node', /\b(npm (ci|install)|yarn( install)?$|yarn install|pnpm install)\b/m],
  ['python', /\bpip3? install\b|\bpoetry install\b/],
  ['maven', /\bmvn\b/],
  ['gradle', /\bgradle(w)?\b/],
  ['composer', /\bcomposer install\b/],
  ['docker', /\bdocker (build|pull)\b/],
];
const TESTS =
  /\b(npm (run )?test|jest|pytest|mvn (-\S+ )*(test|verify)|gradlew? test|go test|phpunit|rspec)\b/;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stepFrom(raw: unknown, pipeline: string, index: number, parallel: boolean): ConfigStep | undefined {
  if (!isObj(raw) || !isObj(raw.step)) return undefined;
  const step = raw.step;
  const script = Array.isArray(step.script)
    ? step.script.filter((l): l is string => typeof l === 'string').join('\n')
    : '';
  return {
    name: typeof step.name === 'string' ? step.name : `step ${index + 1}`,
    parallel,
    caches: Array.isArray(step.caches) ? step.caches.filter((c): c is string => typeof c === 'string') : [],
    ...(typeof step.size === 'string' ? { size: step.size } : {}),
    installs: INSTALLS.filter(([, re]) => re.test(script)).map(([k]) => k),
    runsTests: TESTS.test(script),
    pipeline,
    index,
  };
}

function stepsOf(items: unknown, pipeline: string): ConfigStep[] {
  if (!Array.isArray(items)) return [];
  const out: ConfigStep[] = [];
  items.forEach((item, index) => {
    if (isObj(item) && 'parallel' in item) {
      const group =
        isObj(item.parallel) && Array.isArray(item.parallel.steps) ? item.parallel.steps : item.parallel;
      if (Array.isArray(group))
        for (const g of group) {
          const s = stepFrom(g, pipeline, index, true);
          if (s) out.push(s);
        }
      return;
    }
    const s = stepFrom(item, pipeline, index, false);
    if (s) out.push(s);
  });
  return out;
}

export class PipelinesConfigError extends Error {}

export function parsePipelinesConfig(text: string): PipelinesConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new PipelinesConfigError(
      `bitbucket-pipelines.yml is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (!isObj(doc) || !isObj(doc.pipelines)) return { steps: [], definedCaches: [] };
  const steps: ConfigStep[] = [];
  for (const [section, value] of Object.entries(doc.pipelines)) {
    if (Array.isArray(value)) steps.push(...stepsOf(value, section));
    else if (isObj(value))
      for (const [name, items] of Object.entries(value)) steps.push(...stepsOf(items, `${section}/${name}`));
  }
  const definitions =
    isObj(doc.definitions) && isObj(doc.definitions.caches) ? Object.keys(doc.definitions.caches) : [];
  return { steps, definedCaches: definitions };
}
