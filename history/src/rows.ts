/**
 * Pure mapping from export records to table rows (column name → value), and the (repository, day) pairs whose
 * roll-ups a batch changes. No SQL here: `db/sql.ts` writes what this returns.
 */
import type { ExportBatch, ExportRecord, PipelineRecord, StepAttemptRecord } from './contract';

export type Row = Record<string, unknown>;

export interface BatchRows {
  repositories: Row[];
  pipelines: Row[];
  pipelineSteps: Row[];
  testResults: Row[];
  testVerdicts: Row[];
  suggestions: Row[];
  suggestionStatusChanges: Row[];
  quarantineChanges: Row[];
  /** Days (UTC, `YYYY-MM-DD`) per repository whose daily repository roll-up must be recomputed. */
  repositoryDays: Map<string, Set<string>>;
  /** Days per repository whose daily step roll-ups must be recomputed. */
  stepDays: Map<string, Set<string>>;
}

const dayOf = (iso: string): string => new Date(iso).toISOString().slice(0, 10);

function addDay(map: Map<string, Set<string>>, repo: string, iso: string): void {
  const days = map.get(repo) ?? new Set<string>();
  days.add(dayOf(iso));
  map.set(repo, days);
}

const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

function pipelineRow(r: PipelineRecord): Row {
  return {
    uuid: r.uuid,
    repository_uuid: r.repositoryUuid,
    build_number: r.buildNumber,
    run_number: r.runNumber,
    result: r.result,
    commit_hash: orNull(r.commit),
    branch: orNull(r.branch),
    is_default_branch: r.isDefaultBranch,
    pull_request_id: orNull(r.pullRequestId),
    created_on: r.createdOn,
    completed_on: orNull(r.completedOn),
    duration_seconds: orNull(r.durationSeconds),
    build_seconds_used: orNull(r.buildSecondsUsed),
    deployed: r.deployed,
  };
}

function stepRow(r: StepAttemptRecord): Row {
  return {
    pipeline_uuid: r.pipelineUuid,
    step_uuid: r.stepUuid,
    run_number: r.runNumber,
    repository_uuid: r.repositoryUuid,
    build_number: r.buildNumber,
    step_name: r.stepName,
    is_rerun: r.isRerun,
    result: r.result,
    commit_hash: orNull(r.commit),
    branch: orNull(r.branch),
    is_default_branch: r.isDefaultBranch,
    pipeline_created_on: r.pipelineCreatedOn,
    started_on: orNull(r.startedOn),
    completed_on: r.completedOn,
    duration_seconds: orNull(r.durationSeconds),
    queue_seconds: orNull(r.queueSeconds),
    build_seconds_used: orNull(r.buildSecondsUsed),
    size_multiplier: r.sizeMultiplier,
    category: orNull(r.category),
    cause: orNull(r.cause),
    fingerprint: orNull(r.fingerprint),
    message: orNull(r.message),
    tests_total: orNull(r.tests?.total),
    tests_successful: orNull(r.tests?.successful),
    tests_failed: orNull(r.tests?.failed),
    tests_error: orNull(r.tests?.error),
    tests_skipped: orNull(r.tests?.skipped),
    failed_tests_omitted: r.failedTestsOmitted,
  };
}

function testRows(r: StepAttemptRecord): Row[] {
  return r.failedTests.map((t) => ({
    pipeline_uuid: r.pipelineUuid,
    step_uuid: r.stepUuid,
    run_number: r.runNumber,
    test_id: t.id,
    repository_uuid: r.repositoryUuid,
    step_name: r.stepName,
    name: t.name,
    status: t.status,
    duration_seconds: orNull(t.durationSeconds),
    message: orNull(t.message),
    completed_on: r.completedOn,
  }));
}

function emptyRows(): BatchRows {
  return {
    repositories: [],
    pipelines: [],
    pipelineSteps: [],
    testResults: [],
    testVerdicts: [],
    suggestions: [],
    suggestionStatusChanges: [],
    quarantineChanges: [],
    repositoryDays: new Map(),
    stepDays: new Map(),
  };
}

function addRecord(out: BatchRows, r: ExportRecord, batch: ExportBatch): void {
  switch (r.type) {
    case 'repository':
      out.repositories.push({
        uuid: r.uuid,
        workspace_slug: r.workspace,
        slug: r.slug,
        full_name: orNull(r.fullName),
        default_branch: orNull(r.defaultBranch),
        updated_at: batch.createdAt,
      });
      return;
    case 'pipeline':
      out.pipelines.push(pipelineRow(r));
      addDay(out.repositoryDays, r.repositoryUuid, r.createdOn);
      return;
    case 'step-attempt':
      out.pipelineSteps.push(stepRow(r));
      out.testResults.push(...testRows(r));
      // A failed attempt changes its pipeline's day (infrastructure failures) and its own day (step roll-up).
      addDay(out.repositoryDays, r.repositoryUuid, r.pipelineCreatedOn);
      addDay(out.stepDays, r.repositoryUuid, r.completedOn);
      return;
    case 'test-verdict':
      out.testVerdicts.push({
        repository_uuid: r.repositoryUuid,
        test_id: r.testId,
        changed_at: r.changedAt,
        classification: r.classification,
        previous: r.previous,
        name: r.name,
        step_name: r.step,
        score: r.score,
        evidence: JSON.stringify(r.evidence),
      });
      return;
    case 'suggestion':
      out.suggestions.push({
        repository_uuid: r.repositoryUuid,
        suggestion_id: r.id,
        kind: r.kind,
        title: r.title,
        detail: r.detail,
        priority: r.priority,
        status: r.status,
        active: r.active,
        subject: orNull(r.subject),
        minutes_per_week: orNull(r.minutesPerWeek),
        build_minutes_per_week: orNull(r.buildMinutesPerWeek),
        failed_pipelines_per_week: orNull(r.failedPipelinesPerWeek),
        first_seen_at: r.statusChangedAt,
        updated_at: r.statusChangedAt,
      });
      out.suggestionStatusChanges.push({
        repository_uuid: r.repositoryUuid,
        suggestion_id: r.id,
        changed_at: r.statusChangedAt,
        status: r.status,
        active: r.active,
        changed_by: orNull(r.changedBy),
      });
      return;
    case 'quarantine':
      out.quarantineChanges.push({
        repository_uuid: r.repositoryUuid,
        test_id: r.testId,
        changed_at: r.changedAt,
        quarantined: r.quarantined,
        name: r.name,
        changed_by: orNull(r.changedBy),
      });
      return;
    default: {
      const unknown: never = r;
      throw new Error(`unknown record type ${String((unknown as { type?: unknown }).type)}`);
    }
  }
}

export function rowsOfBatch(batch: ExportBatch): BatchRows {
  const out = emptyRows();
  for (const r of batch.records) addRecord(out, r, batch);
  return out;
}
