/**
 * `npm run bench:page-reads`: KVS reads per page load as history grows. Records 1,000 and then 100,000 step attempts
 * of one repository (three steps, a 400-test suite, flaky and broken tests, a third of the pipelines on pull requests,
 * an infrastructure failure now and then) through the real recorder into a metered SQLite store, then loads each
 * surface through the real resolver host and prints the entries read, the bytes read and the size of the answer.
 * Equal counts mean a page costs the same whatever the history. The Failures tab's pages (the first, the fifth, one
 * cause) list every failed attempt of the window, a page at a time.
 *
 *   npm run bench:page-reads [-- --sizes 1000,100000]
 */
import { updateDoc } from '../src/services/commit-with-retry';
import { createRng } from '../src/sim/prng';
import { parseArgs } from 'node:util';
import type { CallerContext } from '../src/contract/caller';
import type { FailuresPage, ResolverName } from '../src/contract/resolvers';
import { DEFAULT_SETTINGS } from '../src/contract/settings';
import type { AttemptRecord, PipelineRunRecord } from '../src/domain/attempt';
import type { RepoRef } from '../src/domain/types';
import { stepTestId } from '../src/domain/test-identity';
import { localJiraGateway } from '../src/cli/serve';
import { recordAttempt } from '../src/services/record-attempt';
import { recordRun } from '../src/services/record-run';
import { createResolverHost, localAccess } from '../src/services/resolvers';
import * as keys from '../src/storage/keys';
import { MeteredStore } from '../src/storage/metered-store';
import { SqliteStore } from '../src/storage/sqlite-store';

const WORKSPACE = 'acme';
const REPO: RepoRef = {
  workspace: WORKSPACE,
  repoSlug: 'shop',
  repoUuid: '00000000-0000-4000-8000-00000000abcd',
  defaultBranch: 'main',
  fullName: 'acme/shop',
};
const STEPS = ['Build', 'Unit tests', 'Integration tests'] as const;
const SUITE = 400;
const FLAKY = Array.from({ length: 12 }, (_, i) => `suite.Flaky${i}.retries under load`);
const BROKEN = Array.from({ length: 3 }, (_, i) => `suite.Broken${i}.checks totals`);
const PIPELINE_MINUTES = 12;
/** One pipeline in this many fails in its Build step for an infrastructure reason. */
const INFRA_EVERY = 53;
const INFRA_FAILURE = {
  category: 'infrastructure' as const,
  cause: 'system-error' as const,
  fingerprint: 'e'.repeat(16),
  message: 'There was an unexpected system error.',
};

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const uuid = (kind: number, n: number): string => `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;

interface PipelinePlan {
  build: number;
  at: number;
  pullRequestId?: number;
  commit: string;
  branch: string;
}

function planOf(i: number, random: () => number): PipelinePlan {
  const pr = random() < 0.33 ? 1 + Math.floor(i / 24) : undefined;
  return {
    build: i + 1,
    at: Date.UTC(2026, 0, 1) + i * PIPELINE_MINUTES * 60_000,
    ...(pr !== undefined ? { pullRequestId: pr } : {}),
    commit: hex((i * 2654435761) >>> 0, 8).repeat(5),
    branch: pr !== undefined ? `feature/pr-${pr}` : 'main',
  };
}

function attemptOf(p: PipelinePlan, stepIndex: number, runNumber: number, failing: string[]): AttemptRecord {
  const stepName = STEPS[stepIndex] as string;
  const completed = new Date(p.at + (stepIndex + 1) * 180_000 + (runNumber - 1) * 600_000).toISOString();
  const failed = failing.length > 0;
  return {
    repoUuid: REPO.repoUuid,
    pipelineUuid: uuid(1, p.build),
    buildNumber: p.build,
    pipelineRunNumber: runNumber,
    stepUuid: uuid(2 + stepIndex, p.build),
    stepName,
    runNumber,
    isRerun: runNumber > 1,
    result: failed ? 'FAILED' : 'SUCCESSFUL',
    commit: p.commit,
    branch: p.branch,
    isDefaultBranch: p.pullRequestId === undefined,
    ...(p.pullRequestId !== undefined ? { pullRequestId: p.pullRequestId } : {}),
    pipelineCreatedOn: new Date(p.at).toISOString(),
    startedOn: new Date(Date.parse(completed) - 170_000).toISOString(),
    completedOn: completed,
    durationSeconds: 170,
    queueSeconds: 10,
    buildSecondsUsed: 170,
    sizeMultiplier: 1,
    ...(stepIndex > 0
      ? {
          tests: {
            total: SUITE,
            successful: SUITE - failing.length,
            failed: failing.length,
            error: 0,
            skipped: 0,
          },
        }
      : {}),
    failedTests: failing.map((name) => ({ id: stepTestId(stepName, name), name })),
    failedTestsOmitted: 0,
    ...(failed
      ? {
          failure: {
            category: 'test' as const,
            cause: 'test-failure' as const,
            fingerprint: 'f'.repeat(16),
            message: `${failing.length} test(s) failed`,
          },
        }
      : {}),
    logRead: failed,
  };
}

function runOf(p: PipelinePlan, result: PipelineRunRecord['result']): PipelineRunRecord {
  return {
    repoUuid: REPO.repoUuid,
    pipelineUuid: uuid(1, p.build),
    buildNumber: p.build,
    runNumber: 1,
    result,
    commit: p.commit,
    branch: p.branch,
    isDefaultBranch: p.pullRequestId === undefined,
    ...(p.pullRequestId !== undefined ? { pullRequestId: p.pullRequestId } : {}),
    createdOn: new Date(p.at).toISOString(),
    completedOn: new Date(p.at + 600_000).toISOString(),
    durationSeconds: 600,
    buildSecondsUsed: 510,
    deployed: false,
    steps: STEPS.map((name, s) => ({
      name,
      durationSeconds: 170,
      result: 'SUCCESSFUL' as const,
      startedOn: new Date(p.at + s * 180_000).toISOString(),
      completedOn: new Date(p.at + (s + 1) * 180_000).toISOString(),
    })),
  };
}

/**
 * Records about `attempts` step attempts, pipeline by pipeline, with reruns of flaky failures. Returns the newest PR
 * and when the last pipeline started.
 */
async function recordHistory(
  store: MeteredStore,
  attempts: number,
): Promise<{ newestPr: number; lastAt: number }> {
  const prng = createRng(20261127);
  const random = (): number => prng.next();
  const opts = { retentionDays: 90, now: () => new Date() };
  let recorded = 0;
  let newestPr = 0;
  let lastAt = 0;
  for (let i = 0; recorded < attempts; i++) {
    const p = planOf(i, random);
    lastAt = p.at;
    if (p.pullRequestId !== undefined) newestPr = p.pullRequestId;
    const brokenNow =
      p.pullRequestId === undefined && i % 400 > 300
        ? [BROKEN[Math.floor(i / 400) % BROKEN.length] as string]
        : [];
    let result: PipelineRunRecord['result'] = 'SUCCESSFUL';
    if (i % INFRA_EVERY === INFRA_EVERY - 1 && recorded < attempts) {
      // The Build step of an occasional pipeline dies for an infrastructure reason: the rare cause a filter lists.
      await recordAttempt(
        store,
        { ...attemptOf(p, 0, 1, []), result: 'ERROR', failure: INFRA_FAILURE },
        opts,
      );
      recorded += 1;
      await recordRun(store, runOf(p, 'ERROR'), opts);
      continue;
    }
    for (let s = 0; s < STEPS.length && recorded < attempts; s++) {
      const flaky = s > 0 ? FLAKY.filter(() => random() < 0.007) : [];
      const failing = s === 1 ? [...brokenNow, ...flaky] : flaky;
      await recordAttempt(store, attemptOf(p, s, 1, failing), opts);
      recorded += 1;
      if (flaky.length && brokenNow.length === 0 && recorded < attempts) {
        await recordAttempt(store, attemptOf(p, s, 2, []), opts);
        recorded += 1;
      } else if (failing.length) {
        result = 'FAILED';
        break;
      }
    }
    await recordRun(store, runOf(p, result), opts);
  }
  return { newestPr, lastAt };
}

async function countRecords(store: MeteredStore): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await store.query(keys.attemptsOf(REPO.repoUuid), { limit: 100, cursor });
    n += page.items.length;
    cursor = page.cursor;
  } while (cursor);
  return n;
}

/** Of the 50 newest pull requests, the one whose latest pipelines failed the most tests (the dearest panel). */
async function prWithMostFailures(store: MeteredStore, newestPr: number): Promise<number> {
  let best = newestPr;
  let most = -1;
  for (let pr = newestPr; pr > Math.max(0, newestPr - 50); pr--) {
    const index = await store.getDoc(keys.pullRequestIndex(REPO.repoUuid, pr));
    const failed = (index?.value.attempts ?? []).reduce((n, a) => n + a.failedTests.length, 0);
    if (failed > most) [best, most] = [pr, failed];
  }
  return best;
}

interface Measured {
  surface: string;
  reads: number;
  kbRead: number;
  /** The resolver's answer, as JSON: what crosses to the browser. */
  kbAnswer: number;
  ms: number;
}

async function measure(size: number): Promise<{ records: number; rows: Measured[] }> {
  const store = new MeteredStore(new SqliteStore({ path: ':memory:' }));
  await store.set(keys.repository(WORKSPACE, REPO.repoUuid), REPO);
  await updateDoc(store, keys.settings(WORKSPACE), () => DEFAULT_SETTINGS);
  const { newestPr, lastAt } = await recordHistory(store, size);
  const records = await countRecords(store);
  // The pages look at the last 30 days: an hour after the last pipeline.
  const now = new Date(lastAt + 3_600_000);
  const host = createResolverHost({
    store,
    access: localAccess,
    jira: localJiraGateway({}),
    now: () => now,
    workspace: WORKSPACE,
  });
  const failingPr = await prWithMostFailures(store, newestPr);
  const caller: CallerContext = { accountId: 'bench', workspaceUuid: WORKSPACE, repoUuid: REPO.repoUuid };
  /** The cursor of the Failures tab's page after `pages` pages: what "Load more" sends the fifth time. */
  const cursorAfter = async (pages: number): Promise<object> => {
    let cursor: string | undefined;
    for (let i = 0; i < pages; i++) {
      const page = (await host.handle('getFailures', cursor ? { cursor } : {}, caller)) as FailuresPage;
      cursor = page.cursor;
    }
    return cursor ? { cursor } : {};
  };
  const loads: [string, ResolverName, object | (() => Promise<object>), number?][] = [
    ['repository page', 'getRepoInsights', {}],
    ['repository page, branch main', 'getRepoInsights', { branch: 'main' }],
    ['failures tab, next page', 'getFailures', () => cursorAfter(1)],
    ['failures tab, fifth page', 'getFailures', () => cursorAfter(4)],
    ['failures tab, one cause', 'getFailures', { category: 'infrastructure' }],
    ['pull request panel, newest PR', 'getPullRequestPanel', {}, newestPr],
    ['pull request panel, failing PR', 'getPullRequestPanel', {}, failingPr],
    ['workspace admin page', 'getAdminPage', {}],
  ];
  const rows: Measured[] = [];
  for (const [surface, name, load, pullRequestId] of loads) {
    const payload = typeof load === 'function' ? await load() : load;
    store.reset();
    const started = process.hrtime.bigint();
    const answer = (await host.handle(name, payload, {
      ...caller,
      ...(pullRequestId ? { pullRequestId } : {}),
    })) as { error?: { message: string } };
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (answer && typeof answer === 'object' && 'error' in answer && answer.error)
      throw new Error(`${name}: ${answer.error.message}`);
    const s = store.stats();
    rows.push({
      surface,
      reads: s.reads,
      kbRead: s.bytesRead / 1024,
      kbAnswer: Buffer.byteLength(JSON.stringify(answer)) / 1024,
      ms,
    });
  }
  return { records, rows };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,100000' } } });
  const sizes = values.sizes.split(',').map(Number);
  const results: { size: number; records: number; rows: Measured[] }[] = [];
  for (const size of sizes) {
    const started = Date.now();
    const r = await measure(size);
    process.stderr.write(`recorded ${size} attempts in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    results.push({ size, ...r });
  }
  const header = [
    'surface'.padEnd(32),
    ...results.map((r) =>
      `${r.records.toLocaleString('en')} attempts: reads, KB read, KB answer, ms`.padStart(52),
    ),
  ].join('');
  console.log(header);
  const first = results[0];
  for (let i = 0; i < (first?.rows.length ?? 0); i++) {
    const cells = results.map((r) => {
      const row = r.rows[i] as Measured;
      return `${row.reads}, ${row.kbRead.toFixed(1)} KB, ${row.kbAnswer.toFixed(1)} KB, ${row.ms.toFixed(0)} ms`.padStart(
        52,
      );
    });
    console.log(`${(first?.rows[i]?.surface ?? '').padEnd(32)}${cells.join('')}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
