import { readFileSync } from 'node:fs';
import { MalformedResponseError } from '../../src/bitbucket/errors';
import { parseIsoDurationMs } from '../../src/bitbucket/iso-duration';
import {
  pipelineFromApi,
  pipelineVariableFromApi,
  repositoryFromApi,
  stepFromApi,
  testCaseFromApi,
  testCaseReasonsFromApi,
  testCaseStatusFromApi,
  testReportSummaryFromApi,
} from '../../src/bitbucket/mappers';
import {
  GOLDEN_CASES,
  goldenPath,
  loadCapture,
  mapCapture,
  renderGolden,
  writeGoldens,
} from '../support/bitbucket-goldens';
import { aPipeline, aRepository, aStep, aTestCase, PIPELINE_UUID } from '../support/bitbucket-builders';

describe('golden outputs on captured responses', () => {
  if (process.env.UPDATE_GOLDENS === '1') writeGoldens();

  it.each(GOLDEN_CASES.map((c) => [c.golden, c] as const))('%s matches its golden file', (_name, c) => {
    expect(renderGolden(mapCapture(c.fixture, c.mapper))).toBe(readFileSync(goldenPath(c.golden), 'utf8'));
  });
});

describe('pipelineFromApi', () => {
  it('rejects a pipeline without build_number (the DevLake capture filtered it out) instead of inventing one', () => {
    const [raw] = loadCapture('devlake-pipelines-fields-filtered.json');
    expect(() => pipelineFromApi(raw)).toThrow(MalformedResponseError);
    expect(() => pipelineFromApi(raw)).toThrow(/build_number/);
  });

  it('maps results only for completed pipelines, and a stage while in progress', () => {
    const failed = pipelineFromApi(aPipeline());
    expect(failed).toMatchObject({
      uuid: PIPELINE_UUID,
      status: 'COMPLETED',
      result: 'FAILED',
      buildNumber: 2,
    });
    const paused = pipelineFromApi(
      aPipeline({ state: { name: 'IN_PROGRESS', stage: { name: 'PAUSED' }, result: { name: 'FAILED' } } }),
    );
    expect(paused.result).toBeUndefined();
    expect(paused.stage).toBe('PAUSED');
  });

  it('maps states Bitbucket may add later to UNKNOWN instead of failing', () => {
    const p = pipelineFromApi(
      aPipeline({ state: { name: 'COMPLETED', result: { name: 'CANCELLED_BY_ROBOT' } } }),
    );
    expect(p.result).toBe('UNKNOWN');
    expect(pipelineFromApi(aPipeline({ state: { name: 'QUEUED' } })).status).toBe('UNKNOWN');
  });

  it('reads run_creation_date and the error of an ERROR result', () => {
    const p = pipelineFromApi(
      aPipeline({
        run_number: 2,
        run_creation_date: '2021-12-07T10:00:00.123456Z',
        state: {
          name: 'COMPLETED',
          result: { name: 'ERROR', error: { key: 'plan-service.parse.parse-error', message: 'bad yml' } },
        },
      }),
    );
    expect(p).toMatchObject({
      runNumber: 2,
      runCreatedOn: '2021-12-07T10:00:00.123Z',
      result: 'ERROR',
      errorKey: 'plan-service.parse.parse-error',
      errorMessage: 'bad yml',
    });
  });

  it('reads pull request targets with branches as strings', () => {
    const p = pipelineFromApi(
      aPipeline({
        target: {
          type: 'pipeline_pullrequest_target',
          source: 'feature/login',
          destination: 'main',
          commit: { hash: 'b88c4b490b648bf960eba6f59123456797960e55' },
          pullrequest: { id: 42, title: 'Login' },
          selector: { type: 'pull-requests', pattern: '**' },
        },
      }),
    );
    expect(p.target).toEqual({
      refType: 'pullrequest',
      refName: 'feature/login',
      commit: 'b88c4b490b648bf960eba6f59123456797960e55',
      selectorType: 'pull-requests',
      selectorPattern: '**',
      pullRequestId: 42,
      sourceBranch: 'feature/login',
      destinationBranch: 'main',
    });
  });

  it('reads pull request branches given as objects inside pullrequest', () => {
    const p = pipelineFromApi(
      aPipeline({
        target: {
          type: 'pipeline_pullrequest_target',
          pullrequest: { id: 7, source: { branch: { name: 'fix' } }, destination: { name: 'main' } },
        },
      }),
    );
    expect(p.target).toMatchObject({ pullRequestId: 7, sourceBranch: 'fix', destinationBranch: 'main' });
  });

  it.each([
    ['missing uuid', { uuid: undefined }, /uuid/],
    ['a uuid that is not one', { uuid: '{nope}' }, /uuid: not a UUID/],
    ['build_number as a string', { build_number: '2' }, /build_number/],
    ['a created_on that is no time', { created_on: 'yesterday' }, /created_on: not a timestamp/],
  ])('throws MalformedResponseError on %s', (_what, override, message) => {
    expect(() => pipelineFromApi(aPipeline(override))).toThrow(message);
    expect(() => pipelineFromApi(aPipeline(override))).toThrow(MalformedResponseError);
  });

  it('truncates the body kept on the error to 200 characters', () => {
    try {
      pipelineFromApi(aPipeline({ uuid: 1 }));
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(MalformedResponseError);
      if (error instanceof MalformedResponseError) expect(error.bodySnippet).toHaveLength(200);
    }
  });
});

describe('stepFromApi', () => {
  const devlakeSteps = loadCapture('devlake-pipeline-steps-fields-filtered.json').map((raw) =>
    stepFromApi(raw),
  );

  it('marks the captured redeploy step (run_number 2) as a rerun, and only it', () => {
    const reruns = devlakeSteps.filter((s) => s.isRerun);
    expect(reruns.map((s) => [s.uuid, s.runNumber, s.triggerType])).toEqual([
      ['e4753fd7-469e-4d15-a689-0fd882fee2d4', 2, 'pipeline_step_trigger_redeploy'],
    ]);
  });

  it('reads maxTime and max_time alike', () => {
    expect(devlakeSteps.every((s) => s.maxTimeMinutes === 120)).toBe(true);
    expect(stepFromApi(aStep()).maxTimeMinutes).toBe(120);
    expect(stepFromApi(aStep({ max_time: undefined, maxTime: 30 })).maxTimeMinutes).toBe(30);
  });

  it('keeps NOT_RUN and leaves no result on pending steps with an empty result object', () => {
    expect(devlakeSteps.some((s) => s.result === 'NOT_RUN')).toBe(true);
    const pending = stepFromApi(loadCapture('faros-pipeline-steps-values.json')[4]);
    expect(pending).toMatchObject({
      status: 'PENDING',
      triggerType: 'pipeline_step_trigger_manual',
      image: 'atlassian/default-image:3',
    });
    expect(pending.result).toBeUndefined();
  });

  it('takes the pipeline uuid from the request when the item has none', () => {
    const step = stepFromApi(aStep({ pipeline: undefined }), `{${PIPELINE_UUID.toUpperCase()}}`);
    expect(step.pipelineUuid).toBe(PIPELINE_UUID);
    expect(() => stepFromApi(aStep({ pipeline: undefined }))).toThrow(/pipeline.uuid/);
  });

  it.each([
    ['2x', 2],
    ['8x', 8],
    [4, 4],
    [undefined, 1],
  ])('maps size %p to multiplier %p', (size, multiplier) => {
    expect(stepFromApi(aStep({ size })).sizeMultiplier).toBe(multiplier);
  });

  it('refuses an unreadable size rather than assume 1x', () => {
    expect(() => stepFromApi(aStep({ size: 'huge' }))).toThrow(MalformedResponseError);
  });

  it('marks a step with run_number > 1 as a rerun even without the redeploy trigger', () => {
    expect(stepFromApi(aStep({ run_number: 3 })).isRerun).toBe(true);
  });
});

describe('test reports', () => {
  it('maps the summary, treating counts left out as zero', () => {
    expect(
      testReportSummaryFromApi({
        number_of_test_cases: 12,
        number_of_failed_test_cases: 2,
        number_of_skipped_test_cases: 1,
      }),
    ).toEqual({
      total: 12,
      successful: 0,
      failed: 2,
      error: 0,
      skipped: 1,
    });
    expect(() => testReportSummaryFromApi({ number_of_failed_test_cases: 2 })).toThrow(
      MalformedResponseError,
    );
  });

  it('names a test by fully_qualified_name, else package + name, else name', () => {
    expect(testCaseFromApi(aTestCase()).name).toBe('com.example.auth.TokenTest.rejects an expired token');
    expect(testCaseFromApi(aTestCase({ fully_qualified_name: undefined })).name).toBe(
      'com.example.auth.rejects an expired token',
    );
    expect(testCaseFromApi(aTestCase({ fully_qualified_name: null, package_name: '' })).name).toBe(
      'rejects an expired token',
    );
    expect(() => testCaseFromApi(aTestCase({ fully_qualified_name: undefined, name: undefined }))).toThrow(
      /name/,
    );
  });

  it('maps the test case fields and unwraps its uuid', () => {
    expect(testCaseFromApi(aTestCase())).toEqual({
      uuid: '5b0d6d8a-3f2e-4e7a-9c1d-0a1b2c3d4e5f',
      name: 'com.example.auth.TokenTest.rejects an expired token',
      packageName: 'com.example.auth',
      status: 'FAILED',
      durationMs: 1250,
    });
  });

  it('caps names at 2,000 characters', () => {
    expect(testCaseFromApi(aTestCase({ fully_qualified_name: 'x'.repeat(2500) })).name).toHaveLength(2000);
  });

  it.each([
    ['PASSED', 'PASSED'],
    ['successful', 'PASSED'],
    ['FAILURE', 'FAILED'],
    ['ERROR', 'ERROR'],
    ['IGNORED', 'SKIPPED'],
    ['SKIPPED', 'SKIPPED'],
    ['FLAKY', 'UNKNOWN'],
  ])('maps test status %s to %s', (raw, status) => {
    expect(testCaseStatusFromApi(raw)).toBe(status);
  });

  it('refuses a duration that is not ISO-8601', () => {
    expect(() => testCaseFromApi(aTestCase({ duration: '1.5s' }))).toThrow(/duration/);
  });

  it('joins reason messages and stack traces from either shape', () => {
    expect(
      testCaseReasonsFromApi({ message: 'expected 1 to be 2', stack_trace: 'at Foo.test(Foo.java:3)' }),
    ).toBe('expected 1 to be 2\nat Foo.test(Foo.java:3)');
    expect(testCaseReasonsFromApi({ values: [{ message: 'boom' }, { message: '' }] })).toBe('boom');
    expect(testCaseReasonsFromApi({ values: [] })).toBeUndefined();
  });
});

describe('parseIsoDurationMs', () => {
  it.each([
    ['PT0.1S', 100],
    ['PT1M2.5S', 62_500],
    ['PT1H', 3_600_000],
    ['P1DT1S', 86_401_000],
    ['PT0.0004S', 0],
  ])('%s → %d ms', (text, ms) => {
    expect(parseIsoDurationMs(text)).toBe(ms);
  });

  it.each(['P', 'PT', '1.5', 'P1Y', 'PT1.S', ''])('rejects %p', (text) => {
    expect(parseIsoDurationMs(text)).toBeUndefined();
  });
});

describe('repositoryFromApi', () => {
  it('maps slugs, uuids and the main branch', () => {
    expect(repositoryFromApi(aRepository())).toEqual({
      workspace: 'RomanKyrnis',
      repoSlug: 'geekhub2019',
      repoUuid: '6cc04382-59f0-4a75-8b55-5aaa79d72d17',
      workspaceUuid: '4c16a397-8e48-479c-8ca2-442e46c90570',
      defaultBranch: 'master',
      fullName: 'RomanKyrnis/geekhub2019',
    });
  });

  it('falls back to full_name for slugs, and refuses a repository with neither', () => {
    const repo = repositoryFromApi(aRepository({ slug: undefined, workspace: undefined, mainbranch: null }));
    expect(repo).toMatchObject({ workspace: 'RomanKyrnis', repoSlug: 'geekhub2019' });
    expect(repo.defaultBranch).toBeUndefined();
    expect(() => repositoryFromApi(aRepository({ slug: undefined, full_name: undefined }), 'ws')).toThrow(
      /slug/,
    );
  });
});

describe('pipelineVariableFromApi', () => {
  it('keeps secured variables without a value', () => {
    expect(pipelineVariableFromApi({ uuid: `{${PIPELINE_UUID}}`, key: 'TOKEN', secured: true })).toEqual({
      uuid: PIPELINE_UUID,
      key: 'TOKEN',
      secured: true,
    });
  });
});
