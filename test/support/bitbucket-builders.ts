/**
 * Builders of raw Bitbucket API objects for tests, with overrides: `aPipeline({ build_number: 7 })`. Pipelines and
 * steps start from real captured objects (test/fixtures/bitbucket/); test cases and repositories follow the shapes
 * in PLATFORM.md, as no capture of them exists.
 */
import { loadCapture } from './bitbucket-goldens';

type Raw = Record<string, unknown>;

function isRaw(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function capturedItem(file: string, index: number): Raw {
  const item = loadCapture(file)[index];
  if (!isRaw(item)) throw new Error(`${file}[${index}] is not an object`);
  return item;
}

export const PIPELINE_UUID = '27e63c0b-2997-43e1-ba1e-7c43a3b0d9ef';
export const STEP_UUID = '2e4f64c1-8123-4e39-8bb4-c34c68990b45';
export const REPO_UUID = '6cc04382-59f0-4a75-8b55-5aaa79d72d17';

/** A completed, failed pipeline built on the first Faros capture. */
export function aPipeline(overrides: Raw = {}): Raw {
  return {
    ...capturedItem('faros-pipelines-values.json', 0),
    state: { name: 'COMPLETED', result: { name: 'FAILED', type: 'pipeline_state_completed_failed' } },
    completed_on: '2021-12-06T07:20:53.512Z',
    ...overrides,
  };
}

/** A completed, successful step built on the first Faros capture. */
export function aStep(overrides: Raw = {}): Raw {
  return { ...capturedItem('faros-pipeline-steps-values.json', 0), ...overrides };
}

export function aTestCase(overrides: Raw = {}): Raw {
  return {
    uuid: '{5b0d6d8a-3f2e-4e7a-9c1d-0a1b2c3d4e5f}',
    name: 'rejects an expired token',
    fully_qualified_name: 'com.example.auth.TokenTest.rejects an expired token',
    package_name: 'com.example.auth',
    status: 'FAILED',
    duration: 'PT1.25S',
    ...overrides,
  };
}

export function aRepository(overrides: Raw = {}): Raw {
  return {
    type: 'repository',
    uuid: `{${REPO_UUID}}`,
    slug: 'geekhub2019',
    full_name: 'RomanKyrnis/geekhub2019',
    mainbranch: { name: 'master', type: 'branch' },
    workspace: { uuid: '{4c16a397-8e48-479c-8ca2-442e46c90570}', slug: 'RomanKyrnis' },
    ...overrides,
  };
}

export function aPage(values: unknown[], next?: string): Raw {
  return next === undefined ? { pagelen: 100, values } : { pagelen: 100, values, next };
}
