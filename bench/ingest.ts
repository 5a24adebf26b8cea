/**
 * `npm run bench:ingest`: what ingesting a pipeline costs, against the demo workspace served by the simulator.
 *
 *  1. Ours: every pipeline of 30 days through the sweep and `ingestPipeline`, one job at a time, with a MeteredStore
 *     over SQLite. Per pipeline: API calls by endpoint, the floor, the ratio calls/floor, storage writes and bytes
 *     written, CPU ms. The floor (issue 9): one listing page per 100 pipelines of a repository, one steps page per
 *     pipeline touched, one test summary per attempt with tests, the test-case pages up to the last failed case
 *     (at most the client's 20) when some test failed, one log read per failed attempt. The overall ratio counts
 *     every rate-limited call of the run, the sweep's included (the repository list, listing pages, the daily
 *     `bitbucket-pipelines.yml`), Code Insights apart.
 *  2. Naive: the same pipelines fetched the obvious way (every step's summary and all test-case pages, every step's
 *     whole log without a Range header), to show what the floor saves.
 *  3. Realistic habits: the same repositories with many reruns (half of the failed pipelines get their failed steps
 *     rerun, a third a new pipeline) and about half of the pipelines green.
 *  4. Suite size: two workspaces that differ only in the number of tests; bytes written per pipeline must not grow
 *     with the suite.
 *
 * Rate-limited calls are those under `/2.0/repositories/*`; the log storage a step log redirects to is not one of
 * them, so `steps.logStorage` is shown but not counted against the floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BitbucketClient } from '../src/bitbucket/client';
import { HttpTransport } from '../src/bitbucket/http-transport';
import { isTerminalStep } from '../src/domain/attempt';
import { daysAgo } from '../src/domain/time';
import type { RepoRef } from '../src/domain/types';
import { unwrapUuid } from '../src/domain/uuid';
import { silentLogger, type ServiceContext } from '../src/services/context';
import { ingestPipeline } from '../src/services/ingest-pipeline';
import type { IngestJob } from '../src/services/jobs';
import { sweepWorkspace } from '../src/services/sweep';
import { isVisible, pipelineView } from '../src/sim/view';
import {
  DEFAULT_REPOS,
  generateWorkspace,
  startSimServer,
  type RepoSpec,
  type SimWorkspace,
} from '../src/sim';
import * as keys from '../src/storage/keys';
import { MeteredStore } from '../src/storage/metered-store';
import { SqliteStore } from '../src/storage/sqlite-store';

const SEED = 20261127;
const NOW = new Date('2026-11-27T12:00:00Z');
const DAYS = 30;
const PAGELEN = 100;
/** Not under `/2.0/repositories/*`: not rate-limited. */
const UNMETERED = new Set(['steps.logStorage']);

interface PipelineCost {
  calls: number;
  floor: number;
  writes: number;
  bytesWritten: number;
  cpuMs: number;
}

interface RunTotals {
  pipelines: PipelineCost[];
  /** The sweep's calls (repository list, listing pages, pipelines config) and its floor (listing pages). */
  sweep: { calls: number; floor: number };
  /** Share of the completed pipelines that succeeded. */
  greenShare: number;
  byEndpoint: Record<string, number>;
  attempts: number;
  /** Code Insights reports published (pull-request pipelines that finished in the last 24 hours). */
  reports?: number;
  /** KVS bytes written by key area over the whole run. */
  bytesByArea?: Record<string, number>;
}

const meteredCalls = (byEndpoint: Record<string, number>): number =>
  Object.entries(byEndpoint).reduce(
    (n, [endpoint, count]) => (UNMETERED.has(endpoint) || isInsights(endpoint) ? n : n + count),
    0,
  );
/** Code Insights writes are rate-limited too, but they are output, not ingestion: shown apart from the floor. */
const isInsights = (endpoint: string): boolean => endpoint.startsWith('reports.');

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => (v as number) > 0),
  );
}

/** Test-case pages the client reads at most for one step (src/bitbucket/client.ts). */
const MAX_CASE_PAGES = 20;

/** The floor for the attempts one job recorded, from the simulator's plan of those attempts: see the header. */
function floorOf(
  ws: SimWorkspace,
  recorded: { pipelineUuid: string; stepUuid: string; runNumber: number }[],
): number {
  let floor = 1;
  for (const a of recorded) {
    const repo = ws.repos.find((r) => r.pipelines.some((p) => unwrapUuid(p.uuid) === a.pipelineUuid));
    const step = repo?.pipelines
      .find((p) => unwrapUuid(p.uuid) === a.pipelineUuid)
      ?.steps.find((s) => unwrapUuid(s.uuid) === a.stepUuid);
    const attempt = step?.attempts.find((x) => x.runNumber === a.runNumber);
    if (!repo || !attempt) continue;
    if (attempt.tests) {
      floor += 1;
      const suite = repo.suites[attempt.tests.suite] ?? [];
      const failed = new Set(attempt.tests.failed.map((f) => f.fullyQualifiedName));
      const last = suite.reduce((at, t, i) => (failed.has(t.fullyQualifiedName) ? i : at), -1);
      if (failed.size > 0) floor += Math.min(MAX_CASE_PAGES, Math.max(1, Math.ceil((last + 1) / PAGELEN)));
    }
    if (attempt.result !== 'SUCCESSFUL') floor += 1;
  }
  return floor;
}

/** Listing pages the floor allows: one per 100 pipelines of each repository in the window (at least one). */
function listingFloor(ws: SimWorkspace, since: Date): number {
  const now = Date.parse(ws.now);
  return ws.repos.reduce((n, r) => {
    const inWindow = r.pipelines.filter(
      (p) => isVisible(p, now) && Date.parse(pipelineView(p, now).runCreationDate) >= since.getTime(),
    ).length;
    return n + Math.max(1, Math.ceil(inWindow / PAGELEN));
  }, 0);
}

async function recordedSince(
  store: MeteredStore,
  repo: RepoRef,
  known: Set<string>,
): Promise<{ pipelineUuid: string; stepUuid: string; runNumber: number }[]> {
  const fresh: { pipelineUuid: string; stepUuid: string; runNumber: number }[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query(keys.attemptsOf(repo.repoUuid), { limit: 100, cursor });
    for (const { value } of page.items) {
      const id = `${value.pipelineUuid}:${value.stepUuid}:${value.runNumber}`;
      if (known.has(id)) continue;
      known.add(id);
      fresh.push(value);
    }
    cursor = page.cursor;
  } while (cursor);
  return fresh;
}

async function withSim<T>(ws: SimWorkspace, run: (apiUrl: string) => Promise<T>): Promise<T> {
  const sim = await startSimServer({ workspace: ws });
  try {
    return await run(sim.apiUrl);
  } finally {
    await sim.close();
  }
}

const clientFor = (apiUrl: string): { client: BitbucketClient; transport: HttpTransport } => {
  const transport = new HttpTransport({ baseUrl: apiUrl, auth: { kind: 'none' } });
  return { client: new BitbucketClient({ transport }), transport };
};

/** Ours: sweep, then each job alone so its calls, writes and CPU are its own. Returns the jobs for the naive pass. */
async function ingestOurs(ws: SimWorkspace, apiUrl: string): Promise<RunTotals & { jobs: IngestJob[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pi-bench-'));
  const sqlite = new SqliteStore({ path: path.join(dir, 'store.db') });
  const store = new MeteredStore(sqlite);
  const { client } = clientFor(apiUrl);
  const ctx: ServiceContext = { store, client, now: () => NOW, log: silentLogger };
  const jobs: IngestJob[] = [];
  try {
    const since = daysAgo(NOW, DAYS + 1);
    await sweepWorkspace(ctx, {
      workspace: ws.slug,
      since,
      reason: 'backfill',
      enqueue: async (batch) => {
        jobs.push(...batch);
      },
    });
    const startEndpoints = client.stats.byEndpoint;
    const sweep = { calls: meteredCalls(startEndpoints), floor: listingFloor(ws, since) };
    const bytesAtStart = store.stats().bytesWrittenByArea;
    const known = new Set<string>();
    const pipelines: PipelineCost[] = [];
    let attempts = 0;
    let reports = 0;
    for (const job of jobs) {
      const calls0 = client.stats.byEndpoint;
      const store0 = store.stats();
      const cpu0 = process.cpuUsage();
      const outcome = await ingestPipeline(ctx, job, { retentionDays: 90, codeInsights: true });
      if (outcome.insights?.kind === 'published') reports += 1;
      const cpu = process.cpuUsage(cpu0);
      const store1 = store.stats();
      const recorded = await recordedSince(store, job.repo, known);
      attempts += recorded.length;
      pipelines.push({
        calls: meteredCalls(diff(client.stats.byEndpoint, calls0)),
        floor: floorOf(ws, recorded),
        writes: store1.writes - store0.writes,
        bytesWritten: store1.bytesWritten - store0.bytesWritten,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
    }
    const bytesByArea = diff(store.stats().bytesWrittenByArea, bytesAtStart);
    const completed = ws.truth.repos;
    const results = Object.values(completed).flatMap((r) =>
      r.pipelines.filter((p) => p.state === 'COMPLETED').map((p) => p.result),
    );
    const greenShare = results.filter((r) => r === 'SUCCESSFUL').length / Math.max(1, results.length);
    return {
      pipelines,
      sweep,
      greenShare,
      byEndpoint: client.stats.byEndpoint,
      attempts,
      reports,
      bytesByArea,
      jobs,
    };
  } finally {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The obvious way: everything for every step, whole logs, no Range, nothing remembered. */
async function naivePipeline(
  client: BitbucketClient,
  transport: HttpTransport,
  job: IngestJob,
  count: (endpoint: string) => void,
): Promise<number> {
  if (!job.pipelineUuid) return 0;
  await client.getPipeline(job.repo, job.pipelineUuid);
  const steps = await client.listSteps(job.repo, job.pipelineUuid);
  let logBytes = 0;
  for (const step of steps.filter(isTerminalStep)) {
    const summary = await client.getTestReportSummary(job.repo, job.pipelineUuid, step.uuid);
    if (summary) await client.listTestCases(job.repo, job.pipelineUuid, step.uuid);
    let url = `/repositories/${job.repo.workspace}/${job.repo.repoSlug}/pipelines/{${job.pipelineUuid}}/steps/{${step.uuid}}/log`;
    for (let hop = 0; hop < 3; hop++) {
      const response = await transport.request({ method: 'GET', url });
      count(hop === 0 ? 'steps.log' : 'steps.logStorage');
      const location = response.headers['location'];
      if (response.status >= 300 && response.status < 400 && location) {
        url = location;
        continue;
      }
      logBytes += Buffer.byteLength(response.body);
      break;
    }
  }
  return logBytes;
}

async function ingestNaive(
  jobs: IngestJob[],
  apiUrl: string,
): Promise<{ perPipeline: number[]; byEndpoint: Record<string, number>; logBytes: number }> {
  const { client, transport } = clientFor(apiUrl);
  const raw: Record<string, number> = {};
  const count = (endpoint: string): void => {
    raw[endpoint] = (raw[endpoint] ?? 0) + 1;
  };
  const perPipeline: number[] = [];
  let logBytes = 0;
  for (const job of jobs) {
    const client0 = client.stats.byEndpoint;
    const raw0 = { ...raw };
    logBytes += await naivePipeline(client, transport, job, count);
    perPipeline.push(meteredCalls(diff(client.stats.byEndpoint, client0)) + meteredCalls(diff(raw, raw0)));
  }
  const byEndpoint = { ...client.stats.byEndpoint };
  for (const [k, v] of Object.entries(raw)) byEndpoint[k] = (byEndpoint[k] ?? 0) + v;
  return { perPipeline, byEndpoint, logBytes };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]): number => (xs.length ? sum(xs) / xs.length : 0);
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
};
const fmt = (n: number, d = 2): string => n.toFixed(d);
const row = (cells: (string | number)[]): string =>
  cells.map((c, i) => (i === 0 ? String(c).padEnd(34) : String(c).padStart(12))).join('');

function printOurs(
  ours: RunTotals,
  naive: { perPipeline: number[]; byEndpoint: Record<string, number>; logBytes: number },
): void {
  const p = ours.pipelines;
  const calls = p.map((x) => x.calls);
  const floors = p.map((x) => x.floor);
  const ratios = p.map((x) => x.calls / x.floor);
  console.log(`\n== Ours: ${p.length} pipelines, ${ours.attempts} step attempts recorded ==`);
  console.log(row(['per pipeline', 'mean', 'p50', 'p95', 'max', 'total']));
  const line = (name: string, xs: number[], d = 2): void =>
    console.log(
      row([
        name,
        fmt(mean(xs), d),
        fmt(pct(xs, 0.5), d),
        fmt(pct(xs, 0.95), d),
        fmt(Math.max(...xs), d),
        fmt(sum(xs), 0),
      ]),
    );
  line('API calls (rate-limited)', calls);
  line('floor', floors);
  line('calls / floor', ratios);
  line(
    'storage writes',
    p.map((x) => x.writes),
  );
  line(
    'bytes written',
    p.map((x) => x.bytesWritten),
    0,
  );
  line(
    'CPU ms',
    p.map((x) => x.cpuMs),
  );
  console.log(
    `pipelines above their floor: ${ratios.filter((r) => r > 1).length}; green: ${fmt(100 * ours.greenShare, 0)}%`,
  );
  printOverall(ours);
  const areas = Object.entries(ours.bytesByArea ?? {}).sort((a, b) => b[1] - a[1]);
  const totalBytes = sum(areas.map(([, b]) => b));
  console.log('\nKVS bytes written per pipeline, by key area');
  for (const [area, bytes] of areas) {
    console.log(
      `  ${area.padEnd(26)}${fmt(bytes / p.length, 0).padStart(8)} B  ${fmt((100 * bytes) / Math.max(1, totalBytes), 1).padStart(5)}%`,
    );
  }
  console.log('\nAPI calls by endpoint          ours       naive');
  for (const endpoint of [
    ...new Set([...Object.keys(ours.byEndpoint), ...Object.keys(naive.byEndpoint)]),
  ].sort()) {
    const note = UNMETERED.has(endpoint)
      ? '  (log storage, not rate-limited)'
      : isInsights(endpoint)
        ? '  (Code Insights, not in the floor)'
        : '';
    console.log(
      `  ${endpoint.padEnd(26)}${String(ours.byEndpoint[endpoint] ?? 0).padStart(8)}${String(naive.byEndpoint[endpoint] ?? 0).padStart(12)}${note}`,
    );
  }
  const insightCalls = Object.entries(ours.byEndpoint).reduce((n, [e, c]) => (isInsights(e) ? n + c : n), 0);
  console.log(
    `Code Insights: ${ours.reports ?? 0} reports on pull-request commits, ${insightCalls} calls (${fmt(insightCalls / Math.max(1, ours.reports ?? 0), 2)} per report)`,
  );
  console.log(`\n== Naive (all test cases of every step, whole logs without Range) ==`);
  console.log(
    `rate-limited calls: naive ${sum(naive.perPipeline)} vs ours ${sum(calls)}  →  naive/ours = ${fmt(sum(naive.perPipeline) / sum(calls), 2)}×`,
  );
  console.log(`log bytes downloaded by naive: ${(naive.logBytes / 1024 / 1024).toFixed(1)} MiB`);
}

/** Every rate-limited call of the run, the sweep's included, against the floor. */
function printOverall(run: RunTotals): void {
  const calls = sum(run.pipelines.map((x) => x.calls)) + run.sweep.calls;
  const floor = sum(run.pipelines.map((x) => x.floor)) + run.sweep.floor;
  console.log(
    `overall calls/floor: ${fmt(calls / floor, 3)} (${calls} / ${floor}; the sweep ${run.sweep.calls} calls, its floor ${run.sweep.floor} listing pages)`,
  );
}

/** The demo's repositories with realistic habits: many reruns, and about half of the pipelines failing. */
function realisticHabits(): RepoSpec[] {
  return DEFAULT_REPOS.map((r) => ({
    ...r,
    reruns: { failedSteps: 0.5, pipeline: 0.35 },
    plant: {
      ...r.plant,
      flakyModerate: r.plant.flakyModerate + 4,
      ...(r.plant.oomStep ? { oomStep: { ...r.plant.oomStep, rate: 0.2 } } : {}),
    },
  }));
}

function suiteSpec(tests: number): RepoSpec[] {
  const base = DEFAULT_REPOS.find((r) => r.slug === 'web-app') ?? DEFAULT_REPOS[0];
  if (!base) throw new Error('no default repository spec');
  return [{ ...base, unitTests: tests, integrationTests: 0 }];
}

async function main(): Promise<void> {
  const started = Date.now();
  const ws = generateWorkspace({ seed: SEED, now: NOW, days: DAYS });
  console.log(
    `demo workspace: seed ${SEED}, ${DAYS} days to ${NOW.toISOString()}, repos ${ws.repos.map((r) => r.slug).join(', ')}`,
  );
  const ours = await withSim(ws, (apiUrl) => ingestOurs(ws, apiUrl));
  const naive = await withSim(ws, (apiUrl) => ingestNaive(ours.jobs, apiUrl));
  printOurs(ours, naive);

  const habits = generateWorkspace({ seed: SEED, now: NOW, days: DAYS, repos: realisticHabits() });
  const real = await withSim(habits, (apiUrl) => ingestOurs(habits, apiUrl));
  const reruns = Object.values(habits.truth.repos).reduce(
    (n, r) => n + r.stepReruns.length + r.sameCommitReruns.length,
    0,
  );
  console.log(
    `\n== Realistic habits: ${real.pipelines.length} pipelines, ${fmt(100 * real.greenShare, 0)}% green, ${reruns} reruns ==`,
  );
  console.log(
    `API calls per pipeline: mean ${fmt(mean(real.pipelines.map((x) => x.calls)))}, floor ${fmt(mean(real.pipelines.map((x) => x.floor)))}`,
  );
  printOverall(real);

  console.log('\n== Suite size independence (web-app only, unit suite size varies, same seed) ==');
  console.log(row(['tests in suite', 'pipelines', 'calls/pipe', 'floor/pipe', 'writes/pipe', 'bytes/pipe']));
  for (const tests of [100, 2000]) {
    const w = generateWorkspace({ seed: SEED, now: NOW, days: DAYS, repos: suiteSpec(tests) });
    const r = await withSim(w, (apiUrl) => ingestOurs(w, apiUrl));
    const p = r.pipelines;
    console.log(
      row([
        tests,
        p.length,
        fmt(mean(p.map((x) => x.calls))),
        fmt(mean(p.map((x) => x.floor))),
        fmt(mean(p.map((x) => x.writes))),
        fmt(mean(p.map((x) => x.bytesWritten)), 0),
      ]),
    );
  }
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
