/**
 * The per-PR index and Code Insights end to end: `sync` against the simulated workspace over HTTP, then what the
 * simulator was sent (reports, annotations) is checked against what a full scan of the store says.
 */
import { updateDoc } from '../../src/services/commit-with-retry';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_SETTINGS } from '../../src/contract/settings';
import type { AttemptRecord } from '../../src/domain/attempt';
import type { AdminPage } from '../../src/contract/resolvers';
import type { RepoRef } from '../../src/domain/types';
import { localResolverHost } from '../../src/cli/serve';
import { daysAgo } from '../../src/domain/time';
import { openLocalRuntime, type LocalRuntime } from '../../src/local/runtime';
import { runSync, type SyncResult } from '../../src/local/sync';
import { buildReport, publishCodeInsights, REPORT_ID } from '../../src/services/code-insights';
import { recordAttempt } from '../../src/services/record-attempt';
import { pullRequestPanel } from '../../src/services/resolvers/pr-panel';
import { knownRepositories } from '../../src/services/sweep';
import { generateWorkspace, startSimServer, type SimServer, type SimWorkspace } from '../../src/sim';
import * as keys from '../../src/storage/keys';
import type { Store } from '../../src/storage/store';
import { recordedAttempts } from './ingest-helpers';

const NOW = new Date('2026-03-02T12:00:00Z');
const WORKSPACE = 'acme';
const sink = { write: () => true } as unknown as NodeJS.WritableStream;
const dirs: string[] = [];
let pristine: string;

interface Opened {
  sim: SimServer;
  rt: LocalRuntime;
  warnings: string[];
  result: SyncResult;
}

async function syncFresh(
  setup: { codeInsights?: boolean; faults?: Parameters<typeof startSimServer>[0]['faults'] } = {},
): Promise<Opened> {
  const ws = JSON.parse(pristine) as SimWorkspace;
  const sim = await startSimServer({ workspace: ws, faults: setup.faults });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pi-insights-'));
  dirs.push(dataDir);
  const warnings: string[] = [];
  const rt = openLocalRuntime({
    dataDir,
    apiUrl: sim.apiUrl,
    env: {},
    log: { info: () => undefined, warn: (m) => warnings.push(m) },
    now: () => new Date(ws.now),
  });
  if (setup.codeInsights !== undefined)
    await updateDoc(rt.store, keys.settings(WORKSPACE), () => ({
      ...DEFAULT_SETTINGS,
      codeInsights: setup.codeInsights,
    }));
  const result = await runSync(rt, {
    workspace: WORKSPACE,
    since: daysAgo(NOW, 8),
    progress: false,
    out: sink,
  });
  return { sim, rt, warnings, result };
}

async function allAttempts(store: Store, repoUuid: string): Promise<AttemptRecord[]> {
  const out: AttemptRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query(keys.attemptsOf(repoUuid), { limit: 100, cursor });
    out.push(...page.items.map((i) => i.value));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** What the index must hold, by brute force: per PR, the attempts of the commit of its highest build number. */
function newestCommitAttempts(attempts: AttemptRecord[]): Map<number, string[]> {
  const byPr = new Map<number, AttemptRecord[]>();
  for (const a of attempts)
    if (a.pullRequestId !== undefined) byPr.set(a.pullRequestId, [...(byPr.get(a.pullRequestId) ?? []), a]);
  const out = new Map<number, string[]>();
  for (const [pr, list] of byPr) {
    const newest = list.reduce((m, a) => (a.buildNumber > m.buildNumber ? a : m));
    out.set(
      pr,
      list
        .filter((a) => a.commit === newest.commit)
        .map((a) => `${a.pipelineUuid}:${a.stepUuid}:${a.runNumber}`)
        .sort(),
    );
  }
  return out;
}

/** The newest 100 pipelines: more than two days of the simulated workspace. */
const recentPipelines = async (rt: LocalRuntime, repo: RepoRef) =>
  (await rt.client.listPipelinesPage(repo, { sort: '-created_on', pagelen: 100 })).pipelines;
const annotationsOf = (sim: SimServer, repoUuid: string, commit: string) =>
  (sim.written.annotations.get(`${repoUuid}:${commit}:${REPORT_ID}`) ?? []) as unknown as {
    external_id: string;
    result: string;
    summary: string;
  }[];
const reportOf = (sim: SimServer, repoUuid: string, commit: string) =>
  sim.written.reports.get(`${repoUuid}:${commit}:${REPORT_ID}`) as unknown as
    { details: string; result: string } | undefined;

describe('pull request index and Code Insights against the simulated workspace', () => {
  let base: Opened;
  let repos: RepoRef[];
  /** Before any test adds attempts to the base store. */
  const recordedBefore = new Map<string, Set<string>>();

  beforeAll(async () => {
    pristine = JSON.stringify(generateWorkspace({ seed: 7, now: NOW, days: 7 }));
    base = await syncFresh();
    repos = await knownRepositories(base.rt, WORKSPACE);
    for (const repo of repos)
      recordedBefore.set(repo.repoUuid, await recordedAttempts(base.rt.store, repo.repoUuid));
  });

  afterAll(async () => {
    base.rt.close();
    await base.sim.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("holds exactly the attempts of each pull request's newest commit, as a full scan of the records finds them", async () => {
    let prs = 0;
    for (const repo of repos) {
      for (const [pr, expected] of newestCommitAttempts(await allAttempts(base.rt.store, repo.repoUuid))) {
        const index = await base.rt.store.getDoc(keys.pullRequestIndex(repo.repoUuid, pr));
        expect(
          (index?.value.attempts ?? []).map((a) => `${a.pipelineUuid}:${a.stepUuid}:${a.runNumber}`).sort(),
        ).toEqual(expected);
        prs += 1;
      }
    }
    expect(prs).toBeGreaterThan(5);
  });

  it('publishes one report on each pull request commit whose pipeline finished in the last day, agreeing with the panel', async () => {
    const now = Date.parse(NOW.toISOString());
    const expected: string[] = [];
    for (const repo of repos) {
      const pipelines = await recentPipelines(base.rt, repo);
      for (const p of pipelines) {
        if (
          p.target.pullRequestId === undefined ||
          p.status !== 'COMPLETED' ||
          !p.completedOn ||
          !p.target.commit
        )
          continue;
        if (now - Date.parse(p.completedOn) > 86_400_000) continue;
        const panel = await pullRequestPanel(base.rt.store, repo, p.target.pullRequestId);
        if (panel.commit === p.target.commit)
          expected.push(`${repo.repoUuid}:${p.target.commit}:${REPORT_ID}`);
      }
    }
    expect([...base.sim.written.reports.keys()].sort()).toEqual([...new Set(expected)].sort());
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(base.result.stats.reports).toBeGreaterThanOrEqual(expected.length);

    let annotated = 0;
    for (const repo of repos) {
      for (const [key] of base.sim.written.reports) {
        const [repoKey, commit] = key.split(':');
        if (repoKey !== repo.repoUuid || !commit) continue;
        const pipeline = (await recentPipelines(base.rt, repo)).find((p) => p.target.commit === commit);
        const panel = await pullRequestPanel(base.rt.store, repo, pipeline?.target.pullRequestId ?? -1);
        const built = buildReport(repo, panel, pipeline?.buildNumber ?? 0);
        expect(reportOf(base.sim, repo.repoUuid, commit)).toMatchObject({
          details: built.report.details,
          result: built.report.result,
          report_type: 'TEST',
        });
        expect(
          annotationsOf(base.sim, repo.repoUuid, commit)
            .map((a) => a.external_id)
            .sort(),
        ).toEqual(built.annotations.map((a) => a.external_id).sort());
        expect(annotationsOf(base.sim, repo.repoUuid, commit)).toHaveLength(
          panel.failingTests.length + panel.flakyHits.length,
        );
        annotated += panel.failingTests.length;
      }
    }
    expect(annotated).toBeGreaterThan(0);
  });

  it('a rerun that passes turns the report green: the old report is deleted, no failing annotation is left', async () => {
    const target = [...base.sim.written.reports.entries()].find(
      ([, r]) => (r as { result: string }).result === 'FAILED',
    );
    expect(target).toBeDefined();
    const [repoKey, commit] = (target?.[0] ?? '').split(':');
    const repo = repos.find((r) => r.repoUuid === repoKey) as RepoRef;
    const attempts = (await allAttempts(base.rt.store, repo.repoUuid)).filter((a) => a.commit === commit);
    const pipeline = await base.rt.client.getPipeline(repo, attempts[0]?.pipelineUuid ?? '');
    const latest = new Map<string, AttemptRecord>();
    for (const a of attempts)
      if ((latest.get(a.stepUuid)?.runNumber ?? 0) < a.runNumber) latest.set(a.stepUuid, a);
    for (const a of latest.values()) {
      if (a.result === 'SUCCESSFUL') continue;
      const rerun = {
        ...a,
        runNumber: a.runNumber + 1,
        isRerun: true,
        result: 'SUCCESSFUL' as const,
        failedTests: [],
        failedTestsOmitted: 0,
        completedOn: new Date(Date.parse(a.completedOn) + 60_000).toISOString(),
      };
      delete rerun.failure;
      await recordAttempt(base.rt.store, rerun, { retentionDays: 90, now: base.rt.now });
    }
    const deletesBefore = base.sim.stats.byEndpoint['reports.delete'] ?? 0;
    const outcome = await publishCodeInsights(base.rt, repo, pipeline);
    expect(outcome).toMatchObject({ kind: 'published', result: 'PASSED' });
    expect(base.sim.stats.byEndpoint['reports.delete']).toBe(deletesBefore + 1);
    const report = reportOf(base.sim, repo.repoUuid, commit ?? '');
    expect(report?.result).toBe('PASSED');
    expect(report?.details).toMatch(/^All tests passed\./);
    const annotations = annotationsOf(base.sim, repo.repoUuid, commit ?? '');
    expect(annotations.length).toBeGreaterThan(0);
    expect(annotations.filter((a) => a.result !== 'PASSED')).toEqual([]);
  });

  it('publishes nothing, and makes no report call, when the workspace turned Code Insights off', async () => {
    const off = await syncFresh({ codeInsights: false });
    try {
      expect(off.result.failures).toEqual([]);
      expect(off.sim.stats.byEndpoint['reports.put']).toBeUndefined();
      expect(off.sim.written.reports.size).toBe(0);
      expect(off.result.stats.attempts).toBe(base.result.stats.attempts);
    } finally {
      off.rt.close();
      await off.sim.close();
    }
  });

  it('a report Bitbucket refuses for good (403) is logged with the reason, and ingestion records everything', async () => {
    const refused = await syncFresh({ faults: { rate: 1, kinds: ['403'], seed: 1, only: ['reports.put'] } });
    try {
      expect(refused.result.failures).toEqual([]);
      expect(refused.result.stats.reports).toBe(0);
      for (const repo of repos) {
        expect(await recordedAttempts(refused.rt.store, repo.repoUuid)).toEqual(
          recordedBefore.get(repo.repoUuid),
        );
      }
      expect(
        refused.warnings.some((w) => /Code Insights report on \w+ of acme\/[\w-]+ refused: .*403/.test(w)),
      ).toBe(true);
      expect(refused.warnings.join('\n')).not.toContain('Bearer');
      // The admin page shows the refusal until a report is accepted again.
      const refusedRepos = [];
      for (const repo of repos)
        if (await refused.rt.store.get(keys.insightsRefusal(repo.repoUuid))) refusedRepos.push(repo);
      expect(refusedRepos.length).toBeGreaterThan(0);
      const repo = refusedRepos[0] as RepoRef;
      const health = (await localResolverHost(refused.rt, {}).handle(
        'getAdminPage',
        {},
        { accountId: 'a', workspaceUuid: WORKSPACE },
      )) as AdminPage;
      expect(health.repos.find((r) => r.repoUuid === repo.repoUuid)?.codeInsightsRefused?.why).toMatch(
        /403|privilege/,
      );
      refused.sim.setFaults(undefined);
      const pipeline = (await recentPipelines(refused.rt, repo)).find(
        (p) => p.target.pullRequestId !== undefined && p.status === 'COMPLETED',
      );
      const panel = await pullRequestPanel(refused.rt.store, repo, pipeline?.target.pullRequestId ?? -1);
      const newest = (await recentPipelines(refused.rt, repo)).find(
        (p) => p.target.commit === panel.commit && p.status === 'COMPLETED',
      );
      expect(await publishCodeInsights(refused.rt, repo, newest as NonNullable<typeof newest>)).toMatchObject(
        { kind: 'published' },
      );
      expect(await refused.rt.store.get(keys.insightsRefusal(repo.repoUuid))).toBeUndefined();
    } finally {
      refused.rt.close();
      await refused.sim.close();
    }
  });
});
