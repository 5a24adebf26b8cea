/**
 * The history export of one workspace (DESIGN.md §6): stored records and verdicts → signed batches of at most
 * 200 KB → the customer's history backend. Run by the Forge scheduled trigger and queue, and by the CLI's `export`.
 *
 * One step at a time, each safe to interrupt:
 * 1. stage: read the next records (the one-time export of everything stored, then the journal ingestion writes
 *    while the export is on), add the verdict, suggestion and quarantine changes, and commit the batch with the
 *    position after it in ONE transaction;
 * 2. deliver the staged batch, again and again with back-off, until the receiver accepts it (same id each time);
 * 3. acknowledge: delete the journal entries it consumed, then drop it and count it.
 * Nothing is staged while a batch waits, so nothing is lost or sent out of turn; a batch sent twice carries the
 * same id, which the receiver applies once. The export reads only what ingestion committed and never blocks it.
 */
import { randomUUID } from 'node:crypto';
import {
  BATCH_SCHEMA_VERSION,
  MAX_BATCH_BYTES,
  type ExportBatch,
  type ExportRecord,
} from '../../../history/src/contract';
import type { AttemptRecord, PipelineRunRecord } from '../../domain/attempt';
import type { RepoRef } from '../../domain/types';
import * as keys from '../../storage/keys';
import type { DocOp, Key, Store, Versioned } from '../../storage/store';
import { commitWithRetry } from '../commit-with-retry';
import type { Logger } from '../context';
import { buildRepoReport, listTestVerdicts, suggestionStates } from '../repo-report';
import { knownRepositories } from '../sweep';
import { BatchBuilder } from './export-batch-builder';
import { readExportConfig } from './export-journal';
import { derivedChanges, pipelineRecord, splitToFit, stepAttemptRecord } from './export-records';
import {
  backoffSeconds,
  freshState,
  monthKey,
  nextMonth,
  oldestMonth,
  type ExportConfig,
  type ExportSnapshot,
  type ExportState,
  type PendingBatch,
} from './export-state';

export type DeliveryResult =
  | { kind: 'accepted' }
  /** Worth trying again later (network, 5xx, 429, a wrong secret being fixed). */
  | { kind: 'retry'; message: string; status?: number }
  /** The receiver will never take this batch as it is (schema, size): stop and show it. */
  | { kind: 'refused'; message: string; status?: number };

/** Where batches go: a signed POST to a receiver, or (locally) straight into PostgreSQL. */
export interface ExportSink {
  deliver(batch: ExportBatch, body: string): Promise<DeliveryResult>;
}

export interface ExportContext {
  store: Store;
  now: () => Date;
  log: Logger;
}

export interface ExportOptions {
  workspace: string;
  sink: ExportSink;
  /**
   * Journal entries younger than this are left for the next run, and the one-time export starts this long after
   * the export was switched on: a Forge consumer runs at most 900 s, so by then every record written by a job that
   * started before the switch (and so did not note it) is stored. 0 for the CLI, where nothing runs alongside.
   */
  settleSeconds: number;
  /** Stop staging new batches after this time (epoch ms): a Forge function has a time limit. */
  deadline?: number;
  maxBatchBytes?: number;
}

export type ExportOutcome = 'up-to-date' | 'disabled' | 'waiting' | 'backing-off' | 'parked' | 'deadline';

export interface ExportRunResult {
  outcome: ExportOutcome;
  batches: number;
  records: number;
  /** When the staged batch may be tried again (backing off), or the one-time export may start (waiting). */
  retryAt?: string;
}

/** Forge: at most 25 operations in one transaction; the pending batch and the state take two. */
const MAX_SNAPSHOTS_PER_BATCH = 20;
/** The report window suggestions are computed over, as on the repository page. */
const SUGGESTION_WINDOW_DAYS = 30;

/** The workspace's recorded repositories in a fixed order: the one-time export walks them by index. */
export async function workspaceRepositories(store: Store, workspace: string): Promise<RepoRef[]> {
  return (await knownRepositories({ store }, workspace)).sort((a, b) => a.repoUuid.localeCompare(b.repoUuid));
}

export async function runExport(ctx: ExportContext, o: ExportOptions): Promise<ExportRunResult> {
  const result: ExportRunResult = { outcome: 'up-to-date', batches: 0, records: 0 };
  let derivedDone = false;
  const scan: ScanMemo = {};
  for (;;) {
    const config = await readExportConfig(ctx.store, o.workspace);
    if (!config?.enabled) return { ...result, outcome: 'disabled' };
    const repos = await workspaceRepositories(ctx.store, o.workspace);
    const state = await currentState(ctx, o, config, repos);
    if (!state)
      return {
        ...result,
        outcome: 'waiting',
        retryAt: new Date(Date.parse(config.enabledAt) + o.settleSeconds * 1000).toISOString(),
      };
    if (state.value.parked) return { ...result, outcome: 'parked' };
    const pending = await ctx.store.getDoc(keys.exportPending(o.workspace));
    if (pending) {
      if (state.value.nextAttemptAt && Date.parse(state.value.nextAttemptAt) > ctx.now().getTime()) {
        return { ...result, outcome: 'backing-off', retryAt: state.value.nextAttemptAt };
      }
      const delivered = await deliver(ctx, o, pending);
      if (delivered === 'parked') return { ...result, outcome: 'parked' };
      if (delivered !== 'accepted') return { ...result, outcome: 'backing-off', retryAt: delivered.retryAt };
      result.batches += 1;
      result.records += pending.value.batch.records.length;
      continue;
    }
    if (o.deadline !== undefined && ctx.now().getTime() >= o.deadline)
      return { ...result, outcome: 'deadline' };
    const staged = await stage(ctx, o, config, state, repos, !derivedDone, scan);
    if (staged === 'nothing') return result;
    if (staged === 'derived-done') derivedDone = true;
  }
}

/** The state of this generation; a new generation (switched on, or a new destination) starts a fresh full export. */
async function currentState(
  ctx: ExportContext,
  o: ExportOptions,
  config: ExportConfig,
  repos: RepoRef[],
): Promise<Versioned<ExportState> | undefined> {
  const stateKey = keys.exportState(o.workspace);
  const existing = await ctx.store.getDoc(stateKey);
  if (existing?.value.generation === config.generation) return existing;
  if (ctx.now().getTime() < Date.parse(config.enabledAt) + o.settleSeconds * 1000) return undefined;
  // The batch staged for an earlier generation is dropped: everything it held is sent again by the fresh export.
  const stale = await ctx.store.getDoc(keys.exportPending(o.workspace));
  if (stale) await deleteJournalEntries(ctx.store, stale.value.journalKeys);
  await commitWithRetry(ctx.store, async () => {
    const [current, pending] = [
      await ctx.store.getDoc(stateKey),
      await ctx.store.getDoc(keys.exportPending(o.workspace)),
    ];
    if (current?.value.generation === config.generation) return undefined;
    const fresh = freshState(
      config.generation,
      repos.map((r) => r.repoUuid),
      ctx.now(),
    );
    // Counters stay: they are what this workspace has exported so far.
    if (current)
      Object.assign(fresh, {
        batchesSent: current.value.batchesSent,
        recordsExported: current.value.recordsExported,
        lastBatch: current.value.lastBatch,
      });
    const ops: DocOp[] = [
      { kind: 'put', key: stateKey, value: fresh, expectedVersion: current?.version ?? 0 },
    ];
    if (pending)
      ops.push({ kind: 'delete', key: keys.exportPending(o.workspace), expectedVersion: pending.version });
    return ops;
  });
  ctx.log.info(`history export of ${o.workspace}: starting a full export (generation ${config.generation})`);
  return ctx.store.getDoc(stateKey);
}

/* ------------------------------------------------------------------------------------------- staging */

type StageOutcome = 'staged' | 'derived-done' | 'nothing';

async function stage(
  ctx: ExportContext,
  o: ExportOptions,
  config: ExportConfig,
  stateDoc: Versioned<ExportState>,
  repos: RepoRef[],
  withDerived: boolean,
  scan: ScanMemo,
): Promise<StageOutcome> {
  const byUuid = new Map(repos.map((r) => [r.repoUuid, r]));
  const builder = new BatchBuilder(
    o.maxBatchBytes ?? MAX_BATCH_BYTES,
    (uuid) => byUuid.get(uuid) ?? { workspace: o.workspace, repoSlug: uuid, repoUuid: uuid },
  );
  const state: ExportState = structuredClone(stateDoc.value);
  if (state.phase === 'initial') await fillInitial(ctx, state, builder, scan);
  if (state.phase === 'journal' && !builder.full) await fillJournal(ctx, o, repos, builder);
  const snapshots: DocOp[] = [];
  let derivedDone = false;
  if (state.phase === 'journal' && !builder.full && withDerived) {
    derivedDone = await fillDerived(ctx, o, config, repos, builder, snapshots);
  }
  if (builder.records.length === 0) {
    // Nothing to send: entries whose records are gone are dropped, and the position and snapshots kept.
    await deleteJournalEntries(ctx.store, builder.journalKeys);
    const ops: DocOp[] = [...snapshots];
    if (JSON.stringify(state) !== JSON.stringify(stateDoc.value)) {
      ops.push({
        kind: 'put',
        key: keys.exportState(o.workspace),
        value: state,
        expectedVersion: stateDoc.version,
      });
    }
    if (ops.length) await ctx.store.commit(ops);
    if (derivedDone) return 'derived-done';
    return ops.length || builder.journalKeys.length ? 'staged' : 'nothing';
  }
  const now = ctx.now().toISOString();
  const batch: ExportBatch = {
    schemaVersion: BATCH_SCHEMA_VERSION,
    id: `pi-${randomUUID()}`,
    workspace: o.workspace,
    createdAt: now,
    records: builder.records,
  };
  const pending: PendingBatch = {
    batch,
    journalKeys: builder.journalKeys,
    stagedAt: now,
    bytes: builder.size,
    ...(builder.oldestAt ? { oldestAt: builder.oldestAt } : {}),
  };
  await ctx.store.commit([
    { kind: 'put', key: keys.exportPending(o.workspace), value: pending, expectedVersion: 0 },
    {
      kind: 'put',
      key: keys.exportState(o.workspace),
      value: { ...state, attempts: 0, nextAttemptAt: undefined },
      expectedVersion: stateDoc.version,
    },
    ...snapshots,
  ]);
  return derivedDone ? 'derived-done' : 'staged';
}

function addRecord(
  builder: BatchBuilder,
  key: string,
  value: AttemptRecord | PipelineRunRecord,
  journalKey?: string,
): boolean {
  if (key.startsWith('run:')) {
    const run = value as PipelineRunRecord;
    return builder.addAll(run.repoUuid, [pipelineRecord(run)], run.completedOn ?? run.createdOn, journalKey);
  }
  const attempt = value as AttemptRecord;
  return builder.addAll(
    attempt.repoUuid,
    splitToFit(stepAttemptRecord(attempt), builder.maxBytes / 2),
    attempt.completedOn,
    journalKey,
  );
}

/**
 * Where the previous batch of this run stopped reading: the rest of its page and the query cursor, kept in memory
 * only (Forge cursors must not be stored). A new run, or a position that no longer matches, re-reads the month and
 * skips what it exported.
 */
interface ScanMemo {
  prefix?: string;
  afterKey?: string;
  items?: { key: string; value: AttemptRecord | PipelineRunRecord }[];
  cursor?: string;
}

/** The one-time export: every stored run and attempt record, repository by repository, month by month. */
async function fillInitial(
  ctx: ExportContext,
  state: ExportState,
  builder: BatchBuilder,
  scan: ScanMemo,
): Promise<void> {
  const pos = state.initial;
  const lastMonth = monthKey(ctx.now());
  while (pos && pos.repoIndex < pos.repos.length) {
    const repo = pos.repos[pos.repoIndex] ?? '';
    while (pos.month <= lastMonth) {
      const prefix =
        pos.kind === 'run'
          ? keys.pipelineRunsOfMonth(repo, pos.month)
          : keys.attemptsOfMonth(repo, pos.month);
      const resumed = scan.prefix === prefix && scan.afterKey === pos.lastKey && scan.items !== undefined;
      let items = resumed ? (scan.items ?? []) : [];
      let cursor = resumed ? scan.cursor : undefined;
      let first = !resumed;
      while (first || items.length > 0 || cursor !== undefined) {
        if (items.length === 0) {
          const page = await ctx.store.query<AttemptRecord | PipelineRunRecord>(prefix, {
            limit: 100,
            cursor,
          });
          items = page.items;
          cursor = page.cursor;
          first = false;
        }
        while (items.length > 0) {
          const item = items[0] as { key: string; value: AttemptRecord | PipelineRunRecord };
          if (pos.lastKey === undefined || item.key > pos.lastKey) {
            if (!addRecord(builder, item.key, item.value)) {
              Object.assign(scan, { prefix, afterKey: pos.lastKey, items, cursor });
              return;
            }
            pos.lastKey = item.key;
          }
          items = items.slice(1);
        }
      }
      pos.month = nextMonth(pos.month);
      delete pos.lastKey;
    }
    if (pos.kind === 'run') pos.kind = 'attempt';
    else {
      pos.kind = 'run';
      pos.repoIndex += 1;
    }
    pos.month = oldestMonth(ctx.now());
  }
  state.phase = 'journal';
  delete state.initial;
}

/** Journal entries older than the settle delay, oldest first, with the records they point to. */
async function fillJournal(
  ctx: ExportContext,
  o: ExportOptions,
  repos: RepoRef[],
  builder: BatchBuilder,
): Promise<void> {
  const cutoff = keys.keyTime(new Date(ctx.now().getTime() - o.settleSeconds * 1000).toISOString());
  for (const repo of repos) {
    let cursor: string | undefined;
    do {
      const page = await ctx.store.query(keys.exportJournalOf(repo.repoUuid), { limit: 100, cursor });
      const ready = page.items.filter((i) => (i.key.split(':')[2] ?? '') <= cutoff);
      for (let i = 0; i < ready.length; i += 25) {
        const chunk = ready.slice(i, i + 25);
        const records = await ctx.store.getMany(
          chunk.map((e) => keys.key<AttemptRecord | PipelineRunRecord>(e.value.record)),
        );
        for (const entry of chunk) {
          const record = records.get(entry.value.record);
          const added = record
            ? addRecord(builder, entry.value.record, record, entry.key)
            : builder.consume(entry.key);
          if (!added) return;
        }
      }
      // Entries are in time order: one that is not settled yet means the rest of this repository waits too.
      cursor = ready.length === page.items.length ? page.cursor : undefined;
    } while (cursor);
  }
}

/** Verdict, suggestion and quarantine changes of each repository; false when the batch filled before the last. */
async function fillDerived(
  ctx: ExportContext,
  o: ExportOptions,
  config: ExportConfig,
  repos: RepoRef[],
  builder: BatchBuilder,
  snapshots: DocOp[],
): Promise<boolean> {
  const now = ctx.now();
  for (const repo of repos) {
    if (snapshots.length >= MAX_SNAPSHOTS_PER_BATCH) return false;
    const snapKey = keys.exportSnapshot(repo.repoUuid);
    const snapshot = await ctx.store.getDoc(snapKey);
    const changes = derivedChanges(
      await derivedState(ctx.store, o.workspace, repo, now),
      snapshot?.value,
      config.generation,
      now,
    );
    if (JSON.stringify(changes.snapshot) === JSON.stringify(snapshot?.value)) continue;
    if (changes.records.length && !builder.addAll(repo.repoUuid, changes.records)) return false;
    snapshots.push({
      kind: 'put',
      key: snapKey,
      value: changes.snapshot satisfies ExportSnapshot,
      expectedVersion: snapshot?.version ?? 0,
    });
  }
  return true;
}

/** Verdicts and suggestions read through the same service as the report: the export recomputes nothing. */
async function derivedState(store: Store, workspace: string, repo: RepoRef, now: Date) {
  const since = new Date(now.getTime() - SUGGESTION_WINDOW_DAYS * 86_400_000);
  const [tests, report, quarantine] = await Promise.all([
    listTestVerdicts(store, { workspace, repo }),
    buildRepoReport(store, { workspace, repo, since, until: now }),
    store.getDoc(keys.quarantine(repo.repoUuid)),
  ]);
  return {
    repoUuid: repo.repoUuid,
    tests,
    suggestions: report.suggestions,
    suggestionStates: await suggestionStates(
      store,
      repo.repoUuid,
      report.suggestions.map((s) => s.id),
    ),
    quarantine: quarantine?.value ?? { tests: [] },
  };
}

/* ------------------------------------------------------------------------------------------- delivery */

async function deleteJournalEntries(store: Store, journalKeys: string[]): Promise<void> {
  for (const k of journalKeys) await store.delete(keys.key(k) as Key<unknown>);
}

async function updateState(
  ctx: ExportContext,
  o: ExportOptions,
  change: (s: ExportState) => ExportState,
  dropPending?: number,
): Promise<void> {
  const stateKey = keys.exportState(o.workspace);
  await commitWithRetry(ctx.store, async () => {
    const current = await ctx.store.getDoc(stateKey);
    if (!current) return undefined;
    const ops: DocOp[] = [
      { kind: 'put', key: stateKey, value: change(current.value), expectedVersion: current.version },
    ];
    if (dropPending !== undefined)
      ops.push({ kind: 'delete', key: keys.exportPending(o.workspace), expectedVersion: dropPending });
    return ops;
  });
}

async function deliver(
  ctx: ExportContext,
  o: ExportOptions,
  pending: Versioned<PendingBatch>,
): Promise<'accepted' | 'parked' | { retryAt: string }> {
  const { batch } = pending.value;
  const body = JSON.stringify(batch);
  let result: DeliveryResult;
  try {
    result = await o.sink.deliver(batch, body);
  } catch (error) {
    result = { kind: 'retry', message: error instanceof Error ? error.message : String(error) };
  }
  const at = ctx.now().toISOString();
  if (result.kind === 'accepted') {
    // Journal entries first: a crash after this delivers the same batch again (same id) and deletes nothing new.
    await deleteJournalEntries(ctx.store, pending.value.journalKeys);
    await updateState(
      ctx,
      o,
      (s) => ({
        ...s,
        batchesSent: s.batchesSent + 1,
        recordsExported: s.recordsExported + batch.records.length,
        lastBatch: {
          id: batch.id,
          at,
          records: batch.records.length,
          bytes: Buffer.byteLength(body, 'utf8'),
        },
        attempts: 0,
        nextAttemptAt: undefined,
      }),
      pending.version,
    );
    return 'accepted';
  }
  const error = {
    at,
    message: result.message.slice(0, 500),
    ...(result.status ? { status: result.status } : {}),
  };
  ctx.log.warn(
    `history export of ${o.workspace}: batch ${batch.id} ${result.kind === 'refused' ? 'refused' : 'not delivered'}: ${error.message}`,
  );
  if (result.kind === 'refused') {
    await updateState(ctx, o, (s) => ({ ...s, lastError: error, parked: { ...error, batchId: batch.id } }));
    return 'parked';
  }
  let retryAt = at;
  await updateState(ctx, o, (s) => {
    const attempts = s.attempts + 1;
    retryAt = new Date(Date.parse(at) + backoffSeconds(attempts) * 1000).toISOString();
    return { ...s, lastError: error, attempts, nextAttemptAt: retryAt };
  });
  return { retryAt };
}

/** An admin's "retry now": clears the park and the back-off; the staged batch goes again on the next run. */
export async function retryExportNow(ctx: ExportContext, workspace: string): Promise<void> {
  const stateKey = keys.exportState(workspace);
  await commitWithRetry(ctx.store, async () => {
    const current = await ctx.store.getDoc(stateKey);
    if (!current || (!current.value.parked && !current.value.nextAttemptAt)) return undefined;
    const { parked: _p, nextAttemptAt: _n, ...rest } = current.value;
    return [
      { kind: 'put', key: stateKey, value: { ...rest, attempts: 0 }, expectedVersion: current.version },
    ];
  });
}

export type { ExportRecord };
