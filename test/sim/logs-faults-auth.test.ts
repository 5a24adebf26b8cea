import { startSimServer, type SimServer } from '../../src/sim/server';
import type { SimWorkspace } from '../../src/sim/model';
import { workspace } from './helpers';

let ws: SimWorkspace;
beforeAll(() => {
  ws = workspace();
});

const enc = (uuid: string): string => encodeURIComponent(`{${uuid}}`);

/** A finished, failed step of the Java service's integration tests: its log is about 1 MB. */
function bigFailedLogPath(server: SimServer): { path: string; phrase: string } {
  const repo = ws.repos.find((r) => r.slug === 'payments-api');
  for (const p of repo?.pipelines ?? []) {
    for (const s of p.steps) {
      const last = s.attempts[s.attempts.length - 1];
      if (
        s.name === 'Integration tests' &&
        last?.failure &&
        last.runNumber === 1 &&
        p.rerunsOn.length === 0
      ) {
        return {
          path: `${server.apiUrl}/repositories/acme/payments-api/pipelines/${enc(p.uuid)}/steps/${enc(s.uuid)}/log`,
          phrase: last.failure.phrase,
        };
      }
    }
  }
  throw new Error('no failed integration step');
}

describe('step logs', () => {
  let server: SimServer;
  let location: string;
  let phrase: string;
  beforeAll(async () => {
    server = await startSimServer({ workspace: ws, token: 'tkn' });
    const log = bigFailedLogPath(server);
    phrase = log.phrase;
    const res = await fetch(log.path, { redirect: 'manual', headers: { authorization: 'Bearer tkn' } });
    expect(res.status).toBe(307);
    location = res.headers.get('location') ?? '';
  });
  afterAll(() => server.close());

  it('redirects to the log server, which serves the whole log without a Range', async () => {
    expect(location.startsWith(server.logUrl)).toBe(true);
    const res = await fetch(location);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(Buffer.byteLength(text)).toBeGreaterThan(900_000);
    expect(text.trimEnd().endsWith(phrase.split('\n').pop() ?? '')).toBe(true);
  });

  it('answers suffix and explicit ranges with 206 and Content-Range', async () => {
    const tail = await fetch(location, { headers: { range: 'bytes=-2048' } });
    expect(tail.status).toBe(206);
    const [, start, end, size] =
      /^bytes (\d+)-(\d+)\/(\d+)$/.exec(tail.headers.get('content-range') ?? '') ?? [];
    expect(Number(end) - Number(start) + 1).toBe(2048);
    expect(Number(end)).toBe(Number(size) - 1);
    expect(await tail.text()).toContain(phrase.split('\n').pop());
    const head = await fetch(location, { headers: { range: 'bytes=0-99' } });
    expect(head.status).toBe(206);
    expect(Buffer.from(await head.arrayBuffer())).toHaveLength(100);
  });

  it('answers 416 for a range past the end', async () => {
    const res = await fetch(location, { headers: { range: 'bytes=99999999-' } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toMatch(/^bytes \*\/\d+$/);
  });

  it('rejects a request that carries Authorization, as S3 does', async () => {
    const res = await fetch(location, { headers: { authorization: 'Bearer tkn', range: 'bytes=-10' } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Only one auth mechanism allowed');
  });

  it('requires the token on the API, as bearer or basic password', async () => {
    const url = `${server.apiUrl}/repositories/acme`;
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      type: 'error',
      error: expect.objectContaining({ message: expect.any(String) }),
    });
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const basic = `Basic ${Buffer.from('me@example.com:tkn').toString('base64')}`;
    expect((await fetch(url, { headers: { authorization: basic } })).status).toBe(200);
  });
});

describe('faults', () => {
  let server: SimServer;
  beforeEach(async () => {
    server = await startSimServer({ workspace: ws });
  });
  afterEach(() => server.close());

  it('injects faults at about the configured rate, the same ones for the same seed', async () => {
    const run = async (): Promise<number[]> => {
      server.setFaults({ rate: 0.2, kinds: ['429', '500', '502', '503'], seed: 11 });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++)
        statuses.push((await fetch(`${server.apiUrl}/repositories/acme/web-app`)).status);
      return statuses;
    };
    const first = await run();
    const failed = first.filter((s) => s !== 200).length;
    expect(failed).toBeGreaterThan(20);
    expect(failed).toBeLessThan(60);
    expect(server.stats.faultsInjected).toBe(failed);
    expect(await run()).toEqual(first);
  });

  it('answers 429 as plain text without Retry-After', async () => {
    server.setFaults({ rate: 1, kinds: ['429'], seed: 1 });
    const res = await fetch(`${server.apiUrl}/repositories/acme`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('cuts a JSON body in the middle', async () => {
    server.setFaults({ rate: 1, kinds: ['truncated'], seed: 1 });
    const text = await (await fetch(`${server.apiUrl}/repositories/acme`)).text();
    expect(text.length).toBeGreaterThan(10);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('holds a request past a client timeout, and close() does not wait for it', async () => {
    server.setFaults({ rate: 1, kinds: ['timeout'], seed: 1, hangMs: 5000 });
    const started = Date.now();
    await expect(
      fetch(`${server.apiUrl}/repositories/acme`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('leaves the log server alone unless asked', async () => {
    server.setFaults({ rate: 1, kinds: ['500'], seed: 1 });
    const res = await fetch(`${server.logUrl}/logs/x/y/z/1`);
    expect(res.status).toBe(404);
  });
});
