import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIResponse, RequestInit, Route } from '@forge/api';
import { TransportError } from '../../src/bitbucket/errors';
import { ForgeTransport, type ForgeFetchApi } from '../../src/bitbucket/forge-transport';
import {
  authFromEnv,
  HttpTransport,
  httpTransportFromEnv,
  TransportConfigError,
} from '../../src/bitbucket/http-transport';

describe('authFromEnv', () => {
  it('prefers BITBUCKET_TOKEN as bearer', () => {
    expect(authFromEnv({ BITBUCKET_TOKEN: 't', BITBUCKET_EMAIL: 'a@b.c', BITBUCKET_API_TOKEN: 'x' })).toEqual(
      { kind: 'bearer', token: 't' },
    );
  });

  it('uses email + API token as basic auth, and refuses half of it', () => {
    expect(authFromEnv({ BITBUCKET_EMAIL: 'a@b.c', BITBUCKET_API_TOKEN: 'x' })).toEqual({
      kind: 'basic',
      username: 'a@b.c',
      password: 'x',
    });
    expect(() => authFromEnv({ BITBUCKET_EMAIL: 'a@b.c' })).toThrow(TransportConfigError);
    expect(authFromEnv({})).toEqual({ kind: 'none' });
  });
});

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('HttpTransport', () => {
  const seen: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fakeFetch: typeof fetch = (input, init) => {
    seen.push({ url: String(input), init: init as RequestInit | undefined });
    return Promise.resolve(new Response('{"ok":true}', { status: 200, headers: { 'X-Thing': 'A' } }));
  };
  beforeEach(() => {
    seen.length = 0;
  });

  it('resolves paths against BITBUCKET_API_URL and sends basic auth only to that origin, never following redirects', async () => {
    const t = new HttpTransport({
      baseUrl: 'https://api.example.test/2.0/',
      auth: { kind: 'basic', username: 'me@x.io', password: 'pw' },
      fetch: fakeFetch,
    });
    const res = await t.request({ method: 'GET', url: '/repositories/acme' });
    await t.request({ method: 'GET', url: 'https://api.example.test/2.0/repositories/acme?page=2' });
    await t.request({ method: 'GET', url: 'https://logs.example.test/step.log' });
    expect(res).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'x-thing': 'A' },
      body: '{"ok":true}',
    });
    const auth = `Basic ${Buffer.from('me@x.io:pw').toString('base64')}`;
    expect(seen.map((s) => [s.url, (s.init?.headers as Record<string, string>).authorization])).toEqual([
      ['https://api.example.test/2.0/repositories/acme', auth],
      ['https://api.example.test/2.0/repositories/acme?page=2', auth],
      ['https://logs.example.test/step.log', undefined],
    ]);
    expect(seen.every((s) => s.init?.redirect === 'manual')).toBe(true);
  });

  it('reads its configuration from the environment, and names a refused connection without the token or query', async () => {
    const port = await closedPort();
    const t = httpTransportFromEnv({
      BITBUCKET_API_URL: `http://127.0.0.1:${port}/2.0`,
      BITBUCKET_TOKEN: 'sekret-token',
    });
    const error = await t
      .request({ method: 'GET', url: '/repositories/acme?token=q' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(String(error)).toBe(
      `TransportError: Bitbucket GET http://127.0.0.1:${port}/2.0/repositories/acme failed: ECONNREFUSED`,
    );
    expect(JSON.stringify(t)).not.toContain('sekret');
  });

  describe('timeouts', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer(() => undefined); // never answers
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('turns a timeout into TransportError(timedOut)', async () => {
      const t = new HttpTransport({ baseUrl: base, auth: { kind: 'bearer', token: 'sekret-token' } });
      const error = await t.request({ method: 'GET', url: '/slow', timeoutMs: 100 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({
        timedOut: true,
        message: `Bitbucket GET ${base}/slow failed: timed out after 100 ms`,
      });
    });
  });
});

describe('ForgeTransport', () => {
  function fakeForge() {
    const calls: Array<{ via: 'requestBitbucket' | 'fetch'; target: string; init?: RequestInit }> = [];
    const reply = (): Promise<APIResponse> =>
      Promise.resolve(new Response('[]', { status: 200 }) as unknown as APIResponse);
    const api: ForgeFetchApi = {
      requestBitbucket: (route: Route, init?: RequestInit) => {
        calls.push({ via: 'requestBitbucket', target: route.value, init });
        return reply();
      },
      fetch: (url: string, init?: RequestInit) => {
        calls.push({ via: 'fetch', target: url, init });
        return reply();
      },
    };
    return { api, calls };
  }

  it('sends API paths and API next links through requestBitbucket, and other URLs through plain fetch', async () => {
    const { api, calls } = fakeForge();
    const t = new ForgeTransport(api);
    await t.request({
      method: 'GET',
      url: '/repositories/acme/web/pipelines/%7Babc%7D/steps?pagelen=100',
      headers: { range: 'bytes=-10' },
    });
    await t.request({
      method: 'GET',
      url: 'https://api.bitbucket.org/2.0/repositories/acme/web/pipelines?page=2',
    });
    await t.request({ method: 'GET', url: 'https://logs.example.test/step.log?sig=1' });
    expect(calls.map((c) => [c.via, c.target])).toEqual([
      ['requestBitbucket', '/2.0/repositories/acme/web/pipelines/%7Babc%7D/steps?pagelen=100'],
      ['requestBitbucket', '/2.0/repositories/acme/web/pipelines?page=2'],
      ['fetch', 'https://logs.example.test/step.log?sig=1'],
    ]);
    expect(calls[0]?.init).toMatchObject({
      method: 'GET',
      redirect: 'manual',
      headers: { range: 'bytes=-10' },
    });
  });

  it('wraps a failed request in TransportError', async () => {
    const api: ForgeFetchApi = {
      requestBitbucket: () => Promise.reject(new TypeError('fetch failed')),
      fetch: () => Promise.reject(new Error('x')),
    };
    await expect(
      new ForgeTransport(api).request({ method: 'GET', url: '/repositories/a' }),
    ).rejects.toBeInstanceOf(TransportError);
  });
});
