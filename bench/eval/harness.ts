/**
 * Runs the product as a real installation would, against a generated workspace served on loopback: the server's
 * `now` moves forward and `sync` (src/local/sync.ts, a local runtime with a fresh data folder) runs every few
 * simulated hours, so attempts that "Rerun failed steps" later hides are seen while they are the newest; after each
 * sync the CLI's `report --format json` is taken for every repository. What the API served at each sync is
 * recorded independently of the product, from the serving layer's own projection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { reportCommand } from '../../src/cli/commands';
import { openLocalRuntime, type LocalRuntime } from '../../src/local/runtime';
import { runSync } from '../../src/local/sync';
import { startSimServer } from '../../src/sim/server';
import { isVisible, stepView } from '../../src/sim/view';
import type { GeneratedWorkspace } from './generate';
import { HOUR_MS, iso } from './random';
import { attemptKey } from './truth';

/** The parts of the JSON report the evaluation reads (docs/report-schema.md), validated at the boundary. */
const reportSchema = z.object({
  pipelines: z.object({ total: z.number() }),
  steps: z.array(
    z.object({
      name: z.string(),
      regression: z.object({ change: z.number(), firstAffectedPipeline: z.number().optional() }).optional(),
    }),
  ),
  failures: z.array(
    z.object({ pipeline: z.number(), step: z.string(), attempt: z.number(), category: z.string() }),
  ),
  tests: z.array(
    z.object({
      name: z.string(),
      step: z.string(),
      classification: z.enum(['flaky', 'broken', 'fixed', 'healthy']),
    }),
  ),
});
export type JsonReport = z.infer<typeof reportSchema>;
export type Label = JsonReport['tests'][number]['classification'];

export interface SyncPoint {
  at: number;
  /** Per repository slug: the label of every test the report lists (unlisted tests are healthy). */
  labels: Map<string, Map<string, Label>>;
}

export interface WorkspaceRun {
  generated: GeneratedWorkspace;
  /** Attempt key → the first sync at which the API showed the attempt completed (and newest). */
  seen: Map<string, number>;
  syncs: SyncPoint[];
  /** The report of each repository after the last sync. */
  final: Map<string, JsonReport>;
  /** Ingestion jobs that failed for good, summed over syncs (should be 0). */
  syncFailures: number;
  apiCalls: number;
}

export interface RunOptions {
  syncEveryHours: number;
  /** Build a report after every sync (for detection delay); otherwise only at the end. */
  reportEachSync: boolean;
}

const silent = { info: () => undefined, warn: () => undefined };

class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

/** What the API shows at `now`: completed, newest attempts of visible pipelines. */
function observe(g: GeneratedWorkspace, now: number, seen: Map<string, number>): void {
  for (const repo of g.workspace.repos) {
    for (const p of repo.pipelines) {
      if (!isVisible(p, now)) continue;
      for (const step of p.steps) {
        const view = stepView(step, now);
        if (view.state !== 'COMPLETED' || !view.attempt) continue;
        const key = attemptKey(step.uuid, view.attempt.runNumber);
        if (!seen.has(key)) seen.set(key, now);
      }
    }
  }
}

export async function reportJson(
  rt: LocalRuntime,
  workspace: string,
  slug: string,
  since: Date,
): Promise<JsonReport> {
  const out = new Collector();
  await reportCommand(rt, { workspace, repo: [slug], format: 'json', since: since.toISOString() }, out);
  return reportSchema.parse(JSON.parse(out.text));
}

export async function runWorkspace(g: GeneratedWorkspace, opts: RunOptions): Promise<WorkspaceRun> {
  const ws = g.workspace;
  const since = new Date(g.start - 48 * HOUR_MS);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pi-eval-'));
  const server = await startSimServer({ workspace: ws });
  const rt = openLocalRuntime({
    dataDir,
    apiUrl: server.apiUrl,
    env: {},
    log: silent,
    now: () => new Date(ws.now),
  });
  const run: WorkspaceRun = {
    generated: g,
    seen: new Map(),
    syncs: [],
    final: new Map(),
    syncFailures: 0,
    apiCalls: 0,
  };
  const sink = new Collector();
  try {
    const times: number[] = [];
    for (let t = g.start + opts.syncEveryHours * HOUR_MS; t < g.end; t += opts.syncEveryHours * HOUR_MS)
      times.push(t);
    times.push(g.end);
    for (const [i, t] of times.entries()) {
      ws.now = iso(t);
      observe(g, t, run.seen);
      const result = await runSync(rt, { workspace: ws.slug, since, progress: false, out: sink });
      run.syncFailures += result.failures.length;
      const last = i === times.length - 1;
      if (!opts.reportEachSync && !last) continue;
      const labels = new Map<string, Map<string, Label>>();
      for (const repo of ws.repos) {
        const report = await reportJson(rt, ws.slug, repo.slug, since);
        labels.set(repo.slug, new Map(report.tests.map((x) => [x.name, x.classification])));
        if (last) run.final.set(repo.slug, report);
      }
      run.syncs.push({ at: t, labels });
    }
    run.apiCalls = rt.client.stats.calls;
  } finally {
    rt.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return run;
}
