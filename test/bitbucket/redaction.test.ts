/**
 * Credentials never reach an error: not those embedded in the API URL (`https://user:pass@host`), not a token a
 * server echoes back in its error body. Driven through the real HTTP transport and client against a local server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BitbucketClient } from '../../src/bitbucket/client';
import {
  AuthError,
  BitbucketHttpError,
  MalformedResponseError,
  TransportError,
} from '../../src/bitbucket/errors';
import { HttpTransport, TransportConfigError } from '../../src/bitbucket/http-transport';
import { defaultRetryPolicy } from '../../src/bitbucket/retry-policy';
import { redactText, redactUrl } from '../../src/domain/redact';

const TOKEN = 'tok-0123456789abcdef';
const PASSWORD = 'pa55-in-the-url';

/** Answers every request with `answer(req)`, the way a misbehaving proxy or API echoes the request back. */
async function echoServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/2.0` };
}

function clientOf(baseUrl: string): BitbucketClient {
  return new BitbucketClient({
    transport: new HttpTransport({ baseUrl, auth: { kind: 'bearer', token: TOKEN } }),
    policy: { ...defaultRetryPolicy, maxAttempts: 1 },
  });
}

describe('redaction of credentials in errors', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
  });

  it('an API error body that echoes the Authorization header: the error names the status, not the token', async () => {
    const echo = await echoServer((req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          type: 'error',
          error: { message: `Access denied for Authorization: ${req.headers.authorization ?? ''}` },
        }),
      );
    });
    server = echo.server;
    const error = await clientOf(echo.url)
      .listRepositories('acme')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toBe(
      'Bitbucket GET /repositories/acme answered 403: Access denied for Authorization: [redacted]',
    );
  });

  it('a server error echoing the request headers as JSON, or a bearer token in plain text: redacted', async () => {
    let call = 0;
    const echo = await echoServer((req, res) => {
      call++;
      if (call === 1) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ type: 'error', error: { message: JSON.stringify({ headers: req.headers }) } }),
        );
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`upstream said: ${req.headers.authorization ?? ''} is not valid`);
      }
    });
    server = echo.server;
    const client = clientOf(echo.url);
    const first = await client.listRepositories('acme').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(BitbucketHttpError);
    expect((first as Error).message).toContain('"authorization":"[redacted]"');
    expect((first as Error).message).not.toContain(TOKEN);
    const second = await client.listRepositories('acme').catch((e: unknown) => e);
    expect(second).toBeInstanceOf(MalformedResponseError);
    expect((second as MalformedResponseError).bodySnippet).toBe(
      'upstream said: Bearer [redacted] is not valid',
    );
  });

  it('credentials in the API URL: refused at once, without repeating them', () => {
    const make = (): HttpTransport =>
      new HttpTransport({ baseUrl: `https://me:${PASSWORD}@api.example.test/2.0`, auth: { kind: 'none' } });
    expect(make).toThrow(TransportConfigError);
    expect(make).toThrow('(https://api.example.test/2.0)');
    expect(make).not.toThrow(PASSWORD);
  });

  it('a request to a URL holding credentials fails without quoting them (fetch quotes the whole URL)', async () => {
    const transport = new HttpTransport({ baseUrl: 'http://127.0.0.1:9/2.0', auth: { kind: 'none' } });
    const error = await transport
      .request({ method: 'GET', url: `http://me:${PASSWORD}@127.0.0.1:9/log?sig=abc` })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).path).toBe('http://127.0.0.1:9/log');
    expect(String(error)).not.toContain(PASSWORD);
    expect(String(error)).not.toContain('sig=abc');
  });
});

describe('redactText', () => {
  it.each([
    ['see https://u:p@host.test/a?x=1#f now', 'see https://host.test/a now'],
    ['Authorization: Basic bWU6cHc=', 'Authorization: [redacted]'],
    ['{"Authorization": "Bearer abc.def"}', '{"Authorization": "[redacted]"}'],
    ['proxy-authorization=xyz123; next', 'proxy-authorization=[redacted]; next'],
    ['token Bearer abcdefgh in text', 'token Bearer [redacted] in text'],
    ['a basic test with no secret', 'a basic test with no secret'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('redactUrl keeps relative paths and drops queries', () => {
    expect(redactUrl('/repositories/acme?page=2')).toBe('/repositories/acme');
    expect(redactUrl('postgres://user:pw@db:5432/h')).toBe('postgres://db:5432/h');
  });
});
