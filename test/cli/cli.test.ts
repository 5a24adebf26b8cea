/**
 * The command line as a person meets it: the real binary in a child process against the simulated workspace, one
 * clear line for each mistake a person can make, and the machine-readable outputs (`--stats`, `--format json`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateWorkspace, startSimServer, type SimServer } from '../../src/sim';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const TOKEN = 'sim-secret-token-1234';
const NOW = new Date();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [path.join(ROOT, 'src/cli/main.ts'), ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: '1', ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('pipeline-insights CLI', () => {
  let sim: SimServer;
  let dir: string;
  const env = (): Record<string, string> => ({ BITBUCKET_API_URL: sim.apiUrl, BITBUCKET_TOKEN: TOKEN });

  beforeAll(async () => {
    sim = await startSimServer({
      workspace: generateWorkspace({ seed: 31, now: NOW, days: 3 }),
      token: TOKEN,
    });
    dir = mkdtempSync(path.join(tmpdir(), 'pi-cli-'));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a wrong token: one line about the credentials, a failing exit, the token never printed', async () => {
    const run = await cli(['sync', '--workspace', 'acme', '--data-dir', path.join(dir, 'wrong')], {
      ...env(),
      BITBUCKET_TOKEN: 'wrong-token-5678',
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/credentials/);
    expect(run.stderr + run.stdout).not.toContain('wrong-token-5678');
    expect(run.stderr + run.stdout).not.toContain(TOKEN);
  });

  it('an unknown workspace: one line naming it', async () => {
    const run = await cli(
      ['sync', '--workspace', 'no-such-team', '--data-dir', path.join(dir, 'unknown')],
      env(),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/not found.*no-such-team.*workspace/);
  });

  it('an unreachable host: its retries, then one line saying Bitbucket cannot be reached', async () => {
    const run = await cli(['sync', '--workspace', 'acme', '--data-dir', path.join(dir, 'unreachable')], {
      ...env(),
      BITBUCKET_API_URL: 'http://127.0.0.1:9/2.0',
    });
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual(
      Array(3).fill(
        expect.stringMatching(/^pipeline-insights: GET \/repositories\/acme failed .*; retry \d of 3/),
      ),
    );
    expect(lines.at(-1)).toMatch(/cannot reach Bitbucket.*BITBUCKET_API_URL/);
  });

  it('credentials in BITBUCKET_API_URL: one line, the password never printed', async () => {
    const withUser = sim.apiUrl.replace('http://', 'http://me:url-pa55word@');
    const run = await cli(['sync', '--workspace', 'acme', '--data-dir', path.join(dir, 'url-user')], {
      ...env(),
      BITBUCKET_API_URL: withUser,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/must not hold credentials/);
    expect(run.stderr + run.stdout).not.toContain('url-pa55word');
  });

  /** A usage error: exit 2, the reason first, then the usage text; nothing opened or created. */
  async function expectUsageError(args: string[], reason: RegExp): Promise<void> {
    const dataDir = path.join(dir, `usage-${Math.random().toString(36).slice(2)}`);
    const run = await cli([...args, '--data-dir', dataDir], env());
    expect({ code: run.code, first: run.stderr.split('\n')[0] }).toEqual({
      code: 2,
      first: expect.stringMatching(reason),
    });
    expect(run.stderr).toContain('usage: pipeline-insights');
    expect(existsSync(dataDir)).toBe(false);
  }

  it.each([
    ['2026-02-30', /--since must be an ISO date.*"2026-02-30"/],
    ['1', /--since must be an ISO date.*"1"/],
    ['2026-1-5', /--since must be an ISO date/],
    ['31/01/2026', /--since must be an ISO date/],
    ['2026-01-31T10:00', /--since must be an ISO date/],
    ['2999-01-01', /--since 2999-01-01 is in the future/],
  ])('--since %s: a usage error', async (since, reason) => {
    await expectUsageError(['sync', '--workspace', 'acme', '--since', since], reason);
  });

  it.each([
    [['sync', '--workspace', 'ac me']],
    [['sync', '--workspace', 'acme', '--repo', 'web-app', '--repo', '../admin']],
    [['report', '--workspace', 'acme', '--repo', 'web:app']],
    [['merge-check', '--workspace', 'acme/x', '--repo', 'web-app', '--pr', '1']],
    [['notify', '--workspace', '..', '--alerts']],
    [['export', '--workspace', 'a\u202eb', '--to', 'http://127.0.0.1:9/x', '--secret', 's']],
    [['history-report', '--workspace', 'acme?x=1', '--month', '2026-01']],
  ])('%j: a slug outside letters, digits, -, _ and . is a usage error', async (args) => {
    await expectUsageError(args, /--(workspace|repo) must be a slug \(letters, digits/);
  });

  it.each([['2026-13'], ['2026-1'], ['2999-01']])(
    'history-report --month %s: a usage error',
    async (month) => {
      await expectUsageError(
        [
          'history-report',
          '--workspace',
          'acme',
          '--month',
          month,
          '--database-url',
          'postgres://127.0.0.1:9/x',
        ],
        /--month/,
      );
    },
  );

  it('a {uuid} is accepted where a slug is', async () => {
    const run = await cli(
      [
        'report',
        '--workspace',
        '{0b7d1f0e-3c1a-4c55-9f3e-2d7e2f1a9c10}',
        '--repo',
        'web-app',
        '--data-dir',
        path.join(dir, 'uuid'),
      ],
      env(),
    );
    expect(run.stderr).not.toMatch(/must be a slug/);
  });

  it('demo refuses to delete a store it did not create', async () => {
    const dataDir = path.join(dir, 'someone-elses');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'store.db'), 'a real store');
    const run = await cli(['demo', '--no-serve', '--data-dir', dataDir], env());
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(/holds a store the demo did not create/);
    expect(readFileSync(path.join(dataDir, 'store.db'), 'utf8')).toBe('a real store');
  });

  it('report opens the store read-only: nothing is created where nothing was synced', async () => {
    const dataDir = path.join(dir, 'never-synced');
    const run = await cli(
      ['report', '--workspace', 'acme', '--repo', 'web-app', '--data-dir', dataDir],
      env(),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(path.join(dataDir, 'store.db'))).toBe(false);
  });

  it('a hung API: each retry shown as it happens (what, why, wait), each request bounded by --timeout', async () => {
    const hung = await startSimServer({
      workspace: generateWorkspace({ seed: 31, now: NOW, days: 1 }),
      token: TOKEN,
      faults: { rate: 1, kinds: ['timeout'], seed: 7, hangMs: 20_000 },
    });
    try {
      const started = Date.now();
      const run = await cli(
        ['sync', '--workspace', 'acme', '--timeout', '1', '--data-dir', path.join(dir, 'hung')],
        { BITBUCKET_API_URL: hung.apiUrl, BITBUCKET_TOKEN: TOKEN },
      );
      const seconds = (Date.now() - started) / 1000;
      expect(run.code).toBe(1);
      const lines = run.stderr.trim().split('\n');
      expect(lines.slice(0, 3)).toEqual(
        [1, 2, 3].map((n) =>
          expect.stringMatching(
            new RegExp(
              `^pipeline-insights: GET /repositories/acme failed \\(timed out after 1000 ms\\); retry ${n} of 3 in \\d+\\.\\d s$`,
            ),
          ),
        ),
      );
      expect(lines[3]).toMatch(/cannot reach Bitbucket: timed out after 1000 ms/);
      expect(lines).toHaveLength(4);
      // Four attempts of 1 s and at most 0.5 + 1 + 2 s of backoff, plus the start of the process: far below 20 s.
      expect(seconds).toBeLessThan(15);
    } finally {
      await hung.close();
    }
  });

  it('--timeout must be a number of seconds', async () => {
    await expectUsageError(['sync', '--workspace', 'acme', '--timeout', '0'], /--timeout must be a number/);
    await expectUsageError(
      ['sync', '--workspace', 'acme', '--timeout', 'soon'],
      /--timeout must be a number/,
    );
  });

  it('a data folder that cannot be created: one line saying so', async () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const run = await cli(['sync', '--workspace', 'acme', '--data-dir', path.join(file, 'data')], env());
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot open the data folder/);
  });

  it('sync --stats writes the numbers; report --format json has the documented shape', async () => {
    const dataDir = path.join(dir, 'ok');
    const statsFile = path.join(dir, 'stats.json');
    const synced = await cli(
      ['sync', '--workspace', 'acme', '--data-dir', dataDir, '--stats', statsFile],
      env(),
    );
    expect(synced.stderr).not.toMatch(/error|warning|pipeline-insights:/i);
    expect(synced.stderr).toMatch(/web-app: \d+ pipelines listed/);
    expect(synced.code).toBe(0);
    const stats = JSON.parse(readFileSync(statsFile, 'utf8')) as Record<string, unknown>;
    expect(stats).toEqual({
      apiCalls: expect.any(Number),
      apiRetries: 0,
      pipelines: expect.any(Number),
      attempts: expect.any(Number),
      reports: expect.any(Number),
      storage: { reads: expect.any(Number), writes: expect.any(Number), bytesWritten: expect.any(Number) },
    });
    expect(stats.pipelines as number).toBeGreaterThan(5);
    expect(stats.attempts as number).toBeGreaterThan(stats.pipelines as number);
    expect(stats.apiCalls as number).toBeGreaterThan(2 * (stats.pipelines as number));

    const report = await cli(
      ['report', '--workspace', 'acme', '--repo', 'web-app', '--format', 'json', '--data-dir', dataDir],
      env(),
    );
    expect(report.code).toBe(0);
    const json = JSON.parse(report.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      schemaVersion: expect.any(Number),
      workspace: 'acme',
      pipelines: {
        total: expect.any(Number),
        successful: expect.any(Number),
        failed: expect.any(Number),
        stopped: expect.any(Number),
        error: expect.any(Number),
      },
      steps: expect.any(Array),
      failures: expect.any(Array),
    });
    expect(JSON.stringify(json.repository)).toContain('web-app');
    const p = json.pipelines as Record<string, number>;
    expect(p.total).toBeGreaterThan(0);
    expect((p.successful ?? 0) + (p.failed ?? 0) + (p.stopped ?? 0) + (p.error ?? 0)).toBe(p.total);
    expect((json.steps as unknown[]).length).toBeGreaterThan(0);
  });
});
