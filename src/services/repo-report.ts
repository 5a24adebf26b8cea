/**
 * Builds the insights of one repository (the `RepoReport` of src/contract/insights.ts) from the fixed-size
 * aggregates: the pipeline, failure and step documents, the detector's track and test index per step, and the states
 * of at most MAX_TESTS listed tests. The resolvers ask for it `bounded`, so their reads stay the same whatever the
 * history length (one page of failures, whole-week pipeline counters); the CLI report lists every failed attempt of
 * the window and counts its pipelines exactly from the run records.
 */
import {
  REPORT_SCHEMA_VERSION,
  type EvidenceItem,
  type FailureReport,
  type PipelineHealth,
  type RepoReport,
  type Suggestion,
  type TestReport,
} from '../contract/insights';
import { criticalPath } from '../domain/analysis/critical-path';
import { stepReport } from '../domain/analysis/step-analysis';
import { suggest } from '../domain/analysis/suggestions';
import { testFiguresText } from '../domain/analysis/test-wording';
import type { FailureRecord, FailureStats } from '../domain/failure-stats';
import { emptyFailureStats } from '../domain/failure-stats';
import { decodeTestState } from '../domain/flakiness/test-state';
import { currentView } from '../domain/flakiness/test-view';
import {
  DEFAULT_DETECTOR_CONFIG,
  type DetectorConfig,
  type Evidence,
  type StepTrack,
  type TestState,
} from '../domain/flakiness/types';
import { mergeHistograms, quantile, type Histogram } from '../domain/histogram';
import {
  countPipelines,
  emptyPipelineStats,
  type PipelineCounters,
  type PipelineStats,
  type PipelineWeek,
} from '../domain/pipeline-stats';
import type { PipelineRunRecord } from '../domain/attempt';
import type { StepStats } from '../domain/step-stats';
import { weekOf } from '../domain/time';
import type { FailureCategory, RepoRef } from '../domain/types';
import { decodeTrack } from '../domain/flakiness/track-codec';
import * as keys from '../storage/keys';
import { detectorConfigFor, readWorkspaceSettings, workspaceDetectorConfig } from './settings';
import type { Store } from '../storage/store';
import { allFailures, listFailures } from './failure-list';

/** Tests listed per report: the non-healthy ones first, then the most recently failed. */
export const MAX_TESTS = 200;

export interface ReportOptions {
  workspace: string;
  repo: RepoRef;
  since: Date;
  until: Date;
  /** Scope the tests and failures to one branch. */
  branch?: string;
  detector?: DetectorConfig;
  /** Bitbucket web base for links, e.g. `https://bitbucket.org`. */
  webUrl?: string;
  /**
   * Reads bounded whatever the history, for the app's pages: only the newest `failuresPage` failures (and where the
   * next page starts, `failuresCursor`), and pipeline counts from the weekly buckets (whole weeks). Without it, the
   * CLI report: every failed attempt of the window, and pipelines counted exactly from the run records.
   */
  bounded?: { failuresPage: number };
}

const resultUrl = (o: Pick<ReportOptions, 'webUrl' | 'repo'>, buildNumber: number): string | undefined =>
  o.webUrl && o.repo.fullName ? `${o.webUrl}/${o.repo.fullName}/pipelines/results/${buildNumber}` : undefined;

/**
 * Pipeline health of the window. From the weekly buckets (whole weeks: bounded reads for the app's pages), or, when
 * given, from `exact`: the pipelines created in the window itself, counted from the run records (the CLI report).
 */
function health(
  stats: PipelineStats,
  sinceWeek: string,
  exact?: { counters: PipelineCounters; duration: Histogram },
): PipelineHealth {
  const weeks = stats.weeks.filter((w) => w.week >= sinceWeek);
  const sum = (f: (w: PipelineWeek) => number): number => weeks.reduce((n, w) => n + f(w), 0);
  const c: PipelineCounters = exact?.counters ?? {
    runs: sum((w) => w.runs),
    successful: sum((w) => w.successful),
    failed: sum((w) => w.failed),
    stopped: sum((w) => w.stopped),
    error: sum((w) => w.error),
    expired: sum((w) => w.expired),
    buildSeconds: sum((w) => w.buildSeconds),
    deployments: sum((w) => w.deployments),
    reruns: sum((w) => w.reruns ?? 0),
    rerunAttempts: sum((w) => w.rerunAttempts ?? 0),
  };
  const counts = {
    total: c.runs,
    successful: c.successful,
    failed: c.failed,
    stopped: c.stopped,
    error: c.error,
    expired: c.expired,
    reruns: c.reruns,
    rerunAttempts: c.rerunAttempts,
  };
  const finished = counts.total - counts.stopped;
  const duration = exact?.duration ?? weeks.reduce<Histogram>((h, w) => mergeHistograms(h, w.duration), []);
  const buildMinutes = Math.round(c.buildSeconds / 60);
  const deployments = c.deployments;
  const median = quantile(duration, 0.5);
  const p95 = quantile(duration, 0.95);
  return {
    ...counts,
    ...(finished > 0 ? { successRate: counts.successful / finished } : {}),
    ...(median !== undefined ? { medianDurationSeconds: Math.round(median) } : {}),
    ...(p95 !== undefined ? { p95DurationSeconds: Math.round(p95) } : {}),
    buildMinutes,
    ...(stats.recovery.recoveries > 0
      ? { mttrHours: Math.round((stats.recovery.totalRecoveryHours / stats.recovery.recoveries) * 10) / 10 }
      : {}),
    ...(deployments > 0
      ? { buildMinutesPerSuccessfulDeployment: Math.round(buildMinutes / deployments) }
      : {}),
    weekly: weeks.map((w) => {
      const m = quantile(w.duration, 0.5);
      const fin = w.runs - w.stopped;
      return {
        week: w.week,
        runs: w.runs,
        reruns: w.reruns ?? 0,
        ...(fin > 0 ? { successRate: w.successful / fin } : {}),
        ...(m !== undefined ? { medianDurationSeconds: Math.round(m) } : {}),
        buildMinutes: Math.round(w.buildSeconds / 60),
      };
    }),
  };
}

/** The pipelines created in the window, from every run record kept: the CLI report's exact counts. */
async function windowPipelines(store: Store, o: ReportOptions): Promise<ReturnType<typeof countPipelines>> {
  const runs: PipelineRunRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.query(keys.pipelineRunsOf(o.repo.repoUuid), {
      limit: 100,
      ...(cursor ? { cursor } : {}),
    });
    runs.push(...page.items.map((item) => item.value));
    cursor = page.cursor;
  } while (cursor);
  return countPipelines(runs, o.since.toISOString(), o.until.toISOString());
}

/** A listed failure as the report shows it, with a link to its Bitbucket result page. */
export function failureReport(f: FailureRecord, o: Pick<ReportOptions, 'webUrl' | 'repo'>): FailureReport {
  const url = resultUrl(o, f.pipeline);
  return url ? { ...f, url } : f;
}

/** Every failed attempt of the window, newest first; when bounded, the newest page and where the next starts. */
async function failureList(
  store: Store,
  o: ReportOptions,
): Promise<{ failures: FailureReport[]; failuresCursor?: string }> {
  const repo = o.repo.repoUuid;
  const since = o.since.toISOString();
  const { failures, cursor } = o.bounded
    ? await listFailures(store, repo, { limit: o.bounded.failuresPage, since })
    : { failures: await allFailures(store, repo, since), cursor: undefined };
  const until = o.until.toISOString();
  return {
    failures: failures
      .filter((f) => f.at <= until && (!o.branch || f.branch === o.branch))
      .map((f) => failureReport(f, o)),
    ...(cursor ? { failuresCursor: cursor } : {}),
  };
}

/**
 * Failures by category and the recurring ones. The categories come from the listed failures when the report lists
 * them all (the CLI), else from the weekly buckets (whole weeks).
 */
function failureSection(stats: FailureStats, o: ReportOptions, sinceWeek: string, listed?: FailureReport[]) {
  const since = o.since.toISOString();
  const byCategory = new Map<FailureCategory, number>();
  if (listed) {
    // Every failure of the window is at hand: counted exactly, so the categories add up to `failures`.
    for (const f of listed) byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
  } else {
    for (const w of stats.weeks.filter((x) => x.week >= sinceWeek)) {
      for (const [c, n] of Object.entries(w.byCategory) as [FailureCategory, number][])
        byCategory.set(c, (byCategory.get(c) ?? 0) + n);
    }
  }
  const total = [...byCategory.values()].reduce((a, b) => a + b, 0);
  return {
    failureCategories: [...byCategory.entries()]
      .map(([category, count]) => ({ category, count, share: total ? count / total : 0 }))
      .sort((a, b) => b.count - a.count),
    topFingerprints: stats.fingerprints
      .filter((f) => f.lastSeenAt >= since)
      .slice(0, 20)
      .map((f) => ({
        fingerprint: f.fingerprint,
        category: f.category,
        ...(f.cause ? { cause: f.cause } : {}),
        ...(f.message ? { message: f.message } : {}),
        count: f.count,
        lastSeenAt: f.lastSeenAt,
        examples: f.examples.map((e) => ({
          pipeline: e.buildNumber,
          step: e.step,
          ...(resultUrl(o, e.buildNumber) ? { url: resultUrl(o, e.buildNumber) } : {}),
        })),
      })),
  };
}

const EVIDENCE_TEXT: Record<Evidence['kind'], string> = {
  failed: 'failed',
  'passed-same-commit': 'passed on a commit where it also failed',
  'step-passed-on-rerun': 'step passed when rerun after this test failed',
  'broken-since': 'started failing on every run',
  fixed: 'passed again after a broken run',
  'flaky-since': 'started failing intermittently',
};
const EVIDENCE_KIND: Record<Evidence['kind'], EvidenceItem['kind']> = {
  failed: 'failure',
  'passed-same-commit': 'same-commit',
  'step-passed-on-rerun': 'rerun-passed',
  'broken-since': 'broken-start',
  fixed: 'fixed',
  'flaky-since': 'failure',
};

function evidenceItems(list: Evidence[], o: ReportOptions): EvidenceItem[] {
  return list.map((e) => ({
    kind: EVIDENCE_KIND[e.kind],
    detail: `${EVIDENCE_TEXT[e.kind]}: pipeline #${e.buildNumber}, attempt ${e.runNumber}, commit ${e.commit.slice(0, 12)}`,
    commit: e.commit,
    pipeline: e.buildNumber,
    pipelineUuid: e.pipelineUuid,
    attempt: e.runNumber,
    at: e.at,
    ...(resultUrl(o, e.buildNumber) ? { url: resultUrl(o, e.buildNumber) } : {}),
  }));
}

function testReport(
  state: TestState,
  track: StepTrack,
  stepName: string,
  quarantined: Set<string>,
  o: ReportOptions,
): TestReport {
  const config = o.detector ?? DEFAULT_DETECTOR_CONFIG;
  const scope =
    o.branch && o.repo.defaultBranch && o.branch === o.repo.defaultBranch ? 'default' : config.scope;
  const view = currentView(track, state, config, scope);
  const onDefault = scope === 'default' ? view : currentView(track, state, config, 'default');
  const ref = (r: { commit: string; buildNumber: number; at: string } | undefined) =>
    r ? { commit: r.commit, pipeline: r.buildNumber, at: r.at } : undefined;
  const figures = {
    classification: view.label,
    failureRate: round3(view.failureRate),
    confidence: round3(view.confidence),
    runs: view.runs,
    failures: view.failures,
    ...(view.brokenSince ? { brokenSince: ref(view.brokenSince) } : {}),
  };
  const evidence = evidenceItems(view.evidence, o);
  evidence.push({ kind: 'score', detail: testFiguresText(figures) });
  return {
    id: state.id,
    name: state.name,
    step: stepName,
    ...figures,
    quarantined: quarantined.has(state.id),
    flakinessScore: round3(view.score),
    onDefaultBranch: { runs: onDefault.runs, failures: onDefault.failures },
    ...(view.brokenOnBranches.length ? { brokenOnBranches: view.brokenOnBranches } : {}),
    ...(view.lastFailureAt ? { lastFailureAt: view.lastFailureAt } : {}),
    ...(view.flakySince ? { flakySince: ref(view.flakySince) } : {}),
    ...(view.fixedAt ? { fixedAt: view.fixedAt.at } : {}),
    evidence,
  };
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

async function loadTests(
  store: Store,
  o: ReportOptions,
  steps: { id: string; name: string }[],
  quarantined: Set<string>,
  limit = MAX_TESTS,
): Promise<TestReport[]> {
  const repo = o.repo.repoUuid;
  const tracks = await store.getDocs(steps.map((s) => keys.stepTrack(repo, s.name)));
  const indexes = await store.getDocs(steps.map((s) => keys.testIndex(repo, s.name)));
  const candidates: { id: string; step: string; lastFailureAt?: string; interesting: boolean }[] = [];
  for (const s of steps) {
    for (const t of indexes.get(keys.testIndex(repo, s.name))?.value.tests ?? []) {
      candidates.push({
        id: t.id,
        step: s.name,
        lastFailureAt: t.lastFailureAt,
        interesting: t.label !== 'healthy' || quarantined.has(t.id),
      });
    }
  }
  const since = o.since.toISOString();
  const chosen = candidates
    .filter((c) => c.interesting || (c.lastFailureAt ?? '') >= since)
    .sort(
      (a, b) =>
        Number(b.interesting) - Number(a.interesting) ||
        (b.lastFailureAt ?? '').localeCompare(a.lastFailureAt ?? ''),
    )
    .slice(0, limit);
  const out: TestReport[] = [];
  for (let i = 0; i < chosen.length; i += 25) {
    const batch = chosen.slice(i, i + 25);
    const states = await store.getDocs(batch.map((c) => keys.testState(repo, c.id)));
    for (const c of batch) {
      const stored = states.get(keys.testState(repo, c.id))?.value;
      const state = stored ? decodeTestState(stored) : undefined;
      const track = decodeTrack(tracks.get(keys.stepTrack(repo, c.step))?.value);
      if (state && track) out.push(testReport(state, track, c.step, quarantined, o));
    }
  }
  const order = { broken: 0, flaky: 1, fixed: 2, healthy: 3 };
  // Tests that failed in the window stay listed even when healthy now; healthy ones that did not are dropped.
  return out
    .filter((t) => t.classification !== 'healthy' || (t.lastFailureAt ?? '') >= since || t.quarantined)
    .sort((a, b) => order[a.classification] - order[b.classification] || b.flakinessScore - a.flakinessScore);
}

/**
 * Every test the detector indexes, with its verdict exactly as the report shows it (label, since, evidence): what
 * the history export compares with what it exported last. Not capped at MAX_TESTS, not limited to a window.
 */
export async function listTestVerdicts(
  store: Store,
  o: Omit<ReportOptions, 'since' | 'until'>,
): Promise<TestReport[]> {
  const repo = o.repo.repoUuid;
  const [catalogDoc, quarantineDoc] = await Promise.all([
    store.getDoc(keys.stepCatalog(repo)),
    store.getDoc(keys.quarantine(repo)),
  ]);
  const quarantined = new Set((quarantineDoc?.value.tests ?? []).map((t) => t.id));
  const detector = o.detector ?? (await workspaceDetectorConfig(store, o.workspace));
  const all = { ...o, detector, since: new Date(0), until: new Date(0) };
  return loadTests(store, all, catalogDoc?.value.steps ?? [], quarantined, Number.POSITIVE_INFINITY);
}

export async function buildRepoReport(store: Store, options: ReportOptions): Promise<RepoReport> {
  // Labels follow the workspace's thresholds and branch scope unless the caller fixes a configuration.
  const o: ReportOptions = {
    ...options,
    detector: options.detector ?? detectorConfigFor(await readWorkspaceSettings(store, options.workspace)),
  };
  const repo = o.repo.repoUuid;
  const sinceWeek = weekOf(o.since.toISOString());
  const [pipelineDoc, failureDoc, catalogDoc, quarantineDoc, configEntry] = await Promise.all([
    store.getDoc(keys.pipelineStats(repo)),
    store.getDoc(keys.failureStats(repo)),
    store.getDoc(keys.stepCatalog(repo)),
    store.getDoc(keys.quarantine(repo)),
    store.get(keys.pipelinesConfig(repo)),
  ]);
  const pipelineStats = pipelineDoc?.value ?? emptyPipelineStats();
  const failureStats = failureDoc?.value ?? emptyFailureStats();
  const steps = catalogDoc?.value.steps ?? [];
  const stepDocs = await store.getDocs(steps.map((s) => keys.stepStats(repo, s.name)));
  const stepStats = steps
    .map((s) => stepDocs.get(keys.stepStats(repo, s.name))?.value)
    .filter((s): s is StepStats => !!s);
  const stepReports = stepStats.map((s) => stepReport(s, sinceWeek)).filter((s) => s.runs > 0);
  const quarantined = new Set((quarantineDoc?.value.tests ?? []).map((t) => t.id));
  const tests = await loadTests(store, o, steps, quarantined);
  const listed = await failureList(store, o);
  const failures = failureSection(failureStats, o, sinceWeek, o.bounded ? undefined : listed.failures);
  const weeks = Math.max(1, (o.until.getTime() - o.since.getTime()) / (7 * 86_400_000));
  const suggestions = await withStatuses(
    store,
    repo,
    suggest({
      steps: stepReports,
      stepStats,
      tests,
      failures: failureStats,
      weeks,
      config: configEntry?.config,
      defaultBranch: o.repo.defaultBranch,
    }),
  );
  const path = pipelineStats.latestRun ? criticalPath(pipelineStats.latestRun) : undefined;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: o.until.toISOString(),
    workspace: o.workspace,
    repository: {
      slug: o.repo.repoSlug,
      uuid: repo,
      ...(o.repo.fullName ? { fullName: o.repo.fullName } : {}),
      ...(o.repo.defaultBranch ? { defaultBranch: o.repo.defaultBranch } : {}),
    },
    window: {
      since: o.since.toISOString(),
      until: o.until.toISOString(),
      ...(o.branch ? { branch: o.branch } : {}),
      branches: pipelineStats.branches,
    },
    pipelines: health(pipelineStats, sinceWeek, o.bounded ? undefined : await windowPipelines(store, o)),
    steps: stepReports,
    ...listed,
    ...failures,
    tests,
    suggestions,
    ...(path ? { criticalPath: path } : {}),
    ingestion: {
      ...(pipelineStats.lastRecordedAt ? { lastRecordedAt: pipelineStats.lastRecordedAt } : {}),
      attempts: stepStats.reduce((n, s) => n + s.runs, 0),
    },
  };
}

/** What people set on these suggestions (status, Jira link), by suggestion id: one batch read per 25. */
export async function suggestionStates(
  store: Store,
  repo: string,
  ids: string[],
): Promise<Map<string, keys.SuggestionState>> {
  const states = new Map<string, keys.SuggestionState>();
  for (let i = 0; i < ids.length; i += 25) {
    const batch = ids.slice(i, i + 25);
    const docs = await store.getDocs(batch.map((id) => keys.suggestionState(repo, id)));
    for (const id of batch) {
      const found = docs.get(keys.suggestionState(repo, id));
      if (found) states.set(id, found.value);
    }
  }
  return states;
}

/** A status a person set (and a Jira link) survives recomputation: suggestions have stable ids. */
async function withStatuses(store: Store, repo: string, suggestions: Suggestion[]): Promise<Suggestion[]> {
  const states = await suggestionStates(
    store,
    repo,
    suggestions.map((s) => s.id),
  );
  return suggestions.map((s) => {
    const st = states.get(s.id);
    return st
      ? {
          ...s,
          status: st.status,
          ...(st.jiraIssueKey ? { jiraIssueKey: st.jiraIssueKey } : {}),
          ...(st.jiraIssueUrl ? { jiraIssueUrl: st.jiraIssueUrl } : {}),
        }
      : s;
  });
}
