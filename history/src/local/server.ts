/**
 * `history-server`: the receiver and the read API on one local HTTP server, over any PostgreSQL. The queue is the
 * process itself: an accepted batch is written before the answer, through the same worker code as on AWS; raw
 * batches are kept in a folder in place of S3.
 *   POST /batches        signed export batches (Standard Webhooks)
 *   GET  /api/v1/...     the read API (API key)
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Pool } from 'pg';
import { MAX_BATCH_BYTES } from '../contract';
import { handleApiRequest } from '../services/read-api';
import { receiveBatch, type Answer, type RawBatchStore } from '../services/receive';
import { writeQueuedBatch } from '../services/write-batch';

export interface HistoryServerOptions {
  pool: Pool;
  secrets: string[];
  apiKeys: string[];
  raw: RawBatchStore;
  port: number;
  host?: string;
  now?: () => Date;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startHistoryServer(o: HistoryServerOptions): Promise<RunningServer> {
  const now = o.now ?? (() => new Date());
  const log = o.log ?? (() => undefined);
  const route = async (req: IncomingMessage): Promise<Answer> => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/batches') {
      if (req.method !== 'POST')
        return { status: 405, body: { error: 'method', message: 'POST a batch here' } };
      const body = await readBody(req, MAX_BATCH_BYTES * 2);
      const answer = await receiveBatch(
        {
          secrets: async () => o.secrets,
          raw: o.raw,
          queue: {
            send: async (message) => {
              const outcome = await writeQueuedBatch(o.pool, o.raw, message);
              log(`batch ${message.id}: ${outcome.applied ? 'written' : 'already written'}`);
            },
          },
          now,
        },
        req.headers,
        body,
      );
      if (answer.status >= 400) log(`batch refused (${answer.status}): ${String(answer.body.message)}`);
      return answer;
    }
    const query = Object.fromEntries(url.searchParams.entries());
    return handleApiRequest(
      o.pool,
      o.apiKeys,
      { method: req.method ?? 'GET', path: url.pathname, query, headers: req.headers },
      now(),
    );
  };
  const server: Server = createServer((req, res) => {
    route(req)
      .catch((error: unknown): Answer => {
        if (error instanceof BodyTooLarge)
          return {
            status: 413,
            body: { error: 'too-large', message: `a batch is at most ${MAX_BATCH_BYTES} bytes` },
          };
        log(`error: ${error instanceof Error ? error.message : String(error)}`);
        return {
          status: 500,
          body: { error: 'internal', message: 'the request could not be completed; it can be retried' },
        };
      })
      .then(
        (answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer.body));
        },
        () => res.destroy(),
      );
  });
  await new Promise<void>((resolve) => server.listen(o.port, o.host ?? '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  return {
    url: `http://${o.host ?? '127.0.0.1'}:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
