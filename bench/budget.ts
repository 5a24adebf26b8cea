/**
 * `npm run bench:budget`: API calls spent against calls reserved from the workspace's hourly budget, under Forge's
 * pattern of many short invocations.
 *
 * On Forge every queued job is its own invocation with its own `StoreBudget`: it reserves calls a block at a time
 * from the workspace's counter of the hour and spends 1 to 6 of them. The run: the simulated demo workspace, one
 * sweep invocation, then every ingest job as its own invocation (two at a time, as the queue's per-repository
 * concurrency allows), all against one store. It is run twice: with the unspent rest of each block kept (what the app
 * did before), and handed back when the invocation ends. Then, with Bitbucket's budget of 900 calls an hour, how many
 * of those jobs run before the budget says it is spent.
 */
import { hourIso, StoreBudget } from '../src/bitbucket/budget';
import { BitbucketClient } from '../src/bitbucket/client';
import { BudgetExhaustedError } from '../src/bitbucket/errors';
import { HttpTransport } from '../src/bitbucket/http-transport';
import { daysAgo } from '../src/domain/time';
import { silentLogger, type ServiceContext } from '../src/services/context';
import { ingestPipeline } from '../src/services/ingest-pipeline';
import type { IngestJob } from '../src/services/jobs';
import { sweepWorkspace } from '../src/services/sweep';
import { generateWorkspace, startSimServer } from '../src/sim';
import * as keys from '../src/storage/keys';
import { MeteredStore } from '../src/storage/metered-store';
import { SqliteStore } from '../src/storage/sqlite-store';
import type { Store } from '../src/storage/store';

const SEED = 20261127;
const NOW = new Date('2026-11-27T12:00:00Z');
const DAYS = 10;
const WORKSPACE = 'acme';
/** Two jobs of a repository at a time, as the Forge queue's concurrency key allows. */
const CONCURRENCY = 2;

interface Run {
  invocations: number;
  jobs: number;
  spent: number;
  reserved: number;
  budgetWrites: number;
  exhaustedAfterJobs?: number;
}

async function run(apiUrl: string, handBack: boolean, limitPerHour: number): Promise<Run> {
  const sqlite = new SqliteStore({ path: ':memory:', now: () => NOW.getTime() });
  const store = new MeteredStore(sqlite);
  let budgetCommits = 0;
  const budgetStore: Store = Object.create(store) as Store;
  budgetStore.commit = (ops) => {
    budgetCommits++;
    return store.commit(ops);
  };
  const transport = new HttpTransport({ baseUrl: apiUrl, auth: { kind: 'none' } });
  let spent = 0;
  let invocations = 0;
  /** One Forge invocation: its own budget and client, the budget handed back (or not) when it ends. */
  const invoke = async <T>(work: (ctx: ServiceContext) => Promise<T>): Promise<T> => {
    invocations++;
    const budget = new StoreBudget({
      store: budgetStore,
      workspaceId: WORKSPACE,
      limitPerHour,
      now: () => NOW.getTime(),
    });
    const client = new BitbucketClient({ transport, budget });
    try {
      return await work({ store, client, now: () => NOW, log: silentLogger });
    } finally {
      // Log storage (the target of a log's 307) is not Bitbucket's API and takes nothing from the budget.
      const { calls, byEndpoint } = client.stats;
      spent += calls - (byEndpoint['steps.logStorage'] ?? 0);
      if (handBack) await budget.release();
    }
  };
  const jobs: IngestJob[] = [];
  await invoke((ctx) =>
    sweepWorkspace(ctx, {
      workspace: WORKSPACE,
      since: daysAgo(NOW, DAYS + 1),
      reason: 'reconcile',
      enqueue: async (batch) => void jobs.push(...batch),
    }),
  );
  const writesBefore = budgetCommits;
  let done = 0;
  let exhaustedAfterJobs: number | undefined;
  const queue = [...jobs];
  const worker = async (): Promise<void> => {
    for (
      let job = queue.shift();
      job !== undefined && exhaustedAfterJobs === undefined;
      job = queue.shift()
    ) {
      try {
        await invoke((ctx) => ingestPipeline(ctx, job, { retentionDays: 90 }));
        done++;
      } catch (error) {
        if (!(error instanceof BudgetExhaustedError)) throw error;
        exhaustedAfterJobs = done;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const counter = await store.getDoc(keys.apiBudget(WORKSPACE, hourIso(NOW.getTime())));
  const result: Run = {
    invocations,
    jobs: done,
    spent,
    reserved: counter?.value.reserved ?? 0,
    budgetWrites: budgetCommits - writesBefore,
    ...(exhaustedAfterJobs === undefined ? {} : { exhaustedAfterJobs }),
  };
  sqlite.close();
  return result;
}

const cell = (v: string | number, w = 14): string => String(v).padStart(w);

async function main(): Promise<void> {
  const started = Date.now();
  const ws = generateWorkspace({ seed: SEED, now: NOW, days: DAYS });
  const sim = await startSimServer({ workspace: ws });
  try {
    console.log(
      `demo workspace: seed ${SEED}, ${DAYS} days to ${NOW.toISOString()}, one invocation per job\n`,
    );
    console.log(
      `${'unspent calls'.padEnd(24)}${cell('invocations')}${cell('calls spent')}${cell('reserved')}${cell('reserved/spent', 16)}${cell('budget writes')}${cell('writes/invoc.')}`,
    );
    const unlimited = 1_000_000;
    for (const handBack of [false, true]) {
      const r = await run(sim.apiUrl, handBack, unlimited);
      console.log(
        `${(handBack ? 'handed back' : 'kept (before)').padEnd(24)}${cell(r.invocations)}${cell(r.spent)}${cell(r.reserved)}${cell((r.reserved / r.spent).toFixed(3), 16)}${cell(r.budgetWrites)}${cell((r.budgetWrites / Math.max(1, r.invocations - 1)).toFixed(2))}`,
      );
    }
    console.log(
      '\nWith the real budget (900 calls an hour, the rest left to the pages): jobs run before it says spent',
    );
    for (const handBack of [false, true]) {
      const r = await run(sim.apiUrl, handBack, 900);
      const stopped =
        r.exhaustedAfterJobs === undefined ? `all ${r.jobs} jobs ran` : `${r.exhaustedAfterJobs} jobs`;
      console.log(
        `${(handBack ? 'handed back' : 'kept (before)').padEnd(24)}${stopped}, ${r.spent} calls spent, ${r.reserved} reserved`,
      );
    }
  } finally {
    await sim.close();
  }
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
