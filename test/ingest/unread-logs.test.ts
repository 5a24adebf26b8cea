/**
 * Step logs that cannot be read, end to end: the simulated log storage (where a finished step's log redirects)
 * refuses every request. Every attempt is still recorded once, marked `logRead: false` with the reason, and
 * classified from what is known (step result, tests, error key); nothing is left to retry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { daysAgo } from '../../src/domain/time';
import { unwrapUuid } from '../../src/domain/uuid';
import { openLocalRuntime } from '../../src/local/runtime';
import { runSync } from '../../src/local/sync';
import { generateWorkspace, startSimServer, type FaultKind } from '../../src/sim';
import * as keys from '../../src/storage/keys';
import { expectedAttempts, recordedAttempts, sortedList } from './ingest-helpers';

const NOW = new Date('2026-03-02T12:00:00Z');
const silent = { info: () => undefined, warn: () => undefined };
const sink = { write: () => true } as unknown as NodeJS.WritableStream;

describe('logs that cannot be read', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each<FaultKind>(['403', '404'])(
    'log storage answers %d: every attempt recorded, logs marked unread, failures still classified',
    async (kind) => {
      const ws = generateWorkspace({ seed: 17, now: NOW, days: 3 });
      const sim = await startSimServer({
        workspace: ws,
        faults: { rate: 1, kinds: [kind], seed: 3, logServer: true, only: ['log.fetch'] },
      });
      const dataDir = mkdtempSync(path.join(tmpdir(), 'pi-unread-logs-'));
      dirs.push(dataDir);
      const rt = openLocalRuntime({ dataDir, apiUrl: sim.apiUrl, env: {}, log: silent, now: () => NOW });
      try {
        const sync = () =>
          runSync(rt, { workspace: ws.slug, since: daysAgo(NOW, 4), progress: false, out: sink });
        const first = await sync();
        expect(first.failures).toEqual([]);
        let failed = 0;
        for (const repo of ws.repos) {
          const repoUuid = unwrapUuid(repo.uuid);
          expect(sortedList(await recordedAttempts(rt.store, repoUuid))).toEqual(
            sortedList(expectedAttempts(ws, repo.slug)),
          );
          for (let cursor: string | undefined, more = true; more; more = cursor !== undefined) {
            const page = await rt.store.query(keys.attemptsOf(repoUuid), { limit: 100, cursor });
            cursor = page.cursor;
            for (const { value: a } of page.items.filter((i) => i.value.result !== 'SUCCESSFUL')) {
              failed++;
              expect(a.logRead).toBe(false);
              expect(a.logUnreadReason).toMatch(new RegExp(`log storage.*${kind}|answered ${kind}`));
              expect(a.failure).toBeDefined();
              if (a.failedTests.length > 0) expect(a.failure?.category).toBe('test');
            }
          }
        }
        expect(failed).toBeGreaterThan(0);
        expect(sim.stats.faultsByKind[kind]).toBe(failed);
        const second = await sync();
        expect(second.stats.pipelines).toBe(0);
      } finally {
        rt.close();
        await sim.close();
      }
    },
    120_000,
  );
});
