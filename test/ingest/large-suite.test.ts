/**
 * A step with more than 5,000 test cases and failures, end to end: the simulated Bitbucket serves a 6,000-test suite
 * with a broken test on the default branch, `sync` ingests it through the real client. Every attempt is recorded
 * once, the failures found are named and the rest counted, and a second sweep finds nothing left to do (the
 * watermark moved on). Run with the status filter ignored by the server and honoured by it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_TEST_CASE_PAGES } from '../../src/bitbucket/client';
import { daysAgo } from '../../src/domain/time';
import { unwrapUuid } from '../../src/domain/uuid';
import { openLocalRuntime } from '../../src/local/runtime';
import { runSync } from '../../src/local/sync';
import { DEFAULT_REPOS, generateWorkspace, startSimServer, type RepoSpec } from '../../src/sim';
import * as keys from '../../src/storage/keys';
import { expectedAttempts, recordedAttempts, sortedList } from './ingest-helpers';

const NOW = new Date('2026-03-02T12:00:00Z');
const silent = { info: () => undefined, warn: () => undefined };
const sink = { write: () => true } as unknown as NodeJS.WritableStream;

function largeSuiteRepo(): RepoSpec {
  const base = DEFAULT_REPOS.find((r) => r.slug === 'web-app');
  if (!base) throw new Error('no web-app spec');
  return {
    ...base,
    unitTests: 6000,
    integrationTests: 0,
    pipelinesPerDay: 3,
    steps: base.steps.filter((s) => s.suite !== 'integration'),
    plant: { flakyLow: 0, flakyModerate: 0, brokenForCommits: 2 },
  };
}

describe('a suite of 6,000 tests with failures', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each([false, true])(
    'is ingested once, failures named or counted (server filters by status: %s)',
    async (filter) => {
      const ws = generateWorkspace({ seed: 41, now: NOW, days: 3, repos: [largeSuiteRepo()] });
      const sim = await startSimServer({ workspace: ws, testCaseStatusFilter: filter });
      const dataDir = mkdtempSync(path.join(tmpdir(), 'pi-large-suite-'));
      dirs.push(dataDir);
      const rt = openLocalRuntime({ dataDir, apiUrl: sim.apiUrl, env: {}, log: silent, now: () => NOW });
      try {
        const sync = () =>
          runSync(rt, { workspace: ws.slug, since: daysAgo(NOW, 4), progress: false, out: sink });
        const first = await sync();
        expect(first.failures).toEqual([]);
        const repo = ws.repos[0];
        if (!repo) throw new Error('no repository');
        const repoUuid = unwrapUuid(repo.uuid);
        expect(sortedList(await recordedAttempts(rt.store, repoUuid))).toEqual(
          sortedList(expectedAttempts(ws, repo.slug)),
        );

        const failing = (await rt.store.query(keys.attemptsOf(repoUuid), { limit: 100 })).items
          .map((i) => i.value)
          .filter((a) => a.stepName === 'Unit tests' && (a.tests?.failed ?? 0) + (a.tests?.error ?? 0) > 0);
        expect(failing.length).toBeGreaterThan(0);
        for (const a of failing) {
          expect(a.tests?.total).toBe(6000);
          expect(a.failedTests.length + a.failedTestsOmitted).toBe(
            (a.tests?.failed ?? 0) + (a.tests?.error ?? 0),
          );
          if (filter) expect(a.failedTestsOmitted).toBe(0);
        }
        // At most DEFAULT_TEST_CASE_PAGES pages for a step's failures; one page when the server filters.
        const casePages = sim.stats.byEndpoint['test_cases.list'] ?? 0;
        expect(casePages).toBeLessThanOrEqual(failing.length * (filter ? 1 : DEFAULT_TEST_CASE_PAGES));

        const second = await sync();
        expect(second.failures).toEqual([]);
        expect(second.stats.pipelines).toBe(0);
      } finally {
        rt.close();
        await sim.close();
      }
    },
    120_000,
  );
});
