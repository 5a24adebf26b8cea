/**
 * Alerts are events, not logs (DESIGN.md §6): each is keyed by what happened ("test X broken on main since pipeline
 * N"), and a key already handed to a channel is not sent again. They are derived from the stored verdicts and
 * aggregates as they are now, never from catching a transition live, so a missed hour loses nothing: the next run
 * derives the same events and sends only the new keys.
 *
 * - broken: a test broken on the default branch (since a pipeline in the last ALERT_LOOKBACK_DAYS);
 * - flaky: a test that turned flaky (its flaky regime began in the last ALERT_LOOKBACK_DAYS);
 * - regression: a step whose recent weeks run slower than its baseline;
 * - ingestion: the hourly sweep of a repository has not run for STALLED_HOURS, or the API budget was spent;
 * - build-minutes: this week's build minutes, all repositories together, above the workspace's threshold.
 * Quarantined tests stay out: the team already decided about them.
 */
import type { AlertKind, NotificationSettings } from '../../contract/gates';
import type { ChatMessage } from '../../chat/message';
import { stepReport } from '../../domain/analysis/step-analysis';
import type { AttemptRef } from '../../domain/flakiness/types';
import { daysAgo, weekOf } from '../../domain/time';
import type { RepoRef } from '../../domain/types';
import { DEFAULT_LIMIT_PER_HOUR, hourIso } from '../../bitbucket/budget';
import { duration } from '../../report/format';
import * as keys from '../../storage/keys';
import type { Store } from '../../storage/store';
import { repoVerdicts, type TestVerdict } from '../verdicts';
import { workspaceDetectorConfig } from '../settings';

export const ALERT_LOOKBACK_DAYS = 7;
export const STALLED_HOURS = 3;
/** At most this many alerts per run; the rest go out with the next run (their keys are not claimed yet). */
export const MAX_ALERTS_PER_RUN = 20;

export interface AlertEvent {
  key: string;
  kind: AlertKind;
  message: ChatMessage;
}

export interface AlertScope {
  /** The workspace key (slug locally, UUID on Forge). */
  workspace: string;
  repos: RepoRef[];
  settings: NotificationSettings;
  now: Date;
  webUrl?: string;
}

const ORDER: Record<AlertKind, number> = {
  broken: 0,
  ingestion: 1,
  flaky: 2,
  regression: 3,
  'build-minutes': 4,
};

const resultUrl = (s: AlertScope, repo: RepoRef, build: number): { text: string; url: string }[] =>
  repo.fullName
    ? [
        {
          text: `Pipeline #${build}`,
          url: `${s.webUrl ?? 'https://bitbucket.org'}/${repo.fullName}/pipelines/results/${build}`,
        },
      ]
    : [];

function testAlert(
  s: AlertScope,
  repo: RepoRef,
  v: TestVerdict,
  kind: 'broken' | 'flaky',
  since: AttemptRef,
): AlertEvent {
  const branch = repo.defaultBranch ?? 'the default branch';
  const what =
    kind === 'broken'
      ? `test broken on ${branch} since pipeline #${since.buildNumber}`
      : `test turned flaky at pipeline #${since.buildNumber}`;
  return {
    key: `${kind}:${repo.repoUuid}:${v.testId}:${since.pipelineUuid}:${since.runNumber}`,
    kind,
    message: {
      title: `${repo.repoSlug}: ${what}`,
      sections: [{ lines: [v.name, `Step: ${v.step}`] }],
      links: resultUrl(s, repo, since.buildNumber),
      footer:
        kind === 'broken'
          ? 'It fails on every run since. Quarantine it or fix it first.'
          : 'It fails sometimes and passes on rerun of the same commit.',
    },
  };
}

async function testAlerts(store: Store, s: AlertScope, repo: RepoRef): Promise<AlertEvent[]> {
  const since = daysAgo(s.now, ALERT_LOOKBACK_DAYS).toISOString();
  const out: AlertEvent[] = [];
  for (const v of await repoVerdicts(store, repo, await workspaceDetectorConfig(store, s.workspace))) {
    if (v.quarantined) continue;
    for (const kind of ['broken', 'flaky'] as const) {
      const start = kind === 'broken' ? v.brokenSince : v.flakySince;
      if (s.settings.alerts.includes(kind) && v.label === kind && start && start.at >= since)
        out.push(testAlert(s, repo, v, kind, start));
    }
  }
  return out;
}

async function regressionAlerts(store: Store, s: AlertScope, repo: RepoRef): Promise<AlertEvent[]> {
  const catalog = await store.getDoc(keys.stepCatalog(repo.repoUuid));
  const steps = catalog?.value.steps ?? [];
  const out: AlertEvent[] = [];
  for (let i = 0; i < steps.length; i += 25) {
    const docs = await store.getDocs(
      steps.slice(i, i + 25).map((st) => keys.stepStats(repo.repoUuid, st.name)),
    );
    for (const d of docs.values()) {
      const g = stepReport(d.value).regression;
      if (!g) continue;
      const since =
        g.since ??
        (g.firstAffectedPipeline !== undefined ? `#${g.firstAffectedPipeline}` : weekOf(s.now.toISOString()));
      out.push({
        key: `regression:${repo.repoUuid}:${keys.nameId(d.value.stepName)}:${since}`,
        kind: 'regression',
        message: {
          title: `${repo.repoSlug}: step "${d.value.stepName}" runs ${(g.change * 100).toFixed(0)}% slower`,
          sections: [
            {
              facts: [
                { title: 'Median before', value: duration(g.baselineP50Seconds) },
                { title: 'Median now', value: duration(g.recentP50Seconds) },
              ],
              lines: [],
            },
          ],
          links: g.firstAffectedPipeline !== undefined ? resultUrl(s, repo, g.firstAffectedPipeline) : [],
        },
      });
    }
  }
  return out;
}

async function ingestionAlerts(store: Store, s: AlertScope): Promise<AlertEvent[]> {
  const out: AlertEvent[] = [];
  const stalledBefore = s.now.getTime() - STALLED_HOURS * 3_600_000;
  const states = new Map<string, keys.ReconcileState>();
  for (let i = 0; i < s.repos.length; i += 25) {
    for (const [k, v] of await store.getMany(
      s.repos.slice(i, i + 25).map((r) => keys.reconcileState(r.repoUuid)),
    ))
      states.set(k, v);
  }
  for (const repo of s.repos) {
    const last = states.get(keys.reconcileState(repo.repoUuid))?.lastSweepAt;
    if (!last || Date.parse(last) >= stalledBefore) continue;
    out.push({
      key: `stalled:${repo.repoUuid}:${last}`,
      kind: 'ingestion',
      message: {
        title: `${repo.repoSlug}: no pipelines ingested since ${last.slice(0, 16).replace('T', ' ')} UTC`,
        sections: [
          {
            lines: [
              `The hourly sweep has not run for ${STALLED_HOURS} hours or more: the insights of ${repo.repoSlug} are getting old.`,
            ],
          },
        ],
      },
    });
  }
  for (const hoursBack of [1, 0]) {
    const hour = hourIso(s.now.getTime() - hoursBack * 3_600_000);
    const budget = await store.getDoc(keys.apiBudget(s.workspace, hour));
    if (!budget || budget.value.reserved < DEFAULT_LIMIT_PER_HOUR) continue;
    out.push({
      key: `budget:${hour.slice(0, 10)}`,
      kind: 'ingestion',
      message: {
        title: `Bitbucket API budget spent at ${hour.slice(11)}:00 UTC`,
        sections: [
          {
            lines: [
              `All ${DEFAULT_LIMIT_PER_HOUR} calls of the hour were used: ingestion waits for the next hour and catches up.`,
            ],
          },
        ],
      },
    });
    break;
  }
  return out;
}

async function buildMinutesAlert(store: Store, s: AlertScope): Promise<AlertEvent[]> {
  const week = weekOf(s.now.toISOString());
  let seconds = 0;
  for (let i = 0; i < s.repos.length; i += 25) {
    const docs = await store.getDocs(s.repos.slice(i, i + 25).map((r) => keys.pipelineStats(r.repoUuid)));
    for (const d of docs.values()) seconds += d.value.weeks.find((w) => w.week === week)?.buildSeconds ?? 0;
  }
  const minutes = Math.round(seconds / 60);
  if (minutes <= s.settings.buildMinutesPerWeek) return [];
  return [
    {
      key: `minutes:${week}`,
      kind: 'build-minutes',
      message: {
        title: `${minutes} build minutes this week, above the ${s.settings.buildMinutesPerWeek} set for the workspace`,
        sections: [{ lines: [`Week of ${week}, all monitored repositories together.`] }],
      },
    },
  ];
}

/** Every alert the stored state shows now, most urgent first (not yet filtered by what was sent). */
export async function deriveAlerts(store: Store, s: AlertScope): Promise<AlertEvent[]> {
  const on = (k: AlertKind): boolean => s.settings.alerts.includes(k);
  const out: AlertEvent[] = [];
  for (const repo of s.repos) {
    if (on('broken') || on('flaky')) out.push(...(await testAlerts(store, s, repo)));
    if (on('regression')) out.push(...(await regressionAlerts(store, s, repo)));
  }
  if (on('ingestion')) out.push(...(await ingestionAlerts(store, s)));
  if (on('build-minutes')) out.push(...(await buildMinutesAlert(store, s)));
  return out.sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.key.localeCompare(b.key));
}
