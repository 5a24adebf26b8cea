/**
 * Numbered plain-SQL migrations (`history/migrations/NNN_name.sql`), applied in order, each in its own transaction,
 * and recorded in `schema_migrations`. A released file is never edited: a change is a new number.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Pool } from 'pg';
import {
  appliedMigrations,
  ensureMigrationsTable,
  inTransaction,
  lockMigrations,
  recordMigration,
} from './sql';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The folder holding the .sql files: next to the sources, or MIGRATIONS_DIR (a bundled Lambda copies it there). */
export function migrationsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HISTORY_MIGRATIONS_DIR ?? path.resolve(__dirname, '../../migrations');
}

export function loadMigrations(dir: string = migrationsDir()): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m?.[1] || !m[2]) throw new Error(`migration file ${file} is not named NNN_name.sql`);
    out.push({ version: Number(m[1]), name: m[2], sql: readFileSync(path.join(dir, file), 'utf8') });
  }
  const versions = out.map((x) => x.version);
  if (new Set(versions).size !== versions.length) throw new Error('two migration files share a number');
  return out;
}

/** Applies the migrations not applied yet; answers their versions. Safe to run concurrently (an advisory lock). */
export async function migrate(pool: Pool, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  await ensureMigrationsTable(pool);
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await inTransaction(pool, async (client) => {
      await lockMigrations(client);
      if ((await appliedMigrations(client)).has(m.version)) return false;
      await client.query(m.sql);
      await recordMigration(client, m.version, m.name);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
