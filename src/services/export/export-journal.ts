/**
 * Ingestion's side of the history export: while the export is on, every attempt or run record written is also
 * noted in a journal ordered by the time it was written, so a record that arrives late (a lost event caught by the
 * hourly sweep, a backfill of last year) is exported all the same. The note is written before the record: a crash
 * between the two leaves a note whose record is missing, which the exporter skips, and the redelivery notes it again.
 */
import * as keys from '../../storage/keys';
import type { Key, Store } from '../../storage/store';
import type { ExportConfig } from './export-state';

export async function noteForExport(
  store: Store,
  repoUuid: string,
  recordKey: Key<unknown>,
  now: Date,
  ttlSeconds: number,
): Promise<void> {
  const at = now.toISOString();
  await store.set(keys.exportJournal(repoUuid, at, recordKey), { record: recordKey }, { ttlSeconds });
}

/** Whether ingestion should note its records: read once per job. */
export async function exportIsOn(store: Store, workspace: string): Promise<boolean> {
  return (await readExportConfig(store, workspace))?.enabled === true;
}

/** The export's configuration (a versioned document: the admin page and the command line change it conditionally). */
export async function readExportConfig(store: Store, workspace: string): Promise<ExportConfig | undefined> {
  return (await store.getDoc(keys.exportConfig(workspace)))?.value;
}
