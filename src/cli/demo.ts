/**
 * `demo` (what `npm start` runs): a simulated Bitbucket workspace on 127.0.0.1, ingested through the real sync
 * path (HTTP client, retries, local queue, SQLite store), its report printed, then the app's pages served.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateWorkspace, startSimServer } from '../sim';
import { openLocalRuntime } from '../local/runtime';
import { runSync } from '../local/sync';
import { buildRepoReport } from '../services/repo-report';
import { knownRepositories } from '../services/sweep';
import { daysAgo } from '../domain/time';
import { renderText } from '../report/text';
import type { CliValues } from './options';
import { UsageError } from './input';
import { serveUntilStopped } from './serve';

export const DEMO_SEED = 20261127;
export const DEMO_WORKSPACE = 'acme';

/** Written beside the store the demo creates: only a store with this mark beside it is the demo's to delete. */
export const DEMO_MARKER = 'demo-store';

/**
 * A fresh simulated history each run: the demo's store is rebuilt, never mixed with a real workspace's. A store
 * without the demo's mark (one `sync` filled, say) is refused, never deleted.
 */
function freshDemoStore(dataDir: string): void {
  const store = path.join(dataDir, 'store.db');
  const marker = path.join(dataDir, DEMO_MARKER);
  if (existsSync(store) && !existsSync(marker))
    throw new UsageError(
      `${dataDir} holds a store the demo did not create; it is left as it is: give demo an empty or new --data-dir`,
    );
  for (const file of [store, `${store}-wal`, `${store}-shm`]) rmSync(file, { force: true });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(
    marker,
    'This folder holds the simulated store of `pipeline-insights demo`, rebuilt on each run.\n',
  );
}

export async function runDemo(values: CliValues): Promise<number> {
  const dataDir = path.resolve(values['data-dir'] ?? path.join('.pipeline-insights', 'demo'));
  freshDemoStore(dataDir);
  const now = new Date();
  const workspace = generateWorkspace({ seed: DEMO_SEED, now, days: 30 });
  const sim = await startSimServer({ workspace });
  const rt = openLocalRuntime({
    dataDir,
    apiUrl: sim.apiUrl,
    env: {},
    log: { info: () => undefined, warn: () => undefined },
    now: () => now,
  });
  try {
    process.stderr.write(
      `simulated workspace "${DEMO_WORKSPACE}" on ${sim.apiUrl}; ingesting 30 days of pipelines…\n`,
    );
    const result = await runSync(rt, {
      workspace: DEMO_WORKSPACE,
      since: daysAgo(now, 30),
      progress: Boolean(process.stderr.isTTY) && !process.env.CI,
    });
    const s = result.stats;
    process.stdout.write(
      `ingested ${s.pipelines} pipelines (${s.attempts} step attempts) with ${s.apiCalls} API calls, ` +
        `${s.reports} Code Insights reports on pull-request commits; ` +
        `${s.storage.writes} storage writes, ${(s.storage.bytesWritten / 1024).toFixed(0)} KiB written\n\n`,
    );
    for (const repo of await knownRepositories(rt, DEMO_WORKSPACE)) {
      const report = await buildRepoReport(rt.store, {
        workspace: DEMO_WORKSPACE,
        repo,
        since: daysAgo(now, 30),
        until: now,
        webUrl: 'https://bitbucket.org',
      });
      process.stdout.write(`${renderText(report)}\n`);
    }
  } finally {
    rt.close();
  }
  if (values['no-serve']) {
    await sim.close();
    return 0;
  }
  return serveUntilStopped({
    dataDir,
    port: values.port,
    apiUrl: sim.apiUrl,
    env: {},
    onClose: () => sim.close(),
    now: () => now,
  });
}
