/**
 * Pure mapping from what the app stores to the export batch's records (history/src/contract.ts), and the derived
 * changes: a verdict, suggestion status or quarantine that differs from what was exported last is a change to send.
 * Nothing depends on catching a transition as it happens: the current state is compared with the last exported one.
 */
import type {
  Classification,
  ExportRecord,
  PipelineRecord,
  QuarantineRecord,
  RepositoryRecord,
  StepAttemptRecord,
  SuggestionRecord,
  VerdictRecord,
} from '../../../history/src/contract';
import type { Suggestion, TestReport } from '../../contract/insights';
import type { AttemptRecord, PipelineRunRecord } from '../../domain/attempt';
import type { RepoRef } from '../../domain/types';
import type { QuarantineList, SuggestionState } from '../../storage/keys';
import type { ExportSnapshot } from './export-state';

const defined = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The workspace's slug: the first part of the repository's full name, else the workspace the app knows it by. */
export function repositoryRecord(repo: RepoRef): RepositoryRecord {
  const slugFromName = repo.fullName?.split('/')[0];
  return defined({
    type: 'repository',
    uuid: repo.repoUuid,
    workspace: slugFromName || repo.workspace.replace(/[{}]/g, ''),
    slug: repo.repoSlug,
    fullName: repo.fullName,
    defaultBranch: repo.defaultBranch,
  });
}

export function pipelineRecord(r: PipelineRunRecord): PipelineRecord {
  return defined({
    type: 'pipeline',
    repositoryUuid: r.repoUuid,
    uuid: r.pipelineUuid,
    buildNumber: r.buildNumber,
    runNumber: r.runNumber,
    result: r.result,
    commit: r.commit,
    branch: r.branch,
    isDefaultBranch: r.isDefaultBranch,
    pullRequestId: r.pullRequestId,
    createdOn: r.createdOn,
    completedOn: r.completedOn,
    durationSeconds: r.durationSeconds,
    buildSecondsUsed: r.buildSecondsUsed,
    deployed: r.deployed,
  });
}

export function stepAttemptRecord(a: AttemptRecord): StepAttemptRecord {
  return defined({
    type: 'step-attempt',
    repositoryUuid: a.repoUuid,
    pipelineUuid: a.pipelineUuid,
    buildNumber: a.buildNumber,
    stepUuid: a.stepUuid,
    stepName: a.stepName,
    runNumber: a.runNumber,
    isRerun: a.isRerun,
    result: a.result,
    commit: a.commit,
    branch: a.branch,
    isDefaultBranch: a.isDefaultBranch,
    pipelineCreatedOn: a.pipelineCreatedOn,
    startedOn: a.startedOn,
    completedOn: a.completedOn,
    durationSeconds: a.durationSeconds,
    queueSeconds: a.queueSeconds,
    buildSecondsUsed: a.buildSecondsUsed,
    sizeMultiplier: a.sizeMultiplier,
    category: a.failure?.category,
    cause: a.failure?.cause,
    fingerprint: a.failure?.fingerprint,
    message: a.failure?.message,
    tests: a.tests,
    failedTests: a.failedTests.map((t) =>
      defined({
        id: t.id,
        name: t.name,
        status: t.errored ? ('ERROR' as const) : ('FAILED' as const),
        durationSeconds: t.durationMs === undefined ? undefined : t.durationMs / 1000,
        message: t.message,
      }),
    ),
    failedTestsOmitted: a.failedTestsOmitted,
  });
}

const bytesOf = (r: ExportRecord): number => Buffer.byteLength(JSON.stringify(r), 'utf8');

/**
 * An attempt with many long failed-test names can outgrow a batch: it is sent as several records of the same
 * attempt, each with part of its failed tests (the receiver's upserts put them together).
 */
export function splitToFit(r: StepAttemptRecord, maxBytes: number): StepAttemptRecord[] {
  if (bytesOf(r) <= maxBytes || r.failedTests.length <= 1) return [r];
  const half = Math.ceil(r.failedTests.length / 2);
  return [
    ...splitToFit({ ...r, failedTests: r.failedTests.slice(0, half) }, maxBytes),
    ...splitToFit({ ...r, failedTests: r.failedTests.slice(half) }, maxBytes),
  ];
}

/* ------------------------------------------------------------------------------------------- derived changes */

export interface DerivedState {
  repoUuid: string;
  tests: TestReport[];
  suggestions: Suggestion[];
  suggestionStates: Map<string, SuggestionState>;
  quarantine: QuarantineList;
}

export interface DerivedChanges {
  records: ExportRecord[];
  snapshot: ExportSnapshot;
}

/** When a label began: broken since, flaky since, fixed at. */
function sinceOf(t: TestReport): string | undefined {
  if (t.classification === 'broken') return t.brokenSince?.at;
  if (t.classification === 'flaky') return t.flakySince?.at;
  if (t.classification === 'fixed') return t.fixedAt;
  return undefined;
}

const MAX_EVIDENCE = 20;

function verdict(
  repoUuid: string,
  t: TestReport,
  previous: Classification,
  changedAt: string,
): VerdictRecord {
  return {
    type: 'test-verdict',
    repositoryUuid: repoUuid,
    testId: t.id,
    name: t.name,
    step: t.step,
    classification: t.classification,
    previous,
    changedAt,
    score: t.flakinessScore,
    evidence: t.evidence.slice(0, MAX_EVIDENCE).map((e) =>
      defined({
        kind: e.kind,
        detail: e.detail.slice(0, 600),
        commit: e.commit,
        pipeline: e.pipeline,
        attempt: e.attempt,
        at: e.at,
      }),
    ),
  };
}

function verdictChanges(s: DerivedState, before: ExportSnapshot['verdicts'], now: string) {
  const records: ExportRecord[] = [];
  const after: ExportSnapshot['verdicts'] = {};
  const seen = new Set<string>();
  for (const t of s.tests) {
    seen.add(t.id);
    const was = before[t.id];
    if (t.classification === 'healthy') {
      // It was exported as flaky, broken or fixed: it recovered. The detector does not keep when; now is when it was seen.
      if (was) records.push(verdict(s.repoUuid, t, was.label, now));
      continue;
    }
    const since = sinceOf(t) ?? was?.since ?? now;
    after[t.id] = { label: t.classification, since, name: t.name, step: t.step };
    if (!was || was.label !== t.classification || was.since !== since) {
      records.push(verdict(s.repoUuid, t, was?.label ?? 'healthy', since));
    }
  }
  for (const [id, was] of Object.entries(before)) {
    if (seen.has(id)) continue;
    // No longer indexed (its failures aged out of the retention window): healthy.
    records.push({
      type: 'test-verdict',
      repositoryUuid: s.repoUuid,
      testId: id,
      name: was.name,
      step: was.step,
      classification: 'healthy',
      previous: was.label,
      changedAt: now,
      score: 0,
      evidence: [],
    });
  }
  return { records, after };
}

function suggestionRecord(
  repoUuid: string,
  x: Suggestion,
  active: boolean,
  state: SuggestionState | undefined,
  now: string,
): SuggestionRecord {
  return defined({
    type: 'suggestion',
    repositoryUuid: repoUuid,
    id: x.id,
    kind: x.kind,
    title: x.title.slice(0, 600),
    detail: x.detail.slice(0, 4000),
    priority: x.priority,
    status: x.status,
    active,
    statusChangedAt: state?.updatedAt ?? now,
    changedBy: state?.updatedBy,
    minutesPerWeek: x.impact.minutesPerWeek,
    buildMinutesPerWeek: x.impact.buildMinutesPerWeek,
    failedPipelinesPerWeek: x.impact.failedPipelinesPerWeek,
    subject: x.subject?.slice(0, 2000),
  });
}

function suggestionChanges(s: DerivedState, before: ExportSnapshot['suggestions'], now: string) {
  const records: ExportRecord[] = [];
  const after: ExportSnapshot['suggestions'] = {};
  for (const x of s.suggestions) {
    after[x.id] = { status: x.status, active: true };
    const was = before[x.id];
    if (!was || was.status !== x.status || !was.active)
      records.push(suggestionRecord(s.repoUuid, x, true, s.suggestionStates.get(x.id), now));
  }
  for (const [id, was] of Object.entries(before)) {
    if (after[id]) continue;
    if (!was.active) {
      after[id] = was;
      continue;
    }
    // The app no longer makes it: its cause went away.
    after[id] = { status: was.status, active: false };
    records.push({
      type: 'suggestion',
      repositoryUuid: s.repoUuid,
      id,
      kind: 'withdrawn',
      title: '',
      detail: '',
      priority: 'low',
      status: was.status as SuggestionRecord['status'],
      active: false,
      statusChangedAt: now,
    });
  }
  return { records, after };
}

function quarantineChanges(s: DerivedState, before: ExportSnapshot['quarantined'], now: string) {
  const records: QuarantineRecord[] = [];
  const after: ExportSnapshot['quarantined'] = {};
  for (const t of s.quarantine.tests) {
    after[t.id] = t.name;
    if (before[t.id] === undefined)
      records.push(
        defined({
          type: 'quarantine',
          repositoryUuid: s.repoUuid,
          testId: t.id,
          name: t.name,
          quarantined: true,
          changedAt: t.at,
          changedBy: t.by,
        }),
      );
  }
  for (const [id, name] of Object.entries(before)) {
    if (after[id] === undefined)
      records.push({
        type: 'quarantine',
        repositoryUuid: s.repoUuid,
        testId: id,
        name,
        quarantined: false,
        changedAt: now,
      });
  }
  return { records, after };
}

/** The changes since `snapshot` (empty for a new generation), and the snapshot to keep once they are staged. */
export function derivedChanges(
  s: DerivedState,
  snapshot: ExportSnapshot | undefined,
  generation: string,
  now: Date,
): DerivedChanges {
  const at = now.toISOString();
  const base =
    snapshot?.generation === generation
      ? snapshot
      : { generation, verdicts: {}, suggestions: {}, quarantined: {} };
  const v = verdictChanges(s, base.verdicts, at);
  const g = suggestionChanges(s, base.suggestions, at);
  const q = quarantineChanges(s, base.quarantined, at);
  return {
    records: [...v.records, ...g.records, ...q.records],
    snapshot: { generation, verdicts: v.after, suggestions: g.after, quarantined: q.after },
  };
}
