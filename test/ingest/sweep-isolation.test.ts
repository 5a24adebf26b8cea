/**
 * The hourly sweep over a workspace in which one repository fails: the others are still swept, the failure is
 * recorded for the admin page (and cleared once the repository answers again), and only what is not a known dead
 * end is rethrown at the end.
 */
import { BitbucketClient } from '../../src/bitbucket/client';
import { HttpTransport } from '../../src/bitbucket/http-transport';
import { daysAgo } from '../../src/domain/time';
import { unwrapUuid } from '../../src/domain/uuid';
import type { ServiceContext } from '../../src/services/context';
import type { IngestJob } from '../../src/services/jobs';
import { ingestionProblems } from '../../src/services/ingestion-problems';
import { rethrowUnexpected, sweepWorkspace } from '../../src/services/sweep';
import {
  generateWorkspace,
  startSimServer,
  type FaultKind,
  type SimServer,
  type SimWorkspace,
} from '../../src/sim';
import { SqliteStore } from '../../src/storage/sqlite-store';

const NOW = new Date('2026-03-02T12:00:00Z');
const silent = { info: () => undefined, warn: () => undefined };

describe('a sweep with one failing repository', () => {
  let ws: SimWorkspace;
  let sim: SimServer;

  beforeAll(async () => {
    ws = generateWorkspace({ seed: 5, now: NOW, days: 3 });
    sim = await startSimServer({ workspace: ws });
  });
  afterAll(() => sim.close());

  function context(): ServiceContext {
    const client = new BitbucketClient({
      transport: new HttpTransport({ baseUrl: sim.apiUrl, auth: { kind: 'none' } }),
      sleep: () => Promise.resolve(),
    });
    return { store: new SqliteStore({ path: ':memory:' }), client, now: () => NOW, log: silent };
  }

  async function sweep(ctx: ServiceContext, failing: string, kind: FaultKind | undefined) {
    sim.setFaults(
      kind ? { rate: 1, kinds: [kind], seed: 1, only: ['pipelines.list'], repos: [failing] } : undefined,
    );
    const jobs: IngestJob[] = [];
    try {
      const result = await sweepWorkspace(ctx, {
        workspace: ws.slug,
        since: daysAgo(NOW, 4),
        reason: 'reconcile',
        enqueue: async (batch) => void jobs.push(...batch),
      });
      return { result, reposWithJobs: [...new Set(jobs.map((j) => j.repo.repoSlug))].sort() };
    } finally {
      sim.setFaults(undefined);
    }
  }

  const [first, ...others] = ['web-app', 'payments-api', 'infra-scripts'];

  it.each<FaultKind>(['403', '404'])(
    'a %s on the first repository: the others are swept, the refusal recorded and not rethrown',
    async (kind) => {
      const ctx = context();
      const { result, reposWithJobs } = await sweep(ctx, first ?? '', kind);
      expect(reposWithJobs).toEqual([...others].sort());
      expect(result.failures.map((f) => [f.repo.repoSlug, f.verdict.kind])).toEqual([[first, 'final']]);
      expect(() => rethrowUnexpected(result)).not.toThrow();
      const repoUuid = unwrapUuid(ws.repos.find((r) => r.slug === first)?.uuid ?? '');
      const problems = await ingestionProblems(ctx.store, ws.slug);
      expect(problems.get(repoUuid)).toEqual([
        { at: NOW.toISOString(), stage: 'sweep', why: expect.stringContaining(`answered ${kind}`) },
      ]);

      // The next hour the repository answers again: swept, and its problem is gone.
      const again = await sweep(ctx, first ?? '', undefined);
      expect(again.result.failures).toEqual([]);
      expect((await ingestionProblems(ctx.store, ws.slug)).size).toBe(0);
    },
  );

  it('an unexpected failure (a 500 past the retries) does not stop the others, and is rethrown at the end', async () => {
    const ctx = context();
    const { result, reposWithJobs } = await sweep(ctx, others[0] ?? '', '500');
    expect(reposWithJobs).toEqual([first, others[1]].sort());
    expect(result.failures.map((f) => [f.repo.repoSlug, f.verdict.kind])).toEqual([[others[0], 'transient']]);
    expect(() => rethrowUnexpected(result)).toThrow(/answered 500/);
  });
});
