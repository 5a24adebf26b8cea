/**
 * Code Insights: after a pull request's pipeline is recorded, a `TEST` report on its commit says which failures are
 * the PR's ("3 failures: 2 known flaky, 1 new"), with an annotation per failing test. It is built from the same
 * verdicts as the PR panel, so the two never disagree.
 *
 * Cost: 1 call for the report + 1 per 100 annotations, and 1 more to delete the previous report of the commit when
 * it had annotations (a rerun must not leave the annotation of a test that now passes). Only for completed PR
 * pipelines that finished within REPORT_WINDOW_HOURS: a backfill of last month does not spend the budget on reports
 * nobody will read.
 */
import type { PrFailingTest, PrPanel, PrVerdict } from '../contract/resolvers';
import type { DetectorConfig } from '../domain/flakiness/types';
import { escapeControls, fitText } from '../domain/test-identity';
import type { Pipeline, RepoRef } from '../domain/types';
import * as keys from '../storage/keys';
import type { ServiceContext } from './context';
import { judgeJobError } from './job-errors';
import { pullRequestPanel } from './resolvers/pr-panel';

export const REPORT_ID = 'pipeline-insights-tests';
export const REPORT_WINDOW_HOURS = 24;
const MAX_ANNOTATIONS = 1000;
/**
 * Bitbucket refuses longer fields with a 400 ("The summary field cannot contain more than 450 characters", "The
 * details field cannot contain more than 2000 characters"), seen in
 * https://github.com/reviewdog/reviewdog/issues/1285 and https://github.com/saibotsivad/bpr-npm-audit/pull/3.
 */
export const MAX_SUMMARY = 450;
export const MAX_DETAILS = 2000;
const WEB_URL = 'https://bitbucket.org';

export type InsightsResult =
  | { kind: 'published'; annotations: number; result: ReportResult }
  | { kind: 'skipped'; why: string }
  | { kind: 'refused'; why: string };
export type ReportResult = 'PASSED' | 'FAILED';

export interface CodeInsightsReport {
  report: {
    title: string;
    details: string;
    report_type: 'TEST';
    reporter: string;
    result: ReportResult;
    link?: string;
    data: {
      title: string;
      type: 'NUMBER' | 'LINK' | 'TEXT';
      value: number | string | { text: string; href: string };
    }[];
  };
  annotations: Annotation[];
}

export interface Annotation {
  external_id: string;
  annotation_type: 'BUG';
  summary: string;
  details: string;
  result: 'FAILED' | 'IGNORED' | 'PASSED';
  severity: 'HIGH' | 'MEDIUM' | 'LOW';
  link?: string;
}

const VERDICT_TEXT: Record<PrVerdict, string> = {
  new: 'new',
  'known-flaky': 'known flaky',
  quarantined: 'quarantined',
  'broken-on-default': 'broken on the default branch',
};
const VERDICT_ORDER: PrVerdict[] = ['new', 'broken-on-default', 'known-flaky', 'quarantined'];

/** Publishes the report of a just-recorded PR pipeline. Errors Bitbucket answers for good (no permission, a bad
 * request) are logged and returned as `refused`, so they never block ingestion; rate limits and the unexpected are
 * rethrown, and the job is retried. */
export async function publishCodeInsights(
  ctx: ServiceContext,
  repo: RepoRef,
  pipeline: Pipeline,
  detector?: DetectorConfig,
): Promise<InsightsResult> {
  const pullRequestId = pipeline.target.pullRequestId;
  const commit = pipeline.target.commit;
  if (pullRequestId === undefined || !commit) return { kind: 'skipped', why: 'not a pull-request pipeline' };
  if (pipeline.status !== 'COMPLETED') return { kind: 'skipped', why: 'pipeline still running' };
  const finished = Date.parse(pipeline.completedOn ?? pipeline.createdOn);
  if (ctx.now().getTime() - finished > REPORT_WINDOW_HOURS * 3_600_000)
    return { kind: 'skipped', why: 'finished too long ago' };
  const panel = await pullRequestPanel(ctx.store, repo, pullRequestId, detector);
  if (panel.commit !== commit) return { kind: 'skipped', why: 'not the newest commit of the pull request' };
  const built = buildReport(repo, panel, pipeline.buildNumber);
  const markKey = keys.publishedReport(repo.repoUuid, commit);
  try {
    const prior = await ctx.store.get(markKey);
    if (prior && prior.annotations > 0) await ctx.client.deleteCommitReport(repo, commit, REPORT_ID);
    await ctx.client.putCommitReport(repo, commit, REPORT_ID, built.report);
    if (built.annotations.length)
      await ctx.client.postReportAnnotations(repo, commit, REPORT_ID, built.annotations);
  } catch (error) {
    if (judgeJobError(error).kind !== 'final') throw error;
    const why = (error as Error).message;
    ctx.log.warn(
      `Code Insights report on ${commit.slice(0, 12)} of ${repo.fullName ?? repo.repoSlug} refused: ${why}`,
    );
    await ctx.store.set(keys.insightsRefusal(repo.repoUuid), {
      at: ctx.now().toISOString(),
      why: why.slice(0, 300),
    });
    return { kind: 'refused', why };
  }
  if (await ctx.store.get(keys.insightsRefusal(repo.repoUuid)))
    await ctx.store.delete(keys.insightsRefusal(repo.repoUuid));
  await ctx.store.set(
    markKey,
    { at: ctx.now().toISOString(), buildNumber: pipeline.buildNumber, annotations: built.annotations.length },
    { ttlSeconds: 30 * 86_400 },
  );
  return { kind: 'published', annotations: built.annotations.length, result: built.report.result };
}

/** The report and its annotations, from the PR panel's verdicts (pure: tested without a server). */
export function buildReport(repo: RepoRef, panel: PrPanel, buildNumber: number): CodeInsightsReport {
  const link = repo.fullName ? `${WEB_URL}/${repo.fullName}/pipelines/results/${buildNumber}` : undefined;
  const failing = [...panel.failingTests].sort(
    (a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict),
  );
  const count = (v: PrVerdict): number => failing.filter((t) => t.verdict === v).length;
  const unexplained =
    count('new') +
    panel.unnamedFailures +
    panel.otherFailures.filter((f) => f.category !== 'infrastructure').length;
  const data: CodeInsightsReport['report']['data'] = [
    { title: 'Failed tests', type: 'NUMBER', value: failing.length + panel.unnamedFailures },
    { title: 'New (likely this pull request)', type: 'NUMBER', value: count('new') },
    { title: 'Known flaky', type: 'NUMBER', value: count('known-flaky') },
    { title: 'Quarantined', type: 'NUMBER', value: count('quarantined') },
    { title: 'Broken on the default branch', type: 'NUMBER', value: count('broken-on-default') },
  ];
  if (panel.flakyHits.length)
    data.push({ title: 'Flaky tests hit, passed on rerun', type: 'NUMBER', value: panel.flakyHits.length });
  if (link) data.push({ title: 'Pipeline', type: 'LINK', value: { text: `#${buildNumber}`, href: link } });
  const annotations = [
    ...failing.map((t) => annotationOf(t, link, false)),
    ...panel.flakyHits.map((t) => annotationOf(t, link, true)),
  ].slice(0, MAX_ANNOTATIONS);
  return {
    report: {
      title: 'Pipeline Insights: test failures',
      details: clip(detailsLine(panel, failing), MAX_DETAILS),
      report_type: 'TEST',
      reporter: 'Pipeline Insights',
      result: unexplained > 0 ? 'FAILED' : 'PASSED',
      ...(link ? { link } : {}),
      data,
    },
    annotations,
  };
}

/** "3 failures: 2 known flaky, 1 new", or why there are none. */
export function detailsLine(panel: PrPanel, failing: PrFailingTest[]): string {
  const parts = VERDICT_ORDER.map((v) => [v, failing.filter((t) => t.verdict === v).length] as const)
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${VERDICT_TEXT[v]}`);
  if (panel.unnamedFailures) parts.push(`${panel.unnamedFailures} more not named`);
  const total = failing.length + panel.unnamedFailures;
  const sentences: string[] = [];
  if (total) sentences.push(`${total} ${total === 1 ? 'failure' : 'failures'}: ${parts.join(', ')}.`);
  for (const f of panel.otherFailures)
    sentences.push(
      sentence(`Step "${plain(f.step)}" failed (${f.category})${f.message ? `: ${plain(f.message)}` : ''}`),
    );
  if (!sentences.length) {
    sentences.push('All tests passed.');
    if (panel.flakyHits.length) {
      const n = panel.flakyHits.length;
      sentences.push(`${n} known flaky ${n === 1 ? 'test' : 'tests'} failed and passed on rerun.`);
    }
  }
  return sentences.join(' ');
}

/**
 * The test's name verbatim: cut only where the summary's 450 characters end, with the cut marked; the details start
 * with the whole name (Bitbucket keeps at most 2,000 characters of a name, so it fits unless it has all of them).
 */
function annotationOf(t: PrFailingTest, link: string | undefined, hit: boolean): Annotation {
  const label = hit ? 'flaky, passed on rerun' : VERDICT_TEXT[t.verdict];
  const evidence = t.evidence.map((e) => e.detail).join('; ');
  const name = escapeControls(t.name, '\t\n\r');
  return {
    external_id: `${REPORT_ID}-${t.testId}`,
    annotation_type: 'BUG',
    summary: `${label}: ${fitText(name, MAX_SUMMARY - label.length - 2)}`,
    details: fitText(`${name}\n\nStep "${plain(t.step)}". ${evidence}`, MAX_DETAILS, 'details'),
    result: hit ? 'PASSED' : t.verdict === 'new' || t.verdict === 'broken-on-default' ? 'FAILED' : 'IGNORED',
    severity: hit
      ? 'LOW'
      : t.verdict === 'new'
        ? 'HIGH'
        : t.verdict === 'broken-on-default'
          ? 'MEDIUM'
          : 'LOW',
    ...(link ? { link } : {}),
  };
}

const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

/** Control characters out (names come from test runners and can hold anything). */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
