/**
 * The command line as a person meets it: the real binary in a child process against the simulated workspace, one
 * clear line for each mistake a person can make, and the machine-readable outputs (`--stats`, `--format json`).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('an unreachable host: one line saying Bitbucket cannot be reached', async () => {
    const run = await cli(['sync', '--workspace', 'acme', '--data-dir', path.join(dir, 'unreachable')], {
      ...env(),
      BITBUCKET_API_URL: 'http://127.0.0.1:9/2.0',
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/cannot reach Bitbucket.*BITBUCKET_API_URL/);
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
