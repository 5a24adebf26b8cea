/**
 * Packs records into one batch of at most `maxBytes` of JSON, adding each repository's record the first time one
 * of its records goes in (the receiver needs it). A staged batch also lists the journal entries it consumed, and
 * both must fit one stored document (Forge: 240 KiB per value), so those count too.
 */
import type { ExportRecord } from '../../../history/src/contract';
import type { RepoRef } from '../../domain/types';
import { repositoryRecord } from './export-records';

/** The pending document holds the batch and its journal keys: keep both under Forge's 240 KiB value limit. */
export const MAX_PENDING_BYTES = 235_000;
/** Room for the batch envelope (version, id, workspace, time). */
const ENVELOPE_BYTES = 400;

const bytesOf = (r: ExportRecord): number => Buffer.byteLength(JSON.stringify(r), 'utf8') + 1;

export class BatchBuilder {
  readonly records: ExportRecord[] = [];
  readonly journalKeys: string[] = [];
  private bytes = ENVELOPE_BYTES;
  private journalBytes = 0;
  private readonly repos = new Set<string>();
  full = false;
  oldestAt?: string;

  constructor(
    readonly maxBytes: number,
    private readonly repoOf: (uuid: string) => RepoRef | undefined,
  ) {}

  get size(): number {
    return this.bytes;
  }

  get recordCount(): number {
    return this.records.length;
  }

  /** Adds all of `records` (one repository's) or none; false (and full) when they do not fit. */
  addAll(repoUuid: string, records: ExportRecord[], at?: string, journalKey?: string): boolean {
    if (this.full) return false;
    const repo = this.repos.has(repoUuid) ? undefined : this.repoOf(repoUuid);
    const extra = [...(repo ? [repositoryRecord(repo)] : []), ...records];
    const size = extra.reduce((n, r) => n + bytesOf(r), 0);
    const keyBytes = journalKey ? journalKey.length + 3 : 0;
    if (
      this.bytes + size > this.maxBytes ||
      this.bytes + size + this.journalBytes + keyBytes > MAX_PENDING_BYTES
    ) {
      this.full = true;
      return false;
    }
    this.records.push(...extra);
    this.bytes += size;
    if (repo) this.repos.add(repoUuid);
    if (journalKey) {
      this.journalKeys.push(journalKey);
      this.journalBytes += keyBytes;
    }
    if (at && (!this.oldestAt || at < this.oldestAt)) this.oldestAt = at;
    return true;
  }

  /** A journal entry whose record is gone (expired, or its writer crashed before writing it): consumed, nothing sent. */
  consume(journalKey: string): boolean {
    if (this.full || this.bytes + this.journalBytes + journalKey.length + 3 > MAX_PENDING_BYTES) return false;
    this.journalKeys.push(journalKey);
    this.journalBytes += journalKey.length + 3;
    return true;
  }

  get empty(): boolean {
    return this.records.length === 0 && this.journalKeys.length === 0;
  }
}
