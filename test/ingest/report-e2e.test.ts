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
import { generateWorkspace, startSimServer, type SimServer, type SimWorkspace } from '../../src/sim';

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

describe('sync, then the JSON report', () => {
  let ws: SimWorkspace;
  let sim: SimServer;
  let rt: LocalRuntime;
  let dataDir: string;
  let hostile: string;
  let nearlyHostile: string;

  const report = async (slug: string): Promise<RepoReport> => {
    const repo = (await knownRepositories(rt, WORKSPACE)).find((r) => r.repoSlug === slug);
    if (!repo) throw new Error(`${slug} not synced`);
    const now = new Date(ws.now);
    // What `report --format json` prints: the report as JSON.
    return JSON.parse(
      JSON.stringify(
        await buildRepoReport(rt.store, { workspace: WORKSPACE, repo, since: daysAgo(now, 30), until: now }),
      ),
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
});
