-- The long-term history of Pipeline Insights: one row per pipeline, step attempt, failed test, verdict change,
-- suggestion and quarantine change, plus daily roll-ups. Rows are keyed by Bitbucket's natural ids, so a batch
-- applied twice changes nothing. Released: never edit; add a numbered file instead.

CREATE TABLE repositories (
  uuid            uuid PRIMARY KEY,
  workspace_slug  text NOT NULL,
  slug            text NOT NULL,
  full_name       text,
  default_branch  text,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX repositories_workspace ON repositories (workspace_slug, slug);

CREATE TABLE pipelines (
  uuid               uuid PRIMARY KEY,
  repository_uuid    uuid NOT NULL REFERENCES repositories (uuid),
  build_number       integer NOT NULL,
  run_number         integer NOT NULL,
  result             text NOT NULL,
  commit_hash        text,
  branch             text,
  is_default_branch  boolean NOT NULL,
  pull_request_id    integer,
  created_on         timestamptz NOT NULL,
  completed_on       timestamptz,
  duration_seconds   double precision,
  build_seconds_used double precision,
  deployed           boolean NOT NULL
);
CREATE INDEX pipelines_repository_created ON pipelines (repository_uuid, created_on);
CREATE INDEX pipelines_created ON pipelines (created_on);

CREATE TABLE pipeline_steps (
  pipeline_uuid        uuid NOT NULL,
  step_uuid            uuid NOT NULL,
  run_number           integer NOT NULL,
  repository_uuid      uuid NOT NULL REFERENCES repositories (uuid),
  build_number         integer NOT NULL,
  step_name            text NOT NULL,
  is_rerun             boolean NOT NULL,
  result               text NOT NULL,
  commit_hash          text,
  branch               text,
  is_default_branch    boolean NOT NULL,
  pipeline_created_on  timestamptz NOT NULL,
  started_on           timestamptz,
  completed_on         timestamptz NOT NULL,
  duration_seconds     double precision,
  queue_seconds        double precision,
  build_seconds_used   double precision,
  size_multiplier      double precision NOT NULL,
  category             text,
  cause                text,
  fingerprint          text,
  message              text,
  tests_total          integer,
  tests_successful     integer,
  tests_failed         integer,
  tests_error          integer,
  tests_skipped        integer,
  failed_tests_omitted integer NOT NULL,
  PRIMARY KEY (pipeline_uuid, step_uuid, run_number)
);
CREATE INDEX pipeline_steps_repository_completed ON pipeline_steps (repository_uuid, completed_on);
CREATE INDEX pipeline_steps_completed ON pipeline_steps (completed_on);
-- Failed attempts are a few percent of all: the recurring-failure queries read only these.
CREATE INDEX pipeline_steps_failures ON pipeline_steps (repository_uuid, completed_on) WHERE result <> 'SUCCESSFUL';

CREATE TABLE test_results (
  pipeline_uuid    uuid NOT NULL,
  step_uuid        uuid NOT NULL,
  run_number       integer NOT NULL,
  test_id          text NOT NULL,
  repository_uuid  uuid NOT NULL REFERENCES repositories (uuid),
  step_name        text NOT NULL,
  name             text NOT NULL,
  status           text NOT NULL,
  duration_seconds double precision,
  message          text,
  completed_on     timestamptz NOT NULL,
  PRIMARY KEY (pipeline_uuid, step_uuid, run_number, test_id)
);
CREATE INDEX test_results_repository_completed ON test_results (repository_uuid, completed_on);
CREATE INDEX test_results_test ON test_results (repository_uuid, test_id, completed_on);

CREATE TABLE test_verdicts (
  repository_uuid uuid NOT NULL REFERENCES repositories (uuid),
  test_id         text NOT NULL,
  changed_at      timestamptz NOT NULL,
  classification  text NOT NULL,
  previous        text NOT NULL,
  name            text NOT NULL,
  step_name       text NOT NULL,
  score           double precision NOT NULL,
  evidence        jsonb NOT NULL,
  PRIMARY KEY (repository_uuid, test_id, changed_at, classification)
);
CREATE INDEX test_verdicts_repository_changed ON test_verdicts (repository_uuid, changed_at);

CREATE TABLE optimization_suggestions (
  repository_uuid           uuid NOT NULL REFERENCES repositories (uuid),
  suggestion_id             text NOT NULL,
  kind                      text NOT NULL,
  title                     text NOT NULL,
  detail                    text NOT NULL,
  priority                  text NOT NULL,
  status                    text NOT NULL,
  active                    boolean NOT NULL,
  subject                   text,
  minutes_per_week          double precision,
  build_minutes_per_week    double precision,
  failed_pipelines_per_week double precision,
  first_seen_at             timestamptz NOT NULL,
  updated_at                timestamptz NOT NULL,
  PRIMARY KEY (repository_uuid, suggestion_id)
);

CREATE TABLE suggestion_status_changes (
  repository_uuid uuid NOT NULL REFERENCES repositories (uuid),
  suggestion_id   text NOT NULL,
  changed_at      timestamptz NOT NULL,
  status          text NOT NULL,
  active          boolean NOT NULL,
  changed_by      text,
  PRIMARY KEY (repository_uuid, suggestion_id, changed_at, status, active)
);
CREATE INDEX suggestion_status_changes_changed ON suggestion_status_changes (repository_uuid, changed_at);

CREATE TABLE quarantine_changes (
  repository_uuid uuid NOT NULL REFERENCES repositories (uuid),
  test_id         text NOT NULL,
  changed_at      timestamptz NOT NULL,
  quarantined     boolean NOT NULL,
  name            text NOT NULL,
  changed_by      text,
  PRIMARY KEY (repository_uuid, test_id, changed_at, quarantined)
);

-- Daily roll-ups, recomputed from the rows above for every (repository, day) a batch touches.
CREATE TABLE daily_repository_stats (
  repository_uuid       uuid NOT NULL REFERENCES repositories (uuid),
  day                   date NOT NULL,
  pipelines             integer NOT NULL,
  successful            integer NOT NULL,
  failed                integer NOT NULL,
  stopped               integer NOT NULL,
  duration_seconds_sum  double precision NOT NULL,
  deployments           integer NOT NULL,
  successful_deployments integer NOT NULL,
  infrastructure_failed integer NOT NULL,
  -- Default branch: red runs that began this day and have ended, and the seconds until green again.
  recoveries            integer NOT NULL DEFAULT 0,
  recovery_seconds      double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (repository_uuid, day)
);

CREATE TABLE daily_step_stats (
  repository_uuid      uuid NOT NULL REFERENCES repositories (uuid),
  step_name            text NOT NULL,
  day                  date NOT NULL,
  attempts             integer NOT NULL,
  failed               integer NOT NULL,
  reruns               integer NOT NULL,
  duration_seconds_sum double precision NOT NULL,
  queue_seconds_sum    double precision NOT NULL,
  build_seconds        double precision NOT NULL,
  billed_seconds       double precision NOT NULL,
  PRIMARY KEY (repository_uuid, day, step_name)
);

-- Every batch applied, by id: a redelivered batch is recognised and skipped.
CREATE TABLE export_batches (
  id            text PRIMARY KEY,
  workspace     text NOT NULL,
  created_at    timestamptz NOT NULL,
  applied_at    timestamptz NOT NULL,
  records       integer NOT NULL,
  raw_key       text
);
