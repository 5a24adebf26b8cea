/**
 * The browser checks' data: the simulated workspace of `demo` (fixed seed and clock), ingested through the real
 * sync path into a temporary data folder.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_SEED, DEMO_WORKSPACE } from '../../src/cli/demo';
import { daysAgo } from '../../src/domain/time';
import { openLocalRuntime } from '../../src/local/runtime';
import { runSync } from '../../src/local/sync';
import { generateWorkspace, startSimServer, type SimServer } from '../../src/sim';

export const E2E_NOW = new Date('2026-11-20T12:00:00Z');
export const E2E_WORKSPACE = DEMO_WORKSPACE;

export interface DemoData {
  dataDir: string;
  sim: SimServer;
  pipelines: number;
}

export async function syncDemoData(): Promise<DemoData> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'pipeline-insights-e2e-'));
  const sim = await startSimServer({
    workspace: generateWorkspace({ seed: DEMO_SEED, now: E2E_NOW, days: 30 }),
  });
  const rt = openLocalRuntime({
    dataDir,
    apiUrl: sim.apiUrl,
    env: {},
    log: { info: () => undefined, warn: () => undefined },
    now: () => E2E_NOW,
  });
  try {
    const result = await runSync(rt, {
      workspace: E2E_WORKSPACE,
      since: daysAgo(E2E_NOW, 30),
      progress: false,
      out: { write: () => true } as unknown as NodeJS.WritableStream,
    });
    if (result.failures.length) throw new Error(`${result.failures.length} pipeline(s) failed to ingest`);
    return { dataDir, sim, pipelines: result.stats.pipelines };
  } finally {
    rt.close();
  }
}
