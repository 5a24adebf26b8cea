/** Workspace-admin resolvers: the settings page, its saves, and starting a backfill. */
import type { AdminPage, BackfillStatus, RepoHealthRow } from '../../contract/resolvers';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../../contract/settings';
import { daysAgo, weekOf } from '../../domain/time';
import type { RepoRef } from '../../domain/types';
import * as keys from '../../storage/keys';
import { isStale, publicBackfillStatus } from '../backfill';
import { commitWithRetry, updateDoc } from '../commit-with-retry';
import { ingestionProblems } from '../ingestion-problems';
import { applyEdits } from '../settings';
import { ResolverError } from './errors';
import type { ResolverDeps } from './deps';
import { readSettings, REPORT_WINDOW_DAYS } from './repo-actions';
import { getHistoryExport } from './history-export';
import { jiraSettingsOf } from './jira-issue';

const IDLE: BackfillStatus = { state: 'idle', reposDone: 0, reposTotal: 0, pipelinesQueued: 0 };

export async function adminPage(deps: ResolverDeps): Promise<AdminPage> {
  const settings = await readSettings(deps);
  const repos = await workspaceRepositories(deps);
  const problems = await ingestionProblems(deps.store, deps.workspace);
  const rows: RepoHealthRow[] = [];
  for (const repo of repos) {
    const row = await healthRow(deps, repo, settings);
    const mine = problems.get(repo.repoUuid);
    rows.push(mine ? { ...row, ingestionProblems: mine } : row);
  }
  const backfill = await deps.store.getDoc(keys.backfill(deps.workspace));
  const counts = backfill ? await backfillCounts(deps, repos) : [];
  return {
    settings,
    jiraTokenSet: await jiraTokenSet(deps, settings),
    repos: rows,
    backfill: backfill ? publicBackfillStatus(backfill.value, deps.now(), counts) : IDLE,
    ...(deps.historyExport ? { historyExport: await getHistoryExport(deps) } : {}),
  };
}

/** Each repository's count of backfilled pipelines (one batch read per 25 repositories). */
async function backfillCounts(deps: ResolverDeps, repos: RepoRef[]): Promise<keys.BackfillCount[]> {
  const out: keys.BackfillCount[] = [];
  for (let i = 0; i < repos.length; i += 25) {
    const docs = await deps.store.getDocs(repos.slice(i, i + 25).map((r) => keys.backfillCount(r.repoUuid)));
    for (const d of docs.values()) out.push(d.value);
  }
  return out;
}

async function healthRow(
  deps: ResolverDeps,
  repo: RepoRef,
  settings: WorkspaceSettings,
): Promise<RepoHealthRow> {
  const sinceWeek = weekOf(daysAgo(deps.now(), REPORT_WINDOW_DAYS).toISOString());
  const [stats, catalog, refusal] = await Promise.all([
    deps.store.getDoc(keys.pipelineStats(repo.repoUuid)),
    deps.store.getDoc(keys.stepCatalog(repo.repoUuid)),
    deps.store.get(keys.insightsRefusal(repo.repoUuid)),
  ]);
  const steps = catalog?.value.steps ?? [];
  let flakyTests = 0;
  let brokenTests = 0;
  for (let i = 0; i < steps.length; i += 25) {
    const indexes = await deps.store.getDocs(
      steps.slice(i, i + 25).map((s) => keys.testIndex(repo.repoUuid, s.name)),
    );
    for (const d of indexes.values()) {
      flakyTests += d.value.tests.filter((t) => t.label === 'flaky').length;
      brokenTests += d.value.tests.filter((t) => t.label === 'broken').length;
    }
  }
  const weeks = (stats?.value.weeks ?? []).filter((w) => w.week >= sinceWeek);
  const runs = weeks.reduce((n, w) => n + w.runs, 0);
  const finished = runs - weeks.reduce((n, w) => n + w.stopped, 0);
  const successful = weeks.reduce((n, w) => n + w.successful, 0);
  return {
    repoUuid: repo.repoUuid,
    slug: repo.repoSlug,
    monitored: settings.monitoredRepos.length === 0 || settings.monitoredRepos.includes(repo.repoUuid),
    pipelines: runs,
    ...(finished > 0 ? { successRate: successful / finished } : {}),
    flakyTests,
    brokenTests,
    buildMinutes: Math.round(weeks.reduce((n, w) => n + w.buildSeconds, 0) / 60),
    ...(stats?.value.lastRecordedAt ? { lastRecordedAt: stats.value.lastRecordedAt } : {}),
    ...(refusal ? { codeInsightsRefused: refusal } : {}),
  };
}

/**
 * Saves the fields the form changed from what it was given (`base`) over what is stored now, so a form loaded before
 * another admin's save does not revert it. The Jira connection is saved only by saveJiraConnection: a settings save
 * keeps the stored one.
 */
export async function saveSettings(
  deps: ResolverDeps,
  p: { settings: WorkspaceSettings; base: WorkspaceSettings },
): Promise<WorkspaceSettings> {
  const { jira: _edited, ...edited } = p.settings;
  const { jira: _base, ...base } = p.base;
  const saved = await updateDoc(deps.store, keys.settings(deps.workspace), (current) =>
    applyEdits({ ...DEFAULT_SETTINGS, ...current }, base, edited),
  );
  return { ...DEFAULT_SETTINGS, ...saved };
}

export async function saveJiraConnection(
  deps: ResolverDeps,
  p: { site: string; projectKey: string; email: string; apiToken?: string; issueType?: string },
): Promise<{ jiraTokenSet: boolean }> {
  const jira = {
    site: p.site,
    projectKey: p.projectKey,
    email: p.email,
    ...(p.issueType ? { issueType: p.issueType } : {}),
  };
  await updateDoc(deps.store, keys.settings(deps.workspace), (current) => ({
    ...DEFAULT_SETTINGS,
    ...current,
    jira,
  }));
  // The token belongs to this site and account: a new one is saved for them, and one saved for another site or
  // account is forgotten rather than sent to this one.
  const connection = { site: p.site, email: p.email };
  if (p.apiToken) await deps.jira.saveToken(connection, p.apiToken);
  else await deps.jira.keepTokenOnlyFor(connection);
  return { jiraTokenSet: await deps.jira.isConfigured(connection) };
}

async function jiraTokenSet(deps: ResolverDeps, settings: WorkspaceSettings): Promise<boolean> {
  const { site, email } = jiraSettingsOf(deps, settings);
  return site !== undefined && email !== undefined && (await deps.jira.isConfigured({ site, email }));
}

export async function startBackfill(deps: ResolverDeps, days: number): Promise<BackfillStatus> {
  const queue = deps.queueBackfill;
  if (!queue) {
    throw new ResolverError(
      'not-configured',
      'Here a backfill runs from the command line: pipeline-insights sync --workspace <slug> --since <date>.',
    );
  }
  const docKey = keys.backfill(deps.workspace);
  const startedAt = deps.now().toISOString();
  let running: BackfillStatus | undefined;
  const counts = await backfillCounts(deps, await workspaceRepositories(deps));
  const claimed = await commitWithRetry(deps.store, async () => {
    const current = await deps.store.getDoc(docKey);
    if (current?.value.state === 'running' && !isStale(current.value, deps.now(), counts)) {
      running = publicBackfillStatus(current.value, deps.now(), counts);
      return undefined;
    }
    const status: BackfillStatus = {
      state: 'running',
      days,
      reposDone: 0,
      reposTotal: 0,
      pipelinesQueued: 0,
      startedAt,
      message: 'listing repositories',
    };
    return [{ kind: 'put', key: docKey, value: status, expectedVersion: current?.version ?? 0 }];
  });
  // Only the call that claimed the status queues, so a double click starts one backfill.
  if (!claimed) return running ?? IDLE;
  try {
    return await queue(days, startedAt);
  } catch (error) {
    const current = await deps.store.getDoc(docKey);
    const failed: BackfillStatus = {
      state: 'failed',
      days,
      reposDone: 0,
      reposTotal: 0,
      pipelinesQueued: 0,
      startedAt,
      finishedAt: deps.now().toISOString(),
      message: 'the backfill could not be queued; try again',
    };
    if (current?.value.startedAt === startedAt)
      await deps.store.commit([
        { kind: 'put', key: docKey, value: failed, expectedVersion: current.version },
      ]);
    throw error;
  }
}

/** Repositories recorded by sweeps (one page per 100). */
async function workspaceRepositories(deps: ResolverDeps): Promise<RepoRef[]> {
  const out: RepoRef[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.query(keys.repositoriesOf(deps.workspace), { limit: 100, cursor });
    out.push(...page.items.map((i) => i.value));
    cursor = page.cursor;
  } while (cursor);
  return out;
}
