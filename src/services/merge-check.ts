/**
 * The merge checks (`bitbucket:mergeCheck`, on merge), shared by the Forge handlers and `pipeline-insights
 * merge-check`. They read the stored verdicts (src/services/verdicts) plus ONE request to Bitbucket, the pull
 * request itself, for its source commit and destination branch: well inside Forge's 25 s.
 *
 * - "No unexplained test failures" fails when the latest finished pipeline of the source commit has a failure that
 *   is not a known flaky test, a quarantined test, a test already broken on the destination branch, or an
 *   infrastructure fault; it passes naming what it tolerated.
 * - "No new flaky tests" fails when a test failed and then passed on the same commit of the pull request (a rerun,
 *   or a second pipeline) while it is not flaky on the default branch: the pull request made it flaky.
 * - With no finished pipeline of the source commit, both fail, unless the repository's setting lets them pass.
 *
 * The message is short and deterministic: the same stored state gives the same words.
 */
import {
  DEFAULT_MERGE_CHECK_SETTINGS,
  type MergeCheckKind,
  type MergeCheckSettings,
} from '../contract/gates';
import type { PrAttempt } from '../domain/pr-index';
import type { PullRequest, RepoRef } from '../domain/types';
import * as keys from '../storage/keys';
import type { Store } from '../storage/store';
import type { BitbucketClient } from '../bitbucket/client';
import { changeVerdicts, failureVerdicts, latestAttemptPerStep, type TestVerdict } from './verdicts';
import { workspaceDetectorConfig } from './settings';
import type { DetectorConfig } from '../domain/flakiness/types';

export interface MergeCheckResult {
  success: boolean;
  message: string;
}

export interface MergeCheckRequest {
  /** The workspace key settings live under (the slug locally, the UUID on Forge). */
  workspace: string;
  repo: RepoRef;
  pullRequestId: number;
  check: MergeCheckKind;
}

/** Names quoted in a message, and how long each may be before it is cut. */
const NAMES_SHOWN = 3;
const NAME_CHARS = 120;

const short = (commit: string): string => commit.slice(0, 12).toLowerCase();

export async function loadMergeCheckSettings(store: Store, workspace: string): Promise<MergeCheckSettings> {
  return {
    ...DEFAULT_MERGE_CHECK_SETTINGS,
    ...(await store.getDoc(keys.mergeCheckSettings(workspace)))?.value,
  };
}

export async function runMergeCheck(
  deps: { store: Store; client: BitbucketClient },
  req: MergeCheckRequest,
): Promise<MergeCheckResult> {
  const pr = await deps.client.getPullRequest(req.repo, req.pullRequestId);
  return judgePullRequest(deps.store, req, pr);
}

/** The check on what is stored, once the pull request is known (no further call to Bitbucket). */
export async function judgePullRequest(
  store: Store,
  req: MergeCheckRequest,
  pr: PullRequest,
): Promise<MergeCheckResult> {
  if (!pr.sourceCommit)
    return { success: false, message: 'Bitbucket gave no source commit for this pull request.' };
  const commit = short(pr.sourceCommit);
  const attempts = await attemptsOfCommit(store, req.repo.repoUuid, req.pullRequestId, commit);
  const pipelines = await finishedPipelines(store, req.repo.repoUuid, attempts);
  const latest = pipelines[0];
  if (!latest) {
    const settings = await loadMergeCheckSettings(store, req.workspace);
    const allowed = settings.passWithoutPipeline.includes(req.repo.repoUuid);
    return {
      success: allowed,
      message: allowed
        ? `No finished pipeline on ${commit}; this repository lets pull requests merge without one.`
        : `No finished pipeline on ${commit} yet: wait for it, or run one.`,
    };
  }
  const destination = pr.destinationBranch ?? req.repo.defaultBranch ?? 'the destination branch';
  const config = await workspaceDetectorConfig(store, req.workspace);
  if (req.check === 'new-flaky') return newFlakyCheck(store, req.repo, commit, attempts, pipelines, config);
  const ofLatest = attempts.filter((a) => a.pipelineUuid === latest.uuid);
  return unexplainedCheck(
    store,
    req.repo,
    `Pipeline #${latest.buildNumber} on ${commit}`,
    ofLatest,
    destination,
    config,
  );
}

/** The attempts of the commit: from the pull request's own index, and the commit's branch-pipeline attempts. */
async function attemptsOfCommit(
  store: Store,
  repoUuid: string,
  pullRequestId: number,
  commit: string,
): Promise<PrAttempt[]> {
  const [pr, branch] = await Promise.all([
    store.getDoc(keys.pullRequestIndex(repoUuid, pullRequestId)),
    // One page: a commit with more than 100 branch-pipeline attempts is judged on the first 100 listed.
    store.query(keys.commitAttemptsOf(repoUuid, commit), { limit: 100 }),
  ]);
  const fromPr = pr?.value.commit && short(pr.value.commit) === commit ? pr.value.attempts : [];
  return [...fromPr, ...branch.items.map((i) => i.value)];
}

interface FinishedPipeline {
  uuid: string;
  buildNumber: number;
}

/** Pipelines of these attempts that ingestion recorded as complete, newest (highest build number) first. */
async function finishedPipelines(
  store: Store,
  repoUuid: string,
  attempts: PrAttempt[],
): Promise<FinishedPipeline[]> {
  const byUuid = new Map(
    attempts.map((a) => [a.pipelineUuid, { uuid: a.pipelineUuid, buildNumber: a.buildNumber }]),
  );
  const newestFirst = [...byUuid.values()].sort((a, b) => b.buildNumber - a.buildNumber).slice(0, 25);
  const seen = await store.getMany(newestFirst.map((p) => keys.pipelineSeen(repoUuid, p.uuid)));
  return newestFirst.filter((p) => seen.get(keys.pipelineSeen(repoUuid, p.uuid))?.complete);
}

const quote = (name: string): string =>
  `"${[...name].length > NAME_CHARS ? `${[...name].slice(0, NAME_CHARS - 1).join('')}…` : name}"`;

function named(what: string, names: string[]): string {
  const shown = names.slice(0, NAMES_SHOWN).map(quote).join(', ');
  const more = names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : '';
  return `${what} ${shown}${more}`;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function tolerates(
  v: TestVerdict,
  destination: string,
): 'quarantined' | 'known flaky' | 'broken' | undefined {
  if (v.verdict === 'quarantined') return 'quarantined';
  if (v.verdict === 'known-flaky') return 'known flaky';
  if (v.brokenOn.includes(destination)) return 'broken';
  return undefined;
}

async function unexplainedCheck(
  store: Store,
  repo: RepoRef,
  subject: string,
  attempts: PrAttempt[],
  destination: string,
  config: DetectorConfig,
): Promise<MergeCheckResult> {
  const failing = latestAttemptPerStep(attempts).filter((a) => a.result !== 'SUCCESSFUL');
  // An infrastructure fault (out of memory, runner, network...) says nothing about the change: the step is tolerated.
  const infra = failing.filter((a) => a.failure?.category === 'infrastructure');
  const judged = await changeVerdicts(
    store,
    repo,
    failing.filter((a) => !infra.includes(a)),
    config,
  );
  const tolerated = new Map<string, string[]>();
  const unexplained: string[] = [];
  for (const v of judged.failingTests) {
    const why = tolerates(v, destination);
    if (why) tolerated.set(why, [...(tolerated.get(why) ?? []), v.name]);
    else unexplained.push(`test ${quote(v.name)}`);
  }
  if (judged.unnamedFailures)
    unexplained.push(`${plural(judged.unnamedFailures, 'more failed test')} not named`);
  for (const f of judged.otherFailures) unexplained.push(`step ${quote(f.step)} failed (${f.category})`);
  const parts: string[] = [];
  for (const [why, list] of [...tolerated.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    parts.push(named(why === 'broken' ? `already broken on ${destination}:` : `${why}:`, list));
  }
  if (infra.length)
    parts.push(
      named(
        'infrastructure fault in',
        infra.map((a) => a.stepName),
      ),
    );
  const toleratedText = parts.length ? ` Tolerated: ${parts.join('; ')}.` : '';
  if (unexplained.length) {
    const shown = unexplained.slice(0, NAMES_SHOWN).join('; ');
    const more = unexplained.length > NAMES_SHOWN ? `; and ${unexplained.length - NAMES_SHOWN} more` : '';
    return {
      success: false,
      message: `${subject}: ${plural(unexplained.length, 'unexplained failure')}: ${shown}${more}.${toleratedText}`,
    };
  }
  return { success: true, message: `${subject}: no unexplained failures.${toleratedText}` };
}

/**
 * Tests that failed in an attempt and passed later on the same commit: in a rerun of the step (a higher run number
 * that succeeded), or in a successful run of the same step in another pipeline of the commit.
 */
export function flakyInChange(attempts: PrAttempt[]): { id: string; name: string; step: string }[] {
  const out = new Map<string, { id: string; name: string; step: string }>();
  for (const a of attempts) {
    const passedLater = attempts.some(
      (b) =>
        b.result === 'SUCCESSFUL' &&
        b.stepName === a.stepName &&
        (b.pipelineUuid === a.pipelineUuid ? b.runNumber > a.runNumber : b.completedOn > a.completedOn),
    );
    if (!passedLater) continue;
    for (const t of a.failedTests) if (!out.has(t.id)) out.set(t.id, { ...t, step: a.stepName });
  }
  return [...out.values()].sort((x, y) => x.name.localeCompare(y.name));
}

async function newFlakyCheck(
  store: Store,
  repo: RepoRef,
  commit: string,
  attempts: PrAttempt[],
  pipelines: FinishedPipeline[],
  config: DetectorConfig,
): Promise<MergeCheckResult> {
  const finished = new Set(pipelines.map((p) => p.uuid));
  const judged = await failureVerdicts(
    store,
    repo,
    flakyInChange(attempts.filter((a) => finished.has(a.pipelineUuid))),
    config,
  );
  const fresh = judged.filter((v) => !v.quarantined && v.defaultLabel !== 'flaky');
  const builds = pipelines.map((p) => `#${p.buildNumber}`).sort();
  const subject = `${builds.length === 1 ? 'Pipeline' : 'Pipelines'} ${builds.join(', ')} on ${commit}`;
  if (fresh.length) {
    return {
      success: false,
      message: `${subject}: ${named(
        `${plural(fresh.length, 'test')} failed and then passed on the same commit, not flaky on ${repo.defaultBranch ?? 'the default branch'} before:`,
        fresh.map((v) => v.name),
      )}.`,
    };
  }
  const known = judged.length - fresh.length;
  const toleratedText = known
    ? ` ${plural(known, 'test')} that failed and passed again ${known === 1 ? 'is' : 'are'} already flaky or quarantined.`
    : '';
  return { success: true, message: `${subject}: no test turned flaky in this pull request.${toleratedText}` };
}
