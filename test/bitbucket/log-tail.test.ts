import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExternalEndpointNotAllowedError, type APIResponse } from '@forge/api';
import { BitbucketClient } from '../../src/bitbucket/client';
import { RateLimitedError, TransportError } from '../../src/bitbucket/errors';
import { ForgeTransport, type ForgeFetchApi } from '../../src/bitbucket/forge-transport';
import { HttpTransport } from '../../src/bitbucket/http-transport';
import { tailOfFullBody, tailOfPartialBody, type LogTail } from '../../src/bitbucket/log-tail';
import { forgeConsumerRetryPolicy } from '../../src/bitbucket/retry-policy';
import type { RepoRef } from '../../src/domain/types';
import { PIPELINE_UUID, STEP_UUID } from '../support/bitbucket-builders';
import { callLog, ScriptedTransport, text } from '../support/scripted-transport';

const REPO: RepoRef = {
  workspace: 'acme',
  repoSlug: 'web-app',
  repoUuid: '6cc04382-59f0-4a75-8b55-5aaa79d72d17',
};
const LOG = `/repositories/acme/web-app/pipelines/%7B${PIPELINE_UUID}%7D/steps/%7B${STEP_UUID}%7D/log`;
const STORAGE = 'https://bbpipelines-logs.s3.amazonaws.com/step.log?X-Amz-Signature=abc123';

const read = (tail: LogTail) => ({ read: true, tail });
const client = (t: ScriptedTransport) =>
  new BitbucketClient({ transport: t, sleep: () => Promise.resolve(), random: () => 0 });

describe('getLogTail on a scripted transport', () => {
  it('asks for a suffix range and returns a 206 tail, truncated per Content-Range', async () => {
    const t = ScriptedTransport.script({
      expect: `GET ${LOG}`,
      // The log is raw text: asking for JSON could earn a 406.
      headers: { range: 'bytes=-1024', accept: null },
      reply: text(206, 'npm ERR! Test failed.\n', { 'content-range': 'bytes 90000-90021/90022' }),
    });
    expect(await client(t).getLogTail(REPO, PIPELINE_UUID, STEP_UUID, 1024)).toEqual(
      read({ text: 'npm ERR! Test failed.\n', truncated: true }),
    );
  });

  it('follows a 307 to log storage with the same Range, and does not spend the API budget there', async () => {
    const t = ScriptedTransport.script(
      {
        expect: `GET ${LOG}`,
        headers: { range: 'bytes=-65536' },
        reply: text(307, '', { location: STORAGE }),
      },
      {
        expect: `GET ${STORAGE}`,
        headers: { range: 'bytes=-65536' },
        reply: text(206, 'tail', { 'content-range': 'bytes 0-3/4' }),
      },
    );
    let taken = 0;
    const c = new BitbucketClient({
      transport: t,
      budget: { take: () => Promise.resolve(void taken++), release: () => Promise.resolve() },
    });
    expect(await c.getLogTail(REPO, PIPELINE_UUID, STEP_UUID)).toEqual(
      read({ text: 'tail', truncated: false }),
    );
    expect(taken).toBe(1);
    expect(c.stats.byEndpoint).toEqual({ 'steps.log': 1, 'steps.logStorage': 1 });
  });

  it('on 416 (log shorter than the range, or empty) reads again once without Range', async () => {
    const t = ScriptedTransport.script(
      {
        expect: `GET ${LOG}`,
        headers: { range: 'bytes=-65536' },
        reply: text(307, '', { location: STORAGE }),
      },
      { expect: `GET ${STORAGE}`, headers: { range: 'bytes=-65536' }, reply: text(416, '') },
      { expect: `GET ${STORAGE}`, headers: { range: null }, reply: text(200, 'short log\n') },
    );
    expect(await client(t).getLogTail(REPO, PIPELINE_UUID, STEP_UUID)).toEqual(
      read({ text: 'short log\n', truncated: false }),
    );
    expect(callLog(t)).toEqual([`GET ${LOG}`, `GET ${STORAGE}`, `GET ${STORAGE}`]);
  });

  it('answers an empty tail when the log stays 416 without Range', async () => {
    const t = ScriptedTransport.handler(() => text(416, ''));
    expect(await client(t).getLogTail(REPO, PIPELINE_UUID, STEP_UUID)).toEqual(
      read({ text: '', truncated: false }),
    );
    expect(t.calls).toHaveLength(2);
  });

  it('keeps the last maxBytes of a 200 full body', async () => {
    const body = `${'early line\n'.repeat(100)}+ npm test\nFAIL src/app.test.ts\n`;
    const t = ScriptedTransport.script({ expect: `GET ${LOG}`, reply: text(200, body) });
    const tail = await client(t).getLogTail(REPO, PIPELINE_UUID, STEP_UUID, 32);
    expect(tail).toEqual(read({ text: body.slice(-32), truncated: true }));
  });

  it('says why when the step has no log (404)', async () => {
    const t = ScriptedTransport.script({ expect: `GET ${LOG}`, reply: text(404, 'not found') });
    expect(await client(t).getLogTail(REPO, PIPELINE_UUID, STEP_UUID)).toEqual({
      read: false,
      reason: 'the step has no log (404)',
    });
  });
});

describe('a log that cannot be read is reported, never thrown and never retried without end', () => {
  const redirect = { expect: `GET ${LOG}`, reply: text(307, '', { location: STORAGE }) };

  it.each([
    [403, /log storage|answered 403/],
    [404, /log storage answered 404/],
  ])('log storage answers %d: unread, with the reason, in two calls', async (status, reason) => {
    const t = ScriptedTransport.script(redirect, {
      expect: `GET ${STORAGE}`,
      reply: text(status, '<Error><Code>AccessDenied</Code></Error>'),
    });
    const log = await client(t).getLogTail(REPO, PIPELINE_UUID, STEP_UUID);
    expect(log).toEqual({ read: false, reason: expect.stringMatching(reason) });
    expect(JSON.stringify(log)).not.toContain('X-Amz-Signature');
    expect(t.calls).toHaveLength(2);
  });

  it('log storage that times out: retried by the policy, then unread', async () => {
    const timeout = () => new TransportError('GET', STORAGE, 'timed out', true);
    const t = ScriptedTransport.handler((req) =>
      req.url === STORAGE ? timeout() : text(307, '', { location: STORAGE }),
    );
    const log = await new BitbucketClient({ transport: t, sleep: () => Promise.resolve() }).getLogTail(
      REPO,
      PIPELINE_UUID,
      STEP_UUID,
    );
    expect(log).toEqual({ read: false, reason: expect.stringMatching(/timed out/) });
    expect(t.calls.filter((c) => c.url === STORAGE)).toHaveLength(4);
  });

  it('a redirect to a host Forge refuses (no egress declared): unread at once, not retried', async () => {
    const calls: string[] = [];
    const forge: ForgeFetchApi = {
      requestBitbucket: (route) => {
        calls.push(route.value);
        return Promise.resolve(
          new Response('', { status: 307, headers: { location: STORAGE } }) as unknown as APIResponse,
        );
      },
      fetch: (url) => {
        calls.push(url);
        return Promise.reject(new ExternalEndpointNotAllowedError(url));
      },
    };
    const log = await new BitbucketClient({ transport: new ForgeTransport(forge) }).getLogTail(
      REPO,
      PIPELINE_UUID,
      STEP_UUID,
    );
    expect(log).toEqual({ read: false, reason: expect.stringMatching(/answered 403/) });
    expect(calls).toHaveLength(2);
  });

  it('a spent rate limit is still thrown: the job waits for it', async () => {
    const t = ScriptedTransport.handler(() => text(429, 'Rate limit for this resource has been exceeded'));
    const c = new BitbucketClient({ transport: t, policy: forgeConsumerRetryPolicy });
    await expect(c.getLogTail(REPO, PIPELINE_UUID, STEP_UUID)).rejects.toBeInstanceOf(RateLimitedError);
  });
});

describe('tail decoding', () => {
  it('never starts a cut full body inside a multi-byte character', () => {
    // "é" is 2 bytes, "€" is 3: a 4-byte cut lands inside "€€".
    const tail = tailOfFullBody('abc€€', 4);
    expect(tail).toEqual({ text: '€', truncated: true });
  });

  it('drops replacement characters a transport made of a cut character at the start of a 206', () => {
    const cut = Buffer.from('€ok', 'utf8').subarray(1).toString('utf8');
    expect(cut.startsWith('\uFFFD')).toBe(true);
    expect(tailOfPartialBody(cut, 'bytes 10-13/14', 4)).toEqual({ text: 'ok', truncated: true });
  });

  it('without Content-Range, calls a 206 truncated when it filled the range', () => {
    expect(tailOfPartialBody('abcd', undefined, 4).truncated).toBe(true);
    expect(tailOfPartialBody('abc', undefined, 4).truncated).toBe(false);
  });
});

describe('getLogTail over HTTP: credentials stay on the API origin', () => {
  interface Seen {
    url: string;
    headers: IncomingHttpHeaders;
  }
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  function serve(
    handler: (
      url: string,
      headers: IncomingHttpHeaders,
    ) => { status: number; headers?: Record<string, string>; body?: string },
    seen: Seen[],
  ) {
    const server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      const reply = handler(req.url ?? '', req.headers);
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body ?? '');
    });
    servers.push(server);
    return new Promise<string>((resolve) =>
      server.listen(0, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
      ),
    );
  }

  it('sends the token to the API, then fetches log storage (another origin) without it', async () => {
    const apiSeen: Seen[] = [];
    const storageSeen: Seen[] = [];
    const logText = `${'x'.repeat(100)}\nError: Container 'Build' exceeded memory limit.\n`;
    const storage = await serve((_url, headers) => {
      const suffix = /^bytes=-(\d+)$/.exec(String(headers.range ?? ''));
      const body = suffix ? logText.slice(-Number(suffix[1])) : logText;
      const start = logText.length - body.length;
      return {
        status: suffix ? 206 : 200,
        headers: { 'content-range': `bytes ${start}-${logText.length - 1}/${logText.length}` },
        body,
      };
    }, storageSeen);
    const apiBase = await serve(
      () => ({ status: 307, headers: { location: `${storage}/logs/step.log?sig=s3cr3t` } }),
      apiSeen,
    );

    const transport = new HttpTransport({
      baseUrl: `${apiBase}/2.0`,
      auth: { kind: 'bearer', token: 'tok-123' },
    });
    const c = new BitbucketClient({ transport });
    const tail = await c.getLogTail(REPO, PIPELINE_UUID, STEP_UUID, 50);

    expect(tail).toEqual(read({ text: logText.slice(-50), truncated: true }));
    expect(apiSeen.map((s) => [s.url, s.headers.authorization, s.headers.range])).toEqual([
      [`/2.0${LOG}`, 'Bearer tok-123', 'bytes=-50'],
    ]);
    expect(storageSeen.map((s) => [s.url, s.headers.authorization, s.headers.range])).toEqual([
      ['/logs/step.log?sig=s3cr3t', undefined, 'bytes=-50'],
    ]);
  });
});
