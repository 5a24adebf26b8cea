/**
 * Every SQL statement of the history backend. Parameters only, never values spliced into text; table and column
 * names come from the constants below. Upserts are keyed by Bitbucket's natural ids and skip rows that would not
 * change, so a batch applied twice writes nothing the second time.
 */
import type { Pool, PoolClient } from 'pg';
import type { Row } from '../rows';

/** A pg Pool or a client checked out of one. */
export type Queryable = Pick<PoolClient, 'query'>;

export interface UpsertCount {
  inserted: number;
  updated: number;
}

/** Runs `fn` in one transaction on one connection; rolls back on any error and rethrows it. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

/* ------------------------------------------------------------------------------------------- migrations */

export async function ensureMigrationsTable(db: Queryable): Promise<void> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

/** One migrator at a time per database, whoever runs it (the deploy trigger, a CLI, a test). */
export async function lockMigrations(db: Queryable): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('pipeline-insights-history-migrations'))`);
}

export async function appliedMigrations(db: Queryable): Promise<Set<number>> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((r) => r.version));
}

export async function recordMigration(db: Queryable, version: number, name: string): Promise<void> {
  await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [version, name]);
}

/* ------------------------------------------------------------------------------------------- upserts */

interface TableSpec {
  table: string;
  columns: readonly string[];
  key: readonly string[];
  /** Extra condition for replacing a stored row (e.g. only by a newer run). */
  newerWhen?: string;
}

export const TABLES = {
  repositories: {
    table: 'repositories',
    columns: ['uuid', 'workspace_slug', 'slug', 'full_name', 'default_branch', 'updated_at'],
    key: ['uuid'],
    newerWhen: 'excluded.updated_at >= repositories.updated_at',
  },
  pipelines: {
    table: 'pipelines',
    columns: [
      'uuid',
      'repository_uuid',
      'build_number',
      'run_number',
      'result',
      'commit_hash',
      'branch',
      'is_default_branch',
      'pull_request_id',
      'created_on',
      'completed_on',
      'duration_seconds',
      'build_seconds_used',
      'deployed',
    ],
    key: ['uuid'],
    // "Rerun failed steps" keeps the pipeline and bumps its run number: the latest run is the pipeline's state.
    newerWhen: 'excluded.run_number >= pipelines.run_number',
  },
  pipelineSteps: {
    table: 'pipeline_steps',
    columns: [
      'pipeline_uuid',
      'step_uuid',
      'run_number',
      'repository_uuid',
      'build_number',
      'step_name',
      'is_rerun',
      'result',
      'commit_hash',
      'branch',
      'is_default_branch',
      'pipeline_created_on',
      'started_on',
      'completed_on',
      'duration_seconds',
      'queue_seconds',
      'build_seconds_used',
      'size_multiplier',
      'category',
      'cause',
      'fingerprint',
      'message',
      'tests_total',
      'tests_successful',
      'tests_failed',
      'tests_error',
      'tests_skipped',
      'failed_tests_omitted',
    ],
    key: ['pipeline_uuid', 'step_uuid', 'run_number'],
  },
  testResults: {
    table: 'test_results',
    columns: [
      'pipeline_uuid',
      'step_uuid',
      'run_number',
      'test_id',
      'repository_uuid',
      'step_name',
      'name',
      'status',
      'duration_seconds',
      'message',
      'completed_on',
    ],
    key: ['pipeline_uuid', 'step_uuid', 'run_number', 'test_id'],
  },
  testVerdicts: {
    table: 'test_verdicts',
    columns: [
      'repository_uuid',
      'test_id',
      'changed_at',
      'classification',
      'previous',
      'name',
      'step_name',
      'score',
      'evidence',
    ],
    key: ['repository_uuid', 'test_id', 'changed_at', 'classification'],
  },
  suggestions: {
    table: 'optimization_suggestions',
    columns: [
      'repository_uuid',
      'suggestion_id',
      'kind',
      'title',
      'detail',
      'priority',
      'status',
      'active',
      'subject',
      'minutes_per_week',
      'build_minutes_per_week',
      'failed_pipelines_per_week',
      'first_seen_at',
      'updated_at',
    ],
    key: ['repository_uuid', 'suggestion_id'],
    newerWhen: 'excluded.updated_at >= optimization_suggestions.updated_at',
  },
  suggestionStatusChanges: {
    table: 'suggestion_status_changes',
    columns: ['repository_uuid', 'suggestion_id', 'changed_at', 'status', 'active', 'changed_by'],
    key: ['repository_uuid', 'suggestion_id', 'changed_at', 'status', 'active'],
  },
  quarantineChanges: {
    table: 'quarantine_changes',
    columns: ['repository_uuid', 'test_id', 'changed_at', 'quarantined', 'name', 'changed_by'],
    key: ['repository_uuid', 'test_id', 'changed_at', 'quarantined'],
  },
} as const satisfies Record<string, TableSpec>;

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMS = 60_000;

/** The same key twice in one statement is refused by ON CONFLICT: the last row of a key wins. */
function lastPerKey(spec: TableSpec, rows: Row[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of rows) byKey.set(JSON.stringify(spec.key.map((k) => row[k])), row);
  return [...byKey.values()];
}

/**
 * `INSERT … ON CONFLICT (key) DO UPDATE`, in chunks. A stored row is rewritten only when something differs (and,
 * for tables with `newerWhen`, only by a newer version), so replays leave no dead rows.
 */
export async function upsert(db: Queryable, spec: TableSpec, rows: Row[]): Promise<UpsertCount> {
  const unique = lastPerKey(spec, rows);
  const count: UpsertCount = { inserted: 0, updated: 0 };
  const perChunk = Math.max(1, Math.floor(MAX_PARAMS / spec.columns.length));
  const others = spec.columns.filter((c) => !spec.key.includes(c));
  const target = spec.columns.map((c) => `${spec.table}.${c}`).join(', ');
  const incoming = spec.columns.map((c) => `excluded.${c}`).join(', ');
  const where = [
    `(${target}) IS DISTINCT FROM (${incoming})`,
    ...(spec.newerWhen ? [spec.newerWhen] : []),
  ].join(' AND ');
  for (let i = 0; i < unique.length; i += perChunk) {
    const chunk = unique.slice(i, i + perChunk);
    const values: unknown[] = [];
    const tuples = chunk.map(
      (row) => `(${spec.columns.map((c) => (values.push(row[c]), `$${values.length}`)).join(', ')})`,
    );
    const sql =
      `INSERT INTO ${spec.table} (${spec.columns.join(', ')}) VALUES ${tuples.join(', ')} ` +
      `ON CONFLICT (${spec.key.join(', ')}) DO UPDATE SET ${others.map((c) => `${c} = excluded.${c}`).join(', ')} ` +
      `WHERE ${where} RETURNING (xmax = 0) AS inserted`;
    const { rows: written } = await db.query<{ inserted: boolean }>(sql, values);
    for (const w of written) {
      if (w.inserted) count.inserted += 1;
      else count.updated += 1;
    }
  }
  return count;
}

/* ------------------------------------------------------------------------------------------- batches */

/** Claims a batch id inside the caller's transaction: false when it was applied before. */
export async function claimBatch(
  db: Queryable,
  b: { id: string; workspace: string; createdAt: string; records: number; rawKey?: string },
): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO export_batches (id, workspace, created_at, applied_at, records, raw_key)
     VALUES ($1, $2, $3, now(), $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [b.id, b.workspace, b.createdAt, b.records, b.rawKey ?? null],
  );
  return rows.length === 1;
}

/**
 * Roll-ups of one repository are recomputed by one transaction at a time: a concurrent writer waits here, then its
 * recomputation sees the first one's committed rows. Locks are taken in a fixed order, so two batches cannot deadlock.
 */
export async function lockRepositories(db: Queryable, repositoryUuids: string[]): Promise<void> {
  for (const uuid of [...repositoryUuids].sort()) {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('history-rollup:' || $1))`, [uuid]);
  }
}

function dayPairs(days: Map<string, Set<string>>): { repos: string[]; days: string[] } {
  const repos: string[] = [];
  const list: string[] = [];
  for (const [repo, set] of days) {
    for (const day of set) {
      repos.push(repo);
      list.push(day);
    }
  }
  return { repos, days: list };
}

const DAY_RANGE = (column: string) =>
  `${column} >= (d.day::timestamp AT TIME ZONE 'UTC') AND ${column} < ((d.day + 1)::timestamp AT TIME ZONE 'UTC')`;

/** Recomputes the daily repository roll-up of each (repository, day) from `pipelines` and `pipeline_steps`. */
export async function recomputeRepositoryDays(db: Queryable, days: Map<string, Set<string>>): Promise<void> {
  const { repos, days: list } = dayPairs(days);
  if (!repos.length) return;
  await db.query(
    `INSERT INTO daily_repository_stats AS s (repository_uuid, day, pipelines, successful, failed, stopped,
       duration_seconds_sum, deployments, successful_deployments, infrastructure_failed)
     SELECT d.repository_uuid, d.day,
       count(p.uuid),
       count(p.uuid) FILTER (WHERE p.result = 'SUCCESSFUL'),
       count(p.uuid) FILTER (WHERE p.result IN ('FAILED', 'ERROR', 'EXPIRED')),
       count(p.uuid) FILTER (WHERE p.result = 'STOPPED'),
       coalesce(sum(p.duration_seconds), 0),
       count(p.uuid) FILTER (WHERE p.deployed),
       count(p.uuid) FILTER (WHERE p.deployed AND p.result = 'SUCCESSFUL'),
       count(p.uuid) FILTER (WHERE EXISTS (SELECT 1 FROM pipeline_steps st
         WHERE st.pipeline_uuid = p.uuid AND st.category = 'infrastructure'))
     FROM unnest($1::uuid[], $2::date[]) AS d(repository_uuid, day)
     LEFT JOIN pipelines p ON p.repository_uuid = d.repository_uuid AND ${DAY_RANGE('p.created_on')}
     GROUP BY d.repository_uuid, d.day
     ON CONFLICT (repository_uuid, day) DO UPDATE SET
       pipelines = excluded.pipelines, successful = excluded.successful, failed = excluded.failed,
       stopped = excluded.stopped, duration_seconds_sum = excluded.duration_seconds_sum,
       deployments = excluded.deployments, successful_deployments = excluded.successful_deployments,
       infrastructure_failed = excluded.infrastructure_failed
     WHERE (s.pipelines, s.successful, s.failed, s.stopped, s.duration_seconds_sum, s.deployments,
            s.successful_deployments, s.infrastructure_failed)
       IS DISTINCT FROM (excluded.pipelines, excluded.successful, excluded.failed, excluded.stopped,
            excluded.duration_seconds_sum, excluded.deployments, excluded.successful_deployments,
            excluded.infrastructure_failed)`,
    [repos, list],
  );
}

/** Red runs longer than this are not followed back further when their days are recomputed. */
export const RECOVERY_LOOKBACK_DAYS = 31;

/**
 * MTTR on the default branch, per day: a red run starts with a red pipeline whose predecessor was green; it ends when
 * a later pipeline is green (the earliest such completion). Its recovery counts on the day it started. A new
 * pipeline can end, split or join runs that began before it, so each touched repository is recomputed from
 * RECOVERY_LOOKBACK_DAYS before its earliest touched day. Stopped pipelines say nothing and are skipped.
 */
export async function recomputeRecoveries(db: Queryable, days: Map<string, Set<string>>): Promise<void> {
  const repos = [...days.keys()];
  if (!repos.length) return;
  const from = repos.map((r) => [...(days.get(r) ?? [])].sort()[0] ?? '1970-01-01');
  await db.query(
    `WITH bounds AS (
       SELECT repository_uuid, from_day - ${RECOVERY_LOOKBACK_DAYS} AS from_day
       FROM unnest($1::uuid[], $2::date[]) AS b(repository_uuid, from_day)),
     ordered AS (
       SELECT p.repository_uuid, p.created_on, coalesce(p.completed_on, p.created_on) AS done,
              p.result = 'SUCCESSFUL' AS green, b.from_day,
              lag(p.result = 'SUCCESSFUL') OVER w AS previous_green,
              -- Every later pipeline, as a running aggregate over the reversed order: linear, not quadratic.
              min(coalesce(p.completed_on, p.created_on)) FILTER (WHERE p.result = 'SUCCESSFUL')
                OVER (PARTITION BY p.repository_uuid ORDER BY p.created_on DESC, p.uuid DESC
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS green_at
       FROM pipelines p JOIN bounds b ON b.repository_uuid = p.repository_uuid
       WHERE p.is_default_branch AND p.result <> 'STOPPED'
         AND p.created_on >= ((b.from_day - ${RECOVERY_LOOKBACK_DAYS})::timestamp AT TIME ZONE 'UTC')
       WINDOW w AS (PARTITION BY p.repository_uuid ORDER BY p.created_on, p.uuid)),
     per_day AS (
       SELECT repository_uuid, (created_on AT TIME ZONE 'UTC')::date AS day, count(green_at)::int AS recoveries,
              coalesce(sum(extract(epoch FROM green_at - done)), 0)::float8 AS recovery_seconds
       FROM ordered
       WHERE NOT green AND previous_green AND created_on >= (from_day::timestamp AT TIME ZONE 'UTC')
       GROUP BY 1, 2),
     wanted AS (
       SELECT s.repository_uuid, s.day, coalesce(pd.recoveries, 0) AS recoveries,
              coalesce(pd.recovery_seconds, 0) AS recovery_seconds
       FROM daily_repository_stats s JOIN bounds b ON b.repository_uuid = s.repository_uuid AND s.day >= b.from_day
       LEFT JOIN per_day pd ON pd.repository_uuid = s.repository_uuid AND pd.day = s.day)
     UPDATE daily_repository_stats s
     SET recoveries = t.recoveries, recovery_seconds = t.recovery_seconds
     FROM wanted t
     WHERE s.repository_uuid = t.repository_uuid AND s.day = t.day
       AND (s.recoveries, s.recovery_seconds) IS DISTINCT FROM (t.recoveries, t.recovery_seconds)`,
    [repos, from],
  );
}

/** Recomputes the daily step roll-ups of each (repository, day) from `pipeline_steps`. */
export async function recomputeStepDays(db: Queryable, days: Map<string, Set<string>>): Promise<void> {
  const { repos, days: list } = dayPairs(days);
  if (!repos.length) return;
  await db.query(
    `INSERT INTO daily_step_stats AS s (repository_uuid, step_name, day, attempts, failed, reruns,
       duration_seconds_sum, queue_seconds_sum, build_seconds, billed_seconds)
     SELECT d.repository_uuid, st.step_name, d.day,
       count(*),
       count(*) FILTER (WHERE st.result <> 'SUCCESSFUL'),
       count(*) FILTER (WHERE st.is_rerun),
       coalesce(sum(st.duration_seconds), 0),
       coalesce(sum(st.queue_seconds), 0),
       coalesce(sum(st.build_seconds_used), 0),
       coalesce(sum(st.build_seconds_used * st.size_multiplier), 0)
     FROM unnest($1::uuid[], $2::date[]) AS d(repository_uuid, day)
     JOIN pipeline_steps st ON st.repository_uuid = d.repository_uuid AND ${DAY_RANGE('st.completed_on')}
     GROUP BY d.repository_uuid, st.step_name, d.day
     ON CONFLICT (repository_uuid, day, step_name) DO UPDATE SET
       attempts = excluded.attempts, failed = excluded.failed, reruns = excluded.reruns,
       duration_seconds_sum = excluded.duration_seconds_sum, queue_seconds_sum = excluded.queue_seconds_sum,
       build_seconds = excluded.build_seconds, billed_seconds = excluded.billed_seconds
     WHERE (s.attempts, s.failed, s.reruns, s.duration_seconds_sum, s.queue_seconds_sum, s.build_seconds, s.billed_seconds)
       IS DISTINCT FROM (excluded.attempts, excluded.failed, excluded.reruns, excluded.duration_seconds_sum,
            excluded.queue_seconds_sum, excluded.build_seconds, excluded.billed_seconds)`,
    [repos, list],
  );
}

/* ------------------------------------------------------------------------------------------- read API */

export interface RepositoryRow {
  uuid: string;
  workspace_slug: string;
  slug: string;
  full_name: string | null;
  default_branch: string | null;
}

export async function listRepositories(db: Queryable, workspace?: string): Promise<RepositoryRow[]> {
  const { rows } = await db.query<RepositoryRow>(
    `SELECT uuid, workspace_slug, slug, full_name, default_branch FROM repositories
     WHERE $1::text IS NULL OR workspace_slug = $1 ORDER BY workspace_slug, slug`,
    [workspace ?? null],
  );
  return rows;
}

export async function getRepository(db: Queryable, uuid: string): Promise<RepositoryRow | undefined> {
  const { rows } = await db.query<RepositoryRow>(
    'SELECT uuid, workspace_slug, slug, full_name, default_branch FROM repositories WHERE uuid = $1',
    [uuid],
  );
  return rows[0];
}

export interface TimeRange {
  from: Date;
  to: Date;
}

/** Pipelines created in [from, to), newest first, a page at a time (keyset on created_on, uuid). */
export async function listPipelines(
  db: Queryable,
  repositoryUuid: string,
  range: TimeRange,
  page: { limit: number; before?: { createdOn: string; uuid: string } },
): Promise<Row[]> {
  const { rows } = await db.query(
    `SELECT uuid, build_number, run_number, result, commit_hash, branch, is_default_branch, pull_request_id,
            created_on, completed_on, duration_seconds, build_seconds_used, deployed
     FROM pipelines
     WHERE repository_uuid = $1 AND created_on >= $2 AND created_on < $3
       AND ($4::timestamptz IS NULL OR (created_on, uuid) < ($4::timestamptz, $5::uuid))
     ORDER BY created_on DESC, uuid DESC LIMIT $6`,
    [
      repositoryUuid,
      range.from,
      range.to,
      page.before?.createdOn ?? null,
      page.before?.uuid ?? null,
      page.limit,
    ],
  );
  return rows;
}

/** Each test's latest verdict as of `at`, for the tests whose latest verdict is flaky or broken. */
export async function currentVerdicts(db: Queryable, repositoryUuids: string[], at: Date): Promise<Row[]> {
  const { rows } = await db.query(
    `SELECT * FROM (
       SELECT DISTINCT ON (repository_uuid, test_id) repository_uuid, test_id, name, step_name, classification,
              changed_at, score, evidence
       FROM test_verdicts WHERE repository_uuid = ANY($1::uuid[]) AND changed_at < $2
       ORDER BY repository_uuid, test_id, changed_at DESC, classification
     ) latest WHERE classification IN ('flaky', 'broken') ORDER BY classification, changed_at DESC`,
    [repositoryUuids, at],
  );
  return rows;
}

export async function listSuggestions(db: Queryable, repositoryUuid: string): Promise<Row[]> {
  const { rows } = await db.query(
    `SELECT suggestion_id, kind, title, detail, priority, status, active, subject, minutes_per_week,
            build_minutes_per_week, failed_pipelines_per_week, first_seen_at, updated_at,
            (SELECT coalesce(json_agg(json_build_object('status', c.status, 'active', c.active, 'changedAt', c.changed_at,
                    'changedBy', c.changed_by) ORDER BY c.changed_at), '[]'::json)
             FROM suggestion_status_changes c
             WHERE c.repository_uuid = s.repository_uuid AND c.suggestion_id = s.suggestion_id) AS history
     FROM optimization_suggestions s WHERE repository_uuid = $1
     ORDER BY active DESC, CASE priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, suggestion_id`,
    [repositoryUuid],
  );
  return rows;
}

/** Daily figures of one repository in [from, to): pipelines from the repository roll-up, minutes from the steps'. */
export async function dailyMetrics(db: Queryable, repositoryUuid: string, range: TimeRange): Promise<Row[]> {
  const { rows } = await db.query(
    `SELECT r.day::text AS day, r.pipelines, r.successful, r.failed, r.stopped, r.duration_seconds_sum,
            r.successful_deployments, r.infrastructure_failed,
            coalesce(st.attempts, 0) AS step_attempts, coalesce(st.failed, 0) AS step_failures,
            coalesce(st.build_seconds, 0) AS build_seconds, coalesce(st.billed_seconds, 0) AS billed_seconds
     FROM daily_repository_stats r
     LEFT JOIN (SELECT day, sum(attempts)::int AS attempts, sum(failed)::int AS failed, sum(build_seconds) AS build_seconds,
                       sum(billed_seconds) AS billed_seconds
                FROM daily_step_stats WHERE repository_uuid = $1 AND day >= $2::date AND day < $3::date GROUP BY day) st
       ON st.day = r.day
     WHERE r.repository_uuid = $1 AND r.day >= $2::date AND r.day < $3::date ORDER BY r.day`,
    [repositoryUuid, range.from.toISOString().slice(0, 10), range.to.toISOString().slice(0, 10)],
  );
  return rows;
}

/* ------------------------------------------------------------------------------------------- monthly report */

export interface MonthFigures {
  repository_uuid: string;
  month: string;
  pipelines: number;
  successful: number;
  failed: number;
  stopped: number;
  successful_deployments: number;
  infrastructure_failed: number;
  recoveries: number;
  recovery_seconds: number;
  build_seconds: number;
  billed_seconds: number;
}

/** Per repository and calendar month (UTC) in [from, to): the sums of the daily roll-ups. */
export async function monthlyFigures(
  db: Queryable,
  repositoryUuids: string[],
  range: TimeRange,
): Promise<MonthFigures[]> {
  const { rows } = await db.query<MonthFigures>(
    `WITH r AS (
       SELECT repository_uuid, to_char(day, 'YYYY-MM') AS month, sum(pipelines)::int AS pipelines,
              sum(successful)::int AS successful, sum(failed)::int AS failed, sum(stopped)::int AS stopped,
              sum(successful_deployments)::int AS successful_deployments,
              sum(infrastructure_failed)::int AS infrastructure_failed,
              sum(recoveries)::int AS recoveries, sum(recovery_seconds)::float8 AS recovery_seconds
       FROM daily_repository_stats
       WHERE repository_uuid = ANY($1::uuid[]) AND day >= $2::date AND day < $3::date
       GROUP BY 1, 2),
     s AS (
       SELECT repository_uuid, to_char(day, 'YYYY-MM') AS month, sum(build_seconds) AS build_seconds,
              sum(billed_seconds) AS billed_seconds
       FROM daily_step_stats
       WHERE repository_uuid = ANY($1::uuid[]) AND day >= $2::date AND day < $3::date
       GROUP BY 1, 2)
     SELECT coalesce(r.repository_uuid, s.repository_uuid)::text AS repository_uuid, coalesce(r.month, s.month) AS month,
            coalesce(r.pipelines, 0) AS pipelines, coalesce(r.successful, 0) AS successful,
            coalesce(r.failed, 0) AS failed, coalesce(r.stopped, 0) AS stopped,
            coalesce(r.successful_deployments, 0) AS successful_deployments,
            coalesce(r.infrastructure_failed, 0) AS infrastructure_failed,
            coalesce(r.recoveries, 0) AS recoveries, coalesce(r.recovery_seconds, 0)::float8 AS recovery_seconds,
            coalesce(s.build_seconds, 0)::float8 AS build_seconds, coalesce(s.billed_seconds, 0)::float8 AS billed_seconds
     FROM r FULL JOIN s ON s.repository_uuid = r.repository_uuid AND s.month = r.month`,
    [repositoryUuids, range.from.toISOString().slice(0, 10), range.to.toISOString().slice(0, 10)],
  );
  return rows;
}

export interface RecurringFailureRow {
  fingerprint: string;
  category: string | null;
  cause: string | null;
  message: string | null;
  failures: number;
  repositories: number;
  last_seen: string;
}

/** The failures seen most often in [from, to), by fingerprint, across the given repositories. */
export async function topFailures(
  db: Queryable,
  repositoryUuids: string[],
  range: TimeRange,
  limit: number,
): Promise<RecurringFailureRow[]> {
  const { rows } = await db.query<RecurringFailureRow>(
    `SELECT fingerprint, min(category) AS category, min(cause) AS cause, (array_agg(message ORDER BY completed_on DESC))[1] AS message,
            count(*)::int AS failures, count(DISTINCT repository_uuid)::int AS repositories,
            max(completed_on) AS last_seen
     FROM pipeline_steps
     WHERE repository_uuid = ANY($1::uuid[]) AND completed_on >= $2 AND completed_on < $3
       AND result <> 'SUCCESSFUL' AND fingerprint IS NOT NULL
     GROUP BY fingerprint ORDER BY count(*) DESC, fingerprint LIMIT $4`,
    [repositoryUuids, range.from, range.to, limit],
  );
  return rows;
}

export interface VerdictCountRow {
  repository_uuid: string;
  flaky: number;
  broken: number;
}

/** Tests whose latest verdict before `at` is flaky or broken, per repository. */
export async function verdictCounts(
  db: Queryable,
  repositoryUuids: string[],
  at: Date,
): Promise<VerdictCountRow[]> {
  const { rows } = await db.query<VerdictCountRow>(
    `SELECT repository_uuid::text AS repository_uuid,
            count(*) FILTER (WHERE classification = 'flaky')::int AS flaky,
            count(*) FILTER (WHERE classification = 'broken')::int AS broken
     FROM (SELECT DISTINCT ON (repository_uuid, test_id) repository_uuid, classification
           FROM test_verdicts WHERE repository_uuid = ANY($1::uuid[]) AND changed_at < $2
           ORDER BY repository_uuid, test_id, changed_at DESC, classification) latest
     GROUP BY 1`,
    [repositoryUuids, at],
  );
  return rows;
}

/** Row counts of the main tables (for the CLI's summary and the tests). */
export async function tableCounts(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ name: string; n: number }>(
    `SELECT 'repositories' AS name, count(*)::int AS n FROM repositories
     UNION ALL SELECT 'pipelines', count(*)::int FROM pipelines
     UNION ALL SELECT 'pipeline_steps', count(*)::int FROM pipeline_steps
     UNION ALL SELECT 'test_results', count(*)::int FROM test_results
     UNION ALL SELECT 'test_verdicts', count(*)::int FROM test_verdicts
     UNION ALL SELECT 'optimization_suggestions', count(*)::int FROM optimization_suggestions
     UNION ALL SELECT 'suggestion_status_changes', count(*)::int FROM suggestion_status_changes
     UNION ALL SELECT 'quarantine_changes', count(*)::int FROM quarantine_changes
     UNION ALL SELECT 'daily_repository_stats', count(*)::int FROM daily_repository_stats
     UNION ALL SELECT 'daily_step_stats', count(*)::int FROM daily_step_stats
     UNION ALL SELECT 'export_batches', count(*)::int FROM export_batches`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.n]));
}
