/**
 * A webhook receiver on 127.0.0.1 for the notification tests: it records every request and answers from a script
 * (a status, a body, a delay that outlasts a client's timeout), like Slack's or Teams' endpoint would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Answer only after this long (a client with a shorter timeout gives up first). */
  delayMs?: number;
}

export interface ReceivedRequest {
  path: string;
  contentType: string | undefined;
  body: string;
}

export interface WebhookReceiver {
  url: (path?: string) => string;
  received: ReceivedRequest[];
  /** Answers in order; the last one repeats. */
  answer(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<WebhookReceiver> {
  let script: ScriptedAnswer[] = [{ status: 200, body: 'ok' }];
  const received: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body });
      const answer = script[Math.min(received.length, script.length) - 1] ?? { status: 200 };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (!answer.delayMs) return send();
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    answer: (...answers) => {
      script = answers;
      received.length = 0;
    },
    close: () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
