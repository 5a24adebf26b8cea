/**
 * The export's local destination: batches written straight into a PostgreSQL database by the history backend's own
 * write path (the same code as the worker Lambda), with the rows each batch added or changed counted.
 */
import type { Pool } from 'pg';
import { applyBatch } from '../../history/src/services/apply-batch';
import type { ExportSink } from '../services/export/history-export';

export interface RowTally {
  inserted: number;
  updated: number;
}

export function postgresSink(pool: Pool, tally: RowTally): ExportSink {
  return {
    deliver: async (batch) => {
      const outcome = await applyBatch(pool, batch);
      for (const count of Object.values(outcome.rows)) {
        tally.inserted += count.inserted;
        tally.updated += count.updated;
      }
      return { kind: 'accepted' };
    },
  };
}

/** `postgres://user:password@host/db` → `postgres://user@host/db`: shown and stored without the password. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return 'an unparseable database URL';
  }
}

/** A receiver URL as shown and stored: no user, password or query string (they may carry credentials). */
export { redactUrl } from '../domain/redact';
