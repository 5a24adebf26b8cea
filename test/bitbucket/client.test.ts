import { StoreBudget } from '../../src/bitbucket/budget';
import { BitbucketClient, type CallRecord } from '../../src/bitbucket/client';
import {
  AuthError,
  BitbucketHttpError,
  BudgetExhaustedError,
  MalformedResponseError,
  PageLimitError,
  RateLimitedError,
  TransportError,
} from '../../src/bitbucket/errors';
import {
  defaultRetryPolicy,
  forgeConsumerRetryPolicy,
  type RetryPolicy,
} from '../../src/bitbucket/retry-policy';
import type { RepoRef } from '../../src/domain/types';
import { judgeJobError } from '../../src/services/job-errors';
import { SqliteStore } from '../../src/storage/sqlite-store';
import {
  aPage,
  aPipeline,
  aRepository,
  aStep,
  aTestCase,
  PIPELINE_UUID,
  STEP_UUID,
} from '../support/bitbucket-builders';
import { callLog, json, networkError, ScriptedTransport, text } from '../support/scripted-transport';

const REPO: RepoRef = {
  workspace: 'acme',
  repoSlug: 'web-app',
  repoUuid: '6cc04382-59f0-4a75-8b55-5aaa79d72d17',
};
const BASE = '/repositories/acme/web-app';
const P = `%7B${PIPELINE_UUID}%7D`;
const S = `%7B${STEP_UUID}%7D`;
const API = 'https://api.bitbucket.org/2.0';

/** A client whose sleeps are recorded, not slept, and whose jitter is fixed at half the ceiling. */
function clientOn(
  transport: ScriptedTransport,
  extra: { policy?: RetryPolicy; budget?: StoreBudget; maxPages?: number } = {},
) {
  const sleeps: number[] = [];
  const calls: CallRecord[] = [];
  const client = new BitbucketClient({
    transport,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    now: () => Date.parse('2026-01-31T09:00:00Z'),
    onCall: (c) => calls.push(c),
    ...extra,
  });
  return { client, sleeps, calls };
}

const PIPELINES_FIRST =
  `GET ${BASE}/pipelines?sort=-created_on&pagelen=100&fields=next,values.uuid,values.build_number,values.run_number,` +
  'values.state,values.target,values.trigger,values.created_on,values.run_creation_date,values.completed_on,' +
  'values.duration_in_seconds,values.build_seconds_used';
const STEPS_FIRST =
  `GET ${BASE}/pipelines/${P}/steps?pagelen=100&fields=next,values.uuid,values.name,values.pipeline.uuid,` +
  'values.run_number,values.trigger.type,values.state,values.started_on,values.completed_on,values.duration_in_seconds,' +
  'values.build_seconds_used,values.maxTime,values.max_time,values.image,values.size';

describe('paths and pagination', () => {
  it('lists pipelines with sort, filters, fields and pagelen, and hands back next untouched', async () => {
    const next = `${API}${BASE}/pipelines?page=2&pagelen=100&sort=-created_on`;
    const t = ScriptedTransport.script({
      expect: PIPELINES_FIRST.replace('?sort', '?target.branch=main&sort'),
      headers: { accept: 'application/json', authorization: null },
      reply: json(200, aPage([aPipeline()], next)),
    });
    const { client } = clientOn(t);
    const page = await client.listPipelinesPage(REPO, {
      sort: '-created_on',
      filters: { 'target.branch': 'main' },
    });
    expect(page.next).toBe(next);
    expect(page.pipelines.map((p) => p.uuid)).toEqual([PIPELINE_UUID]);

    const t2 = ScriptedTransport.script({ expect: `GET ${next}`, reply: json(200, aPage([])) });
    const second = await clientOn(t2).client.listPipelinesPage(REPO, { sort: '-created_on', pageUrl: next });
    expect(second).toEqual({ pipelines: [] });
  });

  it('follows next across 3 pages of steps, exactly as given', async () => {
    const page2 = `${API}${BASE}/pipelines/${P}/steps?page=2&pagelen=100&fields=opaque`;
    const page3 = `${API}${BASE}/pipelines/${P}/steps?page=3&pagelen=100&fields=opaque`;
    const ids = [
      '11111111-1111-4111-8111-111111111111',
      '22222222-2222-4222-8222-222222222222',
      '33333333-3333-4333-8333-333333333333',
    ];
    const t = ScriptedTransport.script(
      { expect: STEPS_FIRST, reply: json(200, aPage([aStep({ uuid: `{${ids[0]}}` })], page2)) },
      { expect: `GET ${page2}`, reply: json(200, aPage([aStep({ uuid: `{${ids[1]}}` })], page3)) },
      { expect: `GET ${page3}`, reply: json(200, aPage([aStep({ uuid: `{${ids[2]}}` })])) },
    );
    const { client } = clientOn(t);
    const steps = await client.listSteps(REPO, PIPELINE_UUID);
    expect(steps.map((s) => s.uuid)).toEqual(ids);
    expect(client.stats).toEqual({ calls: 3, retries: 0, byEndpoint: { 'steps.list': 3 } });
    expect(t.remaining).toBe(0);
  });

  it('stops a pagination loop (next pointing back to a page already read)', async () => {
    const page2 = `${API}${BASE}/pipelines/${P}/steps?page=2`;
    const t = ScriptedTransport.handler((req) =>
      req.url === page2 ? json(200, aPage([aStep()], page2)) : json(200, aPage([aStep()], page2)),
    );
    await expect(clientOn(t).client.listSteps(REPO, PIPELINE_UUID)).rejects.toThrow(/pagination loop/);
    expect(t.calls).toHaveLength(2);
  });

  it('refuses lists longer than maxPages instead of returning part of them', async () => {
    let n = 0;
    const t = ScriptedTransport.handler(() => json(200, aPage([aTestCase()], `${API}/next?page=${++n}`)));
    const { client } = clientOn(t, { maxPages: 3 });
    await expect(client.listTestCases(REPO, PIPELINE_UUID, STEP_UUID)).rejects.toBeInstanceOf(PageLimitError);
    expect(t.calls).toHaveLength(3);
  });

  it('encodes UUID workspaces and repositories with braces as %7B...%7D', async () => {
    const uuidRepo: RepoRef = {
      workspace: '{4c16a397-8e48-479c-8ca2-442e46c90570}',
      repoSlug: '6CC04382-59F0-4A75-8B55-5AAA79D72D17',
      repoUuid: 'x',
    };
    const t = ScriptedTransport.script({
      expect:
        'GET /repositories/%7B4c16a397-8e48-479c-8ca2-442e46c90570%7D/%7B6cc04382-59f0-4a75-8b55-5aaa79d72d17%7D' +
        `/pipelines/${P}?fields=uuid,build_number,run_number,state,target,trigger,created_on,run_creation_date,completed_on,duration_in_seconds,build_seconds_used`,
      reply: json(200, aPipeline()),
    });
    await clientOn(t).client.getPipeline(uuidRepo, `{${PIPELINE_UUID.toUpperCase()}}`);
    expect(t.remaining).toBe(0);
  });

  it('encodes slugs and file paths, and refuses path tricks', async () => {
    const t = ScriptedTransport.script({
      expect: `GET /repositories/my%20ws/r%3Fx/src/abcdef1234567/ci/bitbucket-pipelines.yml`,
      reply: text(200, 'image: node:20\n'),
    });
    const { client } = clientOn(t);
    const repo: RepoRef = { workspace: 'my ws', repoSlug: 'r?x', repoUuid: 'x' };
    expect(await client.getFileAtCommit(repo, 'ABCDEF1234567', 'ci/bitbucket-pipelines.yml')).toBe(
      'image: node:20\n',
    );
    await expect(client.getFileAtCommit(repo, 'main', 'a.yml')).rejects.toBeInstanceOf(RangeError);
    await expect(client.getFileAtCommit(repo, 'abcdef1234567', '../secrets')).rejects.toBeInstanceOf(
      RangeError,
    );
  });

  it('lists repositories with the workspace slug as fallback', async () => {
    const t = ScriptedTransport.script({
      expect:
        'GET /repositories/acme?pagelen=100&fields=next,values.uuid,values.slug,values.full_name,values.mainbranch.name,values.workspace.uuid,values.workspace.slug',
      reply: json(200, aPage([aRepository({ workspace: undefined, full_name: undefined })])),
    });
    const repos = await clientOn(t).client.listRepositories('acme');
    expect(repos).toEqual([
      {
        workspace: 'acme',
        repoSlug: 'geekhub2019',
        repoUuid: '6cc04382-59f0-4a75-8b55-5aaa79d72d17',
        defaultBranch: 'master',
      },
    ]);
  });
});

describe('retries', () => {
  const PIPELINE = `GET ${BASE}/pipelines/${P}?fields=uuid,build_number,run_number,state,target,trigger,created_on,run_creation_date,completed_on,duration_in_seconds,build_seconds_used`;

  it('retries a 429 without Retry-After with full-jitter backoff, then succeeds', async () => {
    const t = ScriptedTransport.script(
      { expect: PIPELINE, reply: text(429, 'Rate limit for this resource has been exceeded') },
      { expect: PIPELINE, reply: json(200, aPipeline()) },
    );
    const { client, sleeps } = clientOn(t);
    expect((await client.getPipeline(REPO, PIPELINE_UUID)).uuid).toBe(PIPELINE_UUID);
    expect(sleeps).toEqual([250]); // random 0.5 × min(30 s, 500 ms × 2^0)
    expect(client.stats).toMatchObject({ calls: 2, retries: 1 });
  });

  it('retries 503 three times with growing backoff, then succeeds', async () => {
    const t = ScriptedTransport.script(
      { expect: PIPELINE, reply: text(503, 'unavailable') },
      { expect: PIPELINE, reply: text(503, 'unavailable') },
      { expect: PIPELINE, reply: text(503, 'unavailable') },
      { expect: PIPELINE, reply: json(200, aPipeline()) },
    );
    const { client, sleeps } = clientOn(t);
    await client.getPipeline(REPO, PIPELINE_UUID);
    expect(sleeps).toEqual([250, 500, 1000]);
    expect(callLog(t)).toEqual([PIPELINE, PIPELINE, PIPELINE, PIPELINE]);
  });

  it('gives up on a 5xx after maxAttempts with BitbucketHttpError', async () => {
    const t = ScriptedTransport.handler(() => text(502, 'bad gateway'));
    const { client } = clientOn(t);
    const error = await client.getPipeline(REPO, PIPELINE_UUID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BitbucketHttpError);
    expect(error).toMatchObject({ status: 502, method: 'GET', path: `${BASE}/pipelines/${P}` });
    expect(t.calls).toHaveLength(defaultRetryPolicy.maxAttempts);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const t = ScriptedTransport.script(
      { expect: PIPELINE, reply: text(429, 'slow down', { 'retry-after': '7' }) },
      { expect: PIPELINE, reply: text(503, 'x', { 'retry-after': 'Sat, 31 Jan 2026 09:00:03 GMT' }) },
      { expect: PIPELINE, reply: json(200, aPipeline()) },
    );
    const { client, sleeps } = clientOn(t);
    await client.getPipeline(REPO, PIPELINE_UUID);
    expect(sleeps).toEqual([7000, 3000]);
  });

  it('surfaces exhausted 429s as RateLimitedError with the default retry-after', async () => {
    const t = ScriptedTransport.handler(() => text(429, 'Rate limit exceeded'));
    const { client, sleeps } = clientOn(t);
    const error = await client.getPipeline(REPO, PIPELINE_UUID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterSeconds: 60 });
    expect(t.calls).toHaveLength(4);
    expect(sleeps).toEqual([250, 500, 1000]);
  });

  it('with the Forge consumer policy, a 429 surfaces at once carrying Retry-After', async () => {
    const t = ScriptedTransport.handler(() => text(429, 'Rate limit exceeded', { 'retry-after': '120' }));
    const { client, sleeps } = clientOn(t, { policy: forgeConsumerRetryPolicy });
    const error = await client.getPipeline(REPO, PIPELINE_UUID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterSeconds: 120 });
    expect(t.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('does not sleep on a Retry-After longer than the policy allows', async () => {
    const t = ScriptedTransport.handler(() => text(429, 'x', { 'retry-after': '3600' }));
    const error = await clientOn(t)
      .client.getPipeline(REPO, PIPELINE_UUID)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ retryAfterSeconds: 3600 });
    expect(t.calls).toHaveLength(1);
  });

  it("does not sleep past a consumer's time on a 5xx Retry-After: the error carries the wait, capped for Forge", async () => {
    const t = ScriptedTransport.handler(() => text(503, 'maintenance', { 'retry-after': '1800' }));
    const { client, sleeps } = clientOn(t, { policy: forgeConsumerRetryPolicy });
    const error = await client.getPipeline(REPO, PIPELINE_UUID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BitbucketHttpError);
    expect(error).toMatchObject({ status: 503, retryAfterSeconds: 1800 });
    expect(t.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(judgeJobError(error)).toEqual({ kind: 'transient', retryAfterSeconds: 900 });
  });

  it.each([401, 403])(
    'raises AuthError on %d without retrying, and keeps the query out of the message',
    async (status) => {
      const t = ScriptedTransport.handler(() =>
        json(status, { type: 'error', error: { message: 'Token is invalid or expired' } }),
      );
      const { client, sleeps } = clientOn(t);
      const error = await client.listSteps(REPO, PIPELINE_UUID).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect(String(error)).toBe(
        `AuthError: Bitbucket GET ${BASE}/pipelines/${P}/steps answered ${status}: Token is invalid or expired`,
      );
      expect(t.calls).toHaveLength(1);
      expect(sleeps).toEqual([]);
    },
  );

  it('retries network errors, then succeeds', async () => {
    const t = ScriptedTransport.script(
      { expect: PIPELINE, reply: networkError() },
      { expect: PIPELINE, reply: networkError() },
      { expect: PIPELINE, reply: json(200, aPipeline()) },
    );
    const { client, calls } = clientOn(t);
    await client.getPipeline(REPO, PIPELINE_UUID);
    expect(calls.map((c) => [c.attempt, c.status])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, 200],
    ]);
  });

  it('throws TransportError when the network keeps failing', async () => {
    const t = ScriptedTransport.handler(() => networkError());
    await expect(clientOn(t).client.getPipeline(REPO, PIPELINE_UUID)).rejects.toBeInstanceOf(TransportError);
    expect(t.calls).toHaveLength(4);
  });

  it('does not retry a creating POST on 5xx (it may have been applied)', async () => {
    const vars = `GET ${BASE}/pipelines_config/variables?pagelen=100`;
    const t = ScriptedTransport.script(
      { expect: vars, reply: json(200, aPage([])) },
      { expect: `POST ${BASE}/pipelines_config/variables`, reply: text(500, 'oops') },
    );
    await expect(clientOn(t).client.setPipelineVariable(REPO, 'INSIGHTS_CURSOR', '42')).rejects.toMatchObject(
      { status: 500 },
    );
    expect(t.calls).toHaveLength(2);
  });
});

describe('malformed responses', () => {
  const SUMMARY = `GET ${BASE}/pipelines/${P}/steps/${S}/test_reports`;

  it('rejects an HTML body with the resource named and the body cut to 200 chars', async () => {
    const html = `<!DOCTYPE html><html><head><title>Bitbucket is down</title></head><body>${'x'.repeat(500)}</body></html>`;
    const t = ScriptedTransport.script({ expect: SUMMARY, reply: text(200, html) });
    const error = await clientOn(t)
      .client.getTestReportSummary(REPO, PIPELINE_UUID, STEP_UUID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error).toMatchObject({
      message: 'malformed test report summary: body is not JSON',
      resource: 'test report summary',
    });
    if (error instanceof MalformedResponseError) expect(error.bodySnippet).toBe(html.slice(0, 200));
  });

  it('rejects wrong types and names the field', async () => {
    const t = ScriptedTransport.script({
      expect: SUMMARY,
      reply: json(200, { number_of_test_cases: 'many' }),
    });
    await expect(clientOn(t).client.getTestReportSummary(REPO, PIPELINE_UUID, STEP_UUID)).rejects.toThrow(
      /malformed test report summary: number_of_test_cases: /,
    );
  });

  it('rejects a page whose item lacks its uuid', async () => {
    const t = ScriptedTransport.script({
      expect: STEPS_FIRST,
      reply: json(200, aPage([aStep(), aStep({ uuid: undefined })])),
    });
    await expect(clientOn(t).client.listSteps(REPO, PIPELINE_UUID)).rejects.toThrow(/malformed step: uuid/);
  });

  it('rejects a page without values', async () => {
    const t = ScriptedTransport.script({ expect: STEPS_FIRST, reply: json(200, { next: null }) });
    await expect(clientOn(t).client.listSteps(REPO, PIPELINE_UUID)).rejects.toThrow(MalformedResponseError);
  });

  it('answers undefined for a step without a test report (404)', async () => {
    const t = ScriptedTransport.script({
      expect: SUMMARY,
      reply: json(404, { type: 'error', error: { message: 'Not found' } }),
    });
    expect(await clientOn(t).client.getTestReportSummary(REPO, PIPELINE_UUID, STEP_UUID)).toBeUndefined();
  });
});

describe('budget', () => {
  it('takes from the budget before every request, retries included, and stops when it is spent', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    const now = Date.parse('2026-01-31T09:59:30Z');
    const budget = new StoreBudget({
      store,
      workspaceId: 'acme',
      limitPerHour: 3,
      blockSize: 1,
      now: () => now,
    });
    const PIPELINE = `GET ${BASE}/pipelines/${P}?fields=uuid,build_number,run_number,state,target,trigger,created_on,run_creation_date,completed_on,duration_in_seconds,build_seconds_used`;
    const t = ScriptedTransport.script(
      { expect: PIPELINE, reply: text(503, 'x') },
      { expect: PIPELINE, reply: json(200, aPipeline()) },
      { expect: PIPELINE, reply: json(200, aPipeline()) },
    );
    const { client } = clientOn(t, { budget });
    await client.getPipeline(REPO, PIPELINE_UUID);
    await client.getPipeline(REPO, PIPELINE_UUID);
    const error = await client.getPipeline(REPO, PIPELINE_UUID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetExhaustedError);
    expect(error).toMatchObject({ retryAfterSeconds: 30 });
    expect(t.calls).toHaveLength(3);
  });
});

describe('Code Insights and variables', () => {
  const COMMIT = 'b88c4b490b648bf960eba6f59123456797960e55';

  it('puts a report and posts annotations in chunks of 100', async () => {
    const report = `${BASE}/commit/${COMMIT}/reports/pipeline-insights`;
    const t = ScriptedTransport.handler((req) => (req.method === 'PUT' ? json(200, {}) : json(200, [])));
    const { client } = clientOn(t);
    await client.putCommitReport(REPO, COMMIT, 'pipeline-insights', {
      title: 'Pipeline insights',
      report_type: 'TEST',
    });
    const annotations = Array.from({ length: 250 }, (_, i) => ({
      external_id: `a${i}`,
      summary: `flaky ${i}`,
    }));
    await client.postReportAnnotations(REPO, COMMIT, 'pipeline-insights', annotations);
    expect(callLog(t)).toEqual([
      `PUT ${report}`,
      `POST ${report}/annotations`,
      `POST ${report}/annotations`,
      `POST ${report}/annotations`,
    ]);
    const sizes = t.calls.slice(1).map((c) => (JSON.parse(c.body ?? '[]') as unknown[]).length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(t.calls[0]?.headers).toMatchObject({ 'content-type': 'application/json' });
    await expect(
      client.postReportAnnotations(
        REPO,
        COMMIT,
        'r',
        Array.from({ length: 1001 }, () => ({})),
      ),
    ).rejects.toBeInstanceOf(RangeError);
  });

  it('updates an existing variable found on the second page', async () => {
    const uuid = '9f0e1d2c-3b4a-4596-8877-665544332211';
    const page2 = `${API}${BASE}/pipelines_config/variables?page=2`;
    const t = ScriptedTransport.script(
      {
        expect: `GET ${BASE}/pipelines_config/variables?pagelen=100`,
        reply: json(200, aPage([{ uuid: `{${PIPELINE_UUID}}`, key: 'OTHER', value: 'x' }], page2)),
      },
      {
        expect: `GET ${page2}`,
        reply: json(200, aPage([{ uuid: `{${uuid}}`, key: 'INSIGHTS_CURSOR', value: '41', secured: false }])),
      },
      { expect: `PUT ${BASE}/pipelines_config/variables/%7B${uuid}%7D`, reply: json(200, {}) },
    );
    await clientOn(t).client.setPipelineVariable(REPO, 'INSIGHTS_CURSOR', '42');
    expect(JSON.parse(t.calls[2]?.body ?? '')).toEqual({
      uuid: `{${uuid}}`,
      key: 'INSIGHTS_CURSOR',
      value: '42',
      secured: false,
    });
  });

  it('creates a missing variable, and falls back to update when another job created it first (409)', async () => {
    const uuid = '9f0e1d2c-3b4a-4596-8877-665544332211';
    const list = `GET ${BASE}/pipelines_config/variables?pagelen=100`;
    const t = ScriptedTransport.script(
      { expect: list, reply: json(200, aPage([])) },
      {
        expect: `POST ${BASE}/pipelines_config/variables`,
        reply: json(409, { error: { message: 'exists' } }),
      },
      { expect: list, reply: json(200, aPage([{ uuid: `{${uuid}}`, key: 'K', value: 'old' }])) },
      { expect: `PUT ${BASE}/pipelines_config/variables/%7B${uuid}%7D`, reply: json(200, {}) },
    );
    await clientOn(t).client.setPipelineVariable(REPO, 'K', 'new');
    expect(t.remaining).toBe(0);
  });

  it('reads test case reasons, undefined on 404', async () => {
    const tc = '5b0d6d8a-3f2e-4e7a-9c1d-0a1b2c3d4e5f';
    const url = `GET ${BASE}/pipelines/${P}/steps/${S}/test_reports/test_cases/%7B${tc}%7D/test_case_reasons`;
    const t = ScriptedTransport.script(
      { expect: url, reply: json(200, { message: 'AssertionError: expected 200, got 500' }) },
      { expect: url, reply: json(404, {}) },
    );
    const { client } = clientOn(t);
    expect(await client.getTestCaseReasons(REPO, PIPELINE_UUID, STEP_UUID, tc)).toBe(
      'AssertionError: expected 200, got 500',
    );
    expect(await client.getTestCaseReasons(REPO, PIPELINE_UUID, STEP_UUID, tc)).toBeUndefined();
  });
});

describe('the failed test cases of a large suite', () => {
  const CASES = `${BASE}/pipelines/${P}/steps/${S}/test_reports/test_cases`;
  const FIELDS =
    'fields=next,values.uuid,values.name,values.fully_qualified_name,values.package_name,values.status,values.duration';
  const FIRST = `${CASES}?pagelen=100&${FIELDS}`;
  const FILTERED = `${FIRST}&status=FAILED&status=ERROR`;
  const uuid = (i: number) => `{00000000-0000-4000-8000-${String(i).padStart(12, '0')}}`;
  const aCase = (i: number, status = 'PASSED') =>
    aTestCase({ uuid: uuid(i), fully_qualified_name: `suite.Test.case${i}`, status });
  /** A suite of `size` cases served 100 a page, failing at the given indexes; `filter` says whether the server honours status=. */
  function suite(size: number, failing: number[], filter: 'honoured' | 'ignored' | 'refused') {
    return ScriptedTransport.handler((req) => {
      const url = new URL(req.url, 'https://api.example');
      const filtered = url.searchParams.getAll('status').length > 0;
      if (filtered && filter === 'refused')
        return json(400, { type: 'error', error: { message: 'Unknown parameter status' } });
      const all = Array.from({ length: size }, (_, i) =>
        aCase(i, failing.includes(i) ? (i % 2 ? 'ERROR' : 'FAILED') : 'PASSED'),
      );
      const listed = filtered && filter === 'honoured' ? all.filter((c) => c.status !== 'PASSED') : all;
      const page = Number(url.searchParams.get('page') ?? 1);
      url.searchParams.set('page', String(page + 1));
      const next = page * 100 < listed.length ? `${url.pathname}${url.search}` : undefined;
      return json(200, aPage(listed.slice((page - 1) * 100, page * 100), next));
    });
  }

  it('a filter the server ignores: the pages are read on and the reading stops once every failure is found', async () => {
    const t = suite(6000, [5, 130, 250], 'ignored');
    const result = await clientOn(t).client.findFailedTestCases(REPO, PIPELINE_UUID, STEP_UUID, {
      failures: 3,
    });
    expect(result.failed.map((c) => c.name)).toEqual([
      'suite.Test.case5',
      'suite.Test.case130',
      'suite.Test.case250',
    ]);
    expect(result).toMatchObject({ pages: 3, complete: true });
    expect(callLog(t)[0]).toBe(`GET ${FILTERED}`);
  });

  it('a filter the server honours: one page for a few failures of a 6,000-test suite', async () => {
    const t = suite(6000, [5, 4100, 5999], 'honoured');
    const result = await clientOn(t).client.findFailedTestCases(REPO, PIPELINE_UUID, STEP_UUID, {
      failures: 3,
    });
    expect(result.failed).toHaveLength(3);
    expect(result).toMatchObject({ pages: 1, complete: true });
  });

  it('a filter the server refuses (400): read again without it', async () => {
    const t = suite(300, [42], 'refused');
    const result = await clientOn(t).client.findFailedTestCases(REPO, PIPELINE_UUID, STEP_UUID, {
      failures: 1,
    });
    expect(result.failed.map((c) => c.name)).toEqual(['suite.Test.case42']);
    expect(callLog(t)).toEqual([`GET ${FILTERED}`, `GET ${FIRST}`]);
  });

  it('a filtered list that ends short of the summary (ERROR left out, say): read again without the filter', async () => {
    const t = ScriptedTransport.script(
      { expect: `GET ${FILTERED}`, reply: json(200, aPage([aCase(1, 'FAILED')])) },
      { expect: `GET ${FIRST}`, reply: json(200, aPage([aCase(0), aCase(1, 'FAILED'), aCase(2, 'ERROR')])) },
    );
    const result = await clientOn(t).client.findFailedTestCases(REPO, PIPELINE_UUID, STEP_UUID, {
      failures: 2,
    });
    expect(result.failed.map((c) => c.status)).toEqual(['FAILED', 'ERROR']);
    expect(result.complete).toBe(true);
  });

  it('more cases than the pages allow: what was found, marked incomplete, without an error', async () => {
    const t = suite(6000, [10, 2500, 5500], 'ignored');
    const result = await clientOn(t).client.findFailedTestCases(REPO, PIPELINE_UUID, STEP_UUID, {
      failures: 3,
      maxPages: 20,
    });
    expect(result.failed.map((c) => c.name)).toEqual(['suite.Test.case10']);
    expect(result).toMatchObject({ pages: 20, complete: false });
    expect(t.calls).toHaveLength(20);
  });
});
