/**
 * `sync` then `report --format json`, end to end: the simulated Bitbucket over loopback HTTP, the real client, the
 * local queue and a SQLite store, then the report the CLI prints. The generator's truth says what the report must
 * hold: each test under the exact name Bitbucket reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RepoReport } from '../../src/contract/insights';
import { daysAgo } from '../../src/domain/time';
import { openLocalRuntime, type LocalRuntime } from '../../src/local/runtime';
import { runSync } from '../../src/local/sync';
import { buildRepoReport } from '../../src/services/repo-report';
import { knownRepositories } from '../../src/services/sweep';
import { advance, generateWorkspace, startSimServer, type SimServer, type SimWorkspace } from '../../src/sim';
import { pipelineView } from '../../src/sim/view';
import { attemptKey, expectedAttempts } from './ingest-helpers';

const NOW = new Date('2026-03-02T12:00:00Z');
const DAYS = 7;
const WORKSPACE = 'acme';
const silent = { info: () => undefined, warn: () => undefined };
const sink = { write: () => true } as unknown as NodeJS.WritableStream;

/** Two tests of one step whose names differ only in whitespace. */
const SPACED = 'test/integration/checkout.int.test.ts.Checkout ›  charges the card\tonce ';
const SINGLE = 'test/integration/checkout.int.test.ts.Checkout › charges the card once';
/** Tests of web-app that fail in the first week of seed 16, renamed to the names above and below. */
const RENAMES: Record<string, string> = {
  'test/integration/checkout.int.test.ts.ProductGrid › closes on Escape': SPACED,
  'test/integration/orders.int.test.ts.AddressForm › submits valid input': SINGLE,
};
const SEED = 16;
/** The simulator's hostile test (markup, right-to-left text, 2,000 characters), and one that differs at the end only. */
const LONG_RENAMED = 'src/search/PriceTag.test.tsx.PriceTag › loads the next page (case 6)';

/** Every string equal to a key of `renames`, anywhere in the workspace, becomes its value. */
function renamed<T>(value: T, renames: Record<string, string>): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
    typeof v === 'string' && v in renames ? renames[v] : v,
  ) as T;
}

/** Completed pipelines of a repository at the workspace's `now`: build number → run number, with their final result. */
function completedAt(ws: SimWorkspace, slug: string, now = Date.parse(ws.now)): Map<number, number> {
  const repo = ws.repos.find((r) => r.slug === slug);
  const out = new Map<number, number>();
  for (const p of repo?.pipelines ?? []) {
    const view = pipelineView(p, now);
    if (Date.parse(p.createdOn) <= now && view.state === 'COMPLETED') out.set(p.buildNumber, view.runNumber);
  }
  return out;
}

/**
 * The failed step attempts a sync at the workspace's `now` records: completed, not hidden by a rerun, in a pipeline
 * that completed or waits on a manual step. `pipeline|step|attempt` → completion time.
 */
function failedAttempts(ws: SimWorkspace, slug: string): Map<string, string> {
  const visible = expectedAttempts(ws, slug);
  const out = new Map<string, string>();
  for (const p of ws.truth.repos[slug]?.pipelines ?? []) {
    for (const a of p.completedAttempts) {
      if (a.result === 'SUCCESSFUL' || !visible.has(attemptKey(p.uuid, a.stepUuid, a.runNumber))) continue;
      out.set(`${p.buildNumber}|${a.stepName}|${a.runNumber}`, a.completedOn);
    }
  }
  return out;
}

describe('sync, then the JSON report', () => {
  let ws: SimWorkspace;
  let sim: SimServer;
  let rt: LocalRuntime;
  let dataDir: string;
  let hostile: string;
  let firstSync = new Map<string, Map<number, number>>();
  let failedAtFirstSync = new Map<string, Map<string, string>>();
  let nearlyHostile: string;

  const report = async (slug: string, since?: Date): Promise<RepoReport> => {
    const repo = (await knownRepositories(rt, WORKSPACE)).find((r) => r.repoSlug === slug);
    if (!repo) throw new Error(`${slug} not synced`);
    const now = new Date(ws.now);
    const window = { since: since ?? daysAgo(now, 30), until: now };
    // What `report --format json` prints: the report as JSON.
    return JSON.parse(
      JSON.stringify(await buildRepoReport(rt.store, { workspace: WORKSPACE, repo, ...window })),
    ) as RepoReport;
  };

  beforeAll(async () => {
    const generated = generateWorkspace({ seed: SEED, now: NOW, days: DAYS });
    hostile = generated.truth.hostileTestName;
    nearlyHostile = `${hostile.slice(0, 1990)} [case B]`;
    ws = renamed(generated, { ...RENAMES, [LONG_RENAMED]: nearlyHostile });
    sim = await startSimServer({ workspace: ws });
    dataDir = mkdtempSync(path.join(tmpdir(), 'pi-report-e2e-'));
    rt = openLocalRuntime({ dataDir, apiUrl: sim.apiUrl, env: {}, log: silent, now: () => new Date(ws.now) });
    const synced = await runSync(rt, {
      workspace: WORKSPACE,
      since: daysAgo(NOW, DAYS + 1),
      progress: false,
      out: sink,
    });
    expect(synced.failures).toEqual([]);
    // A day later: new pipelines, and people hit "Rerun failed steps" on pipelines the first sync saw finish red.
    firstSync = new Map(ws.repos.map((r) => [r.slug, completedAt(ws, r.slug)]));
    failedAtFirstSync = new Map(ws.repos.map((r) => [r.slug, failedAttempts(ws, r.slug)]));
    advance(ws, { hours: 24, seed: 3 });
    const again = await runSync(rt, {
      workspace: WORKSPACE,
      since: daysAgo(NOW, DAYS + 1),
      progress: false,
      out: sink,
    });
    expect(again.failures).toEqual([]);
  });

  afterAll(async () => {
    rt.close();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names every test exactly as Bitbucket reported it: whitespace and every character kept', async () => {
    const r = await report('web-app');
    const names = r.tests.map((t) => t.name);
    expect(hostile).toHaveLength(2000);
    expect(names).toEqual(expect.arrayContaining([SPACED, SINGLE, hostile, nearlyHostile]));
    // Two tests each: names that differ only in whitespace, or only after character 1,990, are not merged.
    expect(new Set(r.tests.filter((t) => [SPACED, SINGLE].includes(t.name)).map((t) => t.id)).size).toBe(2);
    expect(
      new Set(r.tests.filter((t) => [hostile, nearlyHostile].includes(t.name)).map((t) => t.id)).size,
    ).toBe(2);
    // And every name in the report is one a test case of the workspace carries.
    const reported = new Set(
      ws.repos.flatMap((repo) =>
        Object.values(repo.suites)
          .flat()
          .map((d) => d.fullyQualifiedName),
      ),
    );
    expect(names.filter((n) => !reported.has(n))).toEqual([]);
  });

  it('counts each pipeline once, by its final state, whenever its rerun happened; reruns are their own figure', async () => {
    let rerunAfterFirstSync = 0;
    for (const repo of ws.repos) {
      const truth = ws.truth.repos[repo.slug];
      const completed = completedAt(ws, repo.slug);
      const final = (truth?.pipelines ?? []).filter((p) => completed.has(p.buildNumber));
      const count = (result: string) => final.filter((p) => p.result === result).length;
      const r = await report(repo.slug);
      expect(r.pipelines).toMatchObject({
        total: completed.size,
        successful: count('SUCCESSFUL'),
        failed: count('FAILED'),
        error: count('ERROR'),
        stopped: count('STOPPED'),
        reruns: [...completed.values()].filter((run) => run > 1).length,
        rerunAttempts: [...completed.values()].reduce((n, run) => n + run - 1, 0),
      });
      expect(r.pipelines.successRate).toBeCloseTo(
        count('SUCCESSFUL') / (completed.size - count('STOPPED')),
        10,
      );
      const before = firstSync.get(repo.slug) ?? new Map<number, number>();
      rerunAfterFirstSync += [...completed].filter(
        ([build, run]) => before.has(build) && run > (before.get(build) ?? 0),
      ).length;
    }
    // The case that used to count twice: a pipeline the first sync saw completed, rerun before the second.
    expect(rerunAfterFirstSync).toBeGreaterThan(0);
  });

  it('counts the pipelines of a window that starts in the middle of a week, and only those', async () => {
    const since = new Date(Date.parse(ws.now) - 3.5 * 86_400_000);
    for (const repo of ws.repos) {
      const created = new Map(
        ws.repos.find((r) => r.slug === repo.slug)?.pipelines.map((p) => [p.buildNumber, p.createdOn]),
      );
      const inWindow = [...completedAt(ws, repo.slug)].filter(
        ([build]) => (created.get(build) ?? '') >= since.toISOString(),
      );
      const r = await report(repo.slug, since);
      expect(r.pipelines.total).toBe(inWindow.length);
      expect(r.pipelines.reruns).toBe(inWindow.filter(([, run]) => run > 1).length);
      // The failures of that window, and the categories adding up to them.
      expect(r.failures.every((f) => f.at >= since.toISOString())).toBe(true);
      expect(r.failureCategories.reduce((n, c) => n + c.count, 0)).toBe(r.failures.length);
    }
  });

  it('lists every failed step attempt of the window in failures[], newest first, the ones reruns overwrote included', async () => {
    let overwritten = 0;
    for (const repo of ws.repos) {
      const expected = new Map([
        ...(failedAtFirstSync.get(repo.slug) ?? []),
        ...failedAttempts(ws, repo.slug),
      ]);
      overwritten += [...(failedAtFirstSync.get(repo.slug)?.keys() ?? [])].filter(
        (k) => !failedAttempts(ws, repo.slug).has(k),
      ).length;
      const r = await report(repo.slug);
      const listed = r.failures.map((f) => `${f.pipeline}|${f.step}|${f.attempt}`);
      expect([...listed].sort()).toEqual([...expected.keys()].sort());
      expect(r.failures.map((f) => f.at)).toEqual([...r.failures.map((f) => f.at)].sort().reverse());
      for (const f of r.failures) {
        expect(f.at).toBe(expected.get(`${f.pipeline}|${f.step}|${f.attempt}`));
        expect(f.fingerprint).toMatch(/\S/);
        expect(f.category).toMatch(
          /^(test|build|dependency|infrastructure|timeout|configuration|deployment|unknown)$/,
        );
      }
      expect(r.failuresCursor).toBeUndefined();
      expect(r.failureCategories.reduce((n, c) => n + c.count, 0)).toBe(r.failures.length);
    }
    // Attempts the first sync recorded and a rerun later hid from the API are still failures of the window.
    expect(overwritten).toBeGreaterThan(0);
  });
});
