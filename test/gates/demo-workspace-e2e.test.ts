/**
 * The merge checks and the digest on a synced demo workspace: the simulated Bitbucket on loopback, ingested through
 * the real sync path; every pull request checked as Bitbucket would on merge, against what the simulator planted;
 * then `notify --digest week` to a webhook receiver on loopback.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEMO_SEED } from '../../src/cli/demo';
import { daysAgo } from '../../src/domain/time';
import { openLocalRuntime, type LocalRuntime } from '../../src/local/runtime';
import { runSync } from '../../src/local/sync';
import { runMergeCheck, type MergeCheckResult } from '../../src/services/merge-check';
import { knownRepositories } from '../../src/services/sweep';
import {
  generateWorkspace,
  startSimServer,
  type SimPipeline,
  type SimServer,
  type SimWorkspace,
} from '../../src/sim';
import { pipelineView } from '../../src/sim/view';
import { repoVerdicts } from '../../src/services/verdicts';
import type { SlackPayload } from '../../src/chat/slack';
import type { TeamsPayload } from '../../src/chat/teams';
import { adaptiveCardProblems, slackProblems, slackText, teamsText } from '../support/chat-payloads';
import { startReceiver } from '../support/webhook-receiver';

const ROOT = path.resolve(__dirname, '../..');
const NOW = new Date('2026-11-27T16:00:00Z');
/** Failure kinds the classifier files under infrastructure: not the change's fault. */
const INFRA = new Set(['out-of-memory', 'system-error', 'service-outage']);

interface Checked {
  repo: string;
  pullRequestId: number;
  newest: SimPipeline;
  unexplained: MergeCheckResult;
}

describe('merge checks on a synced demo workspace', () => {
  let ws: SimWorkspace;
  let sim: SimServer;
  let rt: LocalRuntime;
  let dir: string;
  const checked: Checked[] = [];

  beforeAll(async () => {
    ws = generateWorkspace({ seed: DEMO_SEED, now: NOW, days: 30 });
    sim = await startSimServer({ workspace: ws });
    dir = mkdtempSync(path.join(tmpdir(), 'pi-merge-'));
    rt = openLocalRuntime({
      dataDir: dir,
      apiUrl: sim.apiUrl,
      env: {},
      log: { info: () => undefined, warn: () => undefined },
      now: () => NOW,
    });
    await runSync(rt, { workspace: 'acme', since: daysAgo(NOW, 30), progress: false });
    for (const repo of await knownRepositories(rt, 'acme')) {
      const simRepo = ws.repos.find((r) => r.slug === repo.repoSlug);
      const newest = new Map<number, SimPipeline>();
      for (const p of simRepo?.pipelines ?? []) {
        if (p.target.kind !== 'pullrequest' || pipelineView(p, NOW.getTime()).state !== 'COMPLETED') continue;
        const known = newest.get(p.target.pullRequestId);
        if (!known || p.createdOn > known.createdOn) newest.set(p.target.pullRequestId, p);
      }
      for (const [pullRequestId, p] of newest) {
        const unexplained = await runMergeCheck(rt, {
          workspace: 'acme',
          repo,
          pullRequestId,
          check: 'unexplained',
        });
        checked.push({ repo: repo.repoSlug, pullRequestId, newest: p, unexplained });
      }
    }
  }, 300_000);

  afterAll(async () => {
    rt.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What failed in the pipeline's newest attempt of each step, from the simulator's plan. */
  const failuresOf = (p: SimPipeline) =>
    pipelineView(p, NOW.getTime())
      .steps.filter((s) => s.attempt && s.result !== 'SUCCESSFUL' && s.result !== 'NOT_RUN')
      .map((s) => ({
        kind: s.attempt?.failure?.kind ?? 'unknown',
        tests: s.attempt?.tests?.failed.map((t) => t.fullyQualifiedName) ?? [],
      }));

  it('fails the pull requests that broke a test, naming the test as Bitbucket reports it', () => {
    const breakages = Object.values(ws.truth.repos).flatMap((r) => r.pullRequestBreakages);
    expect(breakages.length).toBeGreaterThanOrEqual(2);
    for (const b of breakages) {
      const c = checked.find((x) => x.repo === b.repo && x.pullRequestId === b.pullRequestId);
      expect(c?.unexplained.success).toBe(false);
      expect(c?.unexplained.message).toContain(`Pipeline #${b.buildNumber} on `);
      expect(c?.unexplained.message).toContain(`1 unexplained failure: test "${b.fullyQualifiedName}"`);
    }
  });

  it('fails every pull request whose latest pipeline has a build, lint or dependency error', () => {
    const broken = checked.filter((c) =>
      failuresOf(c.newest).some((f) => ['compile', 'lint', 'dependency-install'].includes(f.kind)),
    );
    expect(broken.length).toBeGreaterThanOrEqual(3);
    for (const c of broken)
      expect(c.unexplained).toMatchObject({
        success: false,
        message: expect.stringMatching(/unexplained failure.*step "/),
      });
  });

  it('passes pull requests whose failures are all known flaky tests, and only failures the simulator made flaky or infrastructure', () => {
    const flakyNames = new Set(ws.planted.flaky.map((f) => f.fullyQualifiedName));
    const passedWithFailures = checked.filter(
      (c) => c.unexplained.success && failuresOf(c.newest).length > 0,
    );
    expect(passedWithFailures.length).toBeGreaterThanOrEqual(2);
    for (const c of passedWithFailures) {
      for (const f of failuresOf(c.newest)) {
        const explained =
          INFRA.has(f.kind) || (f.kind === 'test-failure' && f.tests.every((t) => flakyNames.has(t)));
        expect({ pr: `${c.repo}#${c.pullRequestId}`, failure: f, explained }).toMatchObject({
          explained: true,
        });
      }
      expect(c.unexplained.message).toMatch(
        /no unexplained failures\. Tolerated: (known flaky|infrastructure)/,
      );
    }
  });

  it('fails a pull request whose latest pipeline never ran (an invalid bitbucket-pipelines.yml): no finished pipeline', () => {
    const invalid = checked.filter((c) => c.newest.configError);
    expect(invalid.length).toBeGreaterThanOrEqual(1);
    for (const c of invalid)
      expect(c.unexplained).toMatchObject({
        success: false,
        message: expect.stringMatching(/^No finished pipeline on [0-9a-f]{12} yet/),
      });
  });

  it('passes green pull requests with a message that says so', () => {
    const green = checked.filter((c) => !c.newest.configError && failuresOf(c.newest).length === 0);
    expect(green.length).toBeGreaterThan(10);
    for (const c of green)
      expect(c.unexplained).toMatchObject({
        success: true,
        message: expect.stringMatching(/^Pipeline #\d+ on [0-9a-f]{12}: no unexplained failures\./),
      });
  });

  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        path.join(ROOT, 'node_modules/.bin/tsx'),
        [path.join(ROOT, 'src/cli/main.ts'), ...args, '--data-dir', dir],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BITBUCKET_API_URL: sim.apiUrl },
          timeout: 60_000,
        },
        (error, stdout) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });

  it('answers the same through the command line: one JSON line, exit 1 on a failed check', async () => {
    const b = Object.values(ws.truth.repos).flatMap((r) => r.pullRequestBreakages)[0];
    const run = await cli([
      'merge-check',
      '--workspace',
      'acme',
      '--repo',
      b?.repo ?? '',
      '--pr',
      String(b?.pullRequestId),
    ]);
    expect(run.code).toBe(1);
    const printed = JSON.parse(run.stdout) as MergeCheckResult;
    expect(printed).toEqual(
      checked.find((c) => c.repo === b?.repo && c.pullRequestId === b?.pullRequestId)?.unexplained,
    );
  }, 60_000);

  it('notify --digest week posts a digest naming every flaky test verbatim, within Slack and Teams limits', async () => {
    const receiver = await startReceiver();
    try {
      const run = await cli([
        'notify',
        '--workspace',
        'acme',
        '--digest',
        'week',
        '--slack-webhook',
        receiver.url('/slack'),
        '--teams-webhook',
        receiver.url('/teams'),
      ]);
      expect(run.stdout).toBe(
        'sent to Slack (1 attempt): weekly digest\nsent to Teams (1 attempt): weekly digest\n',
      );
      expect(run.code).toBe(0);
      const slack = JSON.parse(
        receiver.received.find((r) => r.path === '/slack')?.body ?? '{}',
      ) as SlackPayload;
      const teams = JSON.parse(
        receiver.received.find((r) => r.path === '/teams')?.body ?? '{}',
      ) as TeamsPayload;
      expect(slackProblems(slack)).toEqual([]);
      expect(adaptiveCardProblems(teams)).toEqual([]);
      expect(Buffer.byteLength(JSON.stringify(teams))).toBeLessThan(28 * 1024);
      const flaky: string[] = [];
      for (const repo of await knownRepositories(rt, 'acme')) {
        flaky.push(
          ...(await repoVerdicts(rt.store, repo))
            .filter((v) => v.label === 'flaky' && !v.quarantined)
            .map((v) => v.name),
        );
      }
      expect(flaky.length).toBeGreaterThanOrEqual(3);
      // The test with markup, right-to-left text and a 2,000-character name is among them, as stored.
      expect(flaky.some((name) => ws.truth.hostileTestName.startsWith(name.replace(/…$/, '')))).toBe(true);
      const lines = (text: string) =>
        text
          .split('\n')
          .filter((l) => /^Flaky( \(new this week\))?: /.test(l))
          .map((l) => l.replace(/^Flaky( \(new this week\))?: /, ''));
      expect(lines(slackText(slack)).sort()).toEqual([...new Set(flaky)].sort());
      expect(lines(teamsText(teams)).sort()).toEqual([...new Set(flaky)].sort());
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
