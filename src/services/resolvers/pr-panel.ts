/**
 * The pull request panel: the PR's latest pipeline(s) from the recorded step attempts, and a verdict per failing
 * test so a reviewer knows whether the red is theirs: quarantined, known flaky, broken on the default branch, or new.
 */
import type { EvidenceItem } from '../../contract/insights';
import type { PrFailingTest, PrPanel, PrVerdict } from '../../contract/resolvers';
import type { AttemptRecord } from '../../domain/attempt';
import type { RepoRef } from '../../domain/types';
import type { TestState } from '../../domain/flakiness/types';
import * as keys from '../../storage/keys';
import type { Store } from '../../storage/store';

/**
 * Attempt keys sort by completion time, oldest first, so the newest cannot be read first: the scan is capped at
 * this many pages of 100 (the attempts of the retention window of a busy repository).
 */
export const MAX_ATTEMPT_PAGES = 60;
const WEB_URL = 'https://bitbucket.org';

export async function pullRequestPanel(store: Store, repo: RepoRef, pullRequestId: number): Promise<PrPanel> {
  const attempts = await attemptsOfPullRequest(store, repo.repoUuid, pullRequestId);
  const latest = latestPipelines(attempts);
  const lastOfStep = latestAttemptPerStep(latest);
  const failing = lastOfStep.filter((a) => a.result !== 'SUCCESSFUL');
  const failedRefs = dedupe(failing.flatMap((a) => a.failedTests.map((t) => ({ ...t, step: a.stepName }))));
  const hitRefs = failing.length
    ? []
    : dedupe(latest.filter((a) => a.result !== 'SUCCESSFUL').flatMap((a) => a.failedTests.map((t) => ({ ...t, step: a.stepName }))));
  const judge = await verdictJudge(store, repo.repoUuid, [...failedRefs, ...hitRefs]);
  return {
    pullRequestId,
    pipelines: pipelineRows(repo, latest),
    failingTests: failedRefs.map(judge),
    flakyHits: hitRefs.map(judge),
    otherFailures: failing
      .filter((a) => a.failedTests.length === 0)
      .map((a) => ({
        step: a.stepName,
        category: a.failure?.category ?? a.result.toLowerCase(),
        ...(a.failure?.message ? { message: a.failure.message } : {}),
      })),
  };
}

async function attemptsOfPullRequest(store: Store, repoUuid: string, pullRequestId: number): Promise<AttemptRecord[]> {
  const out: AttemptRecord[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_ATTEMPT_PAGES; page++) {
    const result = await store.query(keys.attemptsOf(repoUuid), { limit: 100, cursor });
    out.push(...result.items.map((i) => i.value).filter((a) => a.pullRequestId === pullRequestId));
    cursor = result.cursor;
    if (!cursor) break;
  }
  return out;
}

/** The pipelines of the PR's newest commit (a push can start several), else of the newest pipeline. */
function latestPipelines(attempts: AttemptRecord[]): AttemptRecord[] {
  const newest = attempts.reduce<AttemptRecord | undefined>((best, a) => (!best || a.buildNumber > best.buildNumber ? a : best), undefined);
  if (!newest) return [];
  return attempts.filter((a) => (newest.commit ? a.commit === newest.commit : a.pipelineUuid === newest.pipelineUuid));
}

function latestAttemptPerStep(attempts: AttemptRecord[]): AttemptRecord[] {
  const byStep = new Map<string, AttemptRecord>();
  for (const a of attempts) {
    const id = `${a.pipelineUuid}:${a.stepUuid}`;
    const known = byStep.get(id);
    if (!known || a.runNumber > known.runNumber) byStep.set(id, a);
  }
  return [...byStep.values()];
}

function pipelineRows(repo: RepoRef, attempts: AttemptRecord[]): PrPanel['pipelines'] {
  const byPipeline = new Map<string, AttemptRecord[]>();
  for (const a of attempts) byPipeline.set(a.pipelineUuid, [...(byPipeline.get(a.pipelineUuid) ?? []), a]);
  return [...byPipeline.values()]
    .map((list) => {
      const last = latestAttemptPerStep(list);
      const first = list[0] as AttemptRecord;
      const bad = last.find((a) => a.result !== 'SUCCESSFUL');
      const at = list.reduce((m, a) => (a.completedOn > m ? a.completedOn : m), first.completedOn);
      return {
        buildNumber: first.buildNumber,
        uuid: first.pipelineUuid,
        result: bad ? bad.result : 'SUCCESSFUL',
        at,
        ...(repo.fullName ? { url: `${WEB_URL}/${repo.fullName}/pipelines/results/${first.buildNumber}` } : {}),
      };
    })
    .sort((a, b) => b.buildNumber - a.buildNumber);
}

interface FailedRef {
  id: string;
  name: string;
  step: string;
}

function dedupe(refs: FailedRef[]): FailedRef[] {
  const seen = new Map<string, FailedRef>();
  for (const r of refs) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}

async function verdictJudge(store: Store, repoUuid: string, refs: FailedRef[]): Promise<(ref: FailedRef) => PrFailingTest> {
  const quarantine = await store.getDoc(keys.quarantine(repoUuid));
  const quarantined = new Map((quarantine?.value.tests ?? []).map((t) => [t.id, t]));
  const steps = [...new Set(refs.map((r) => r.step))];
  const indexes = new Map<string, keys.TestIndexEntry>();
  for (let i = 0; i < steps.length; i += 25) {
    const docs = await store.getDocs(steps.slice(i, i + 25).map((s) => keys.testIndex(repoUuid, s)));
    for (const d of docs.values()) for (const t of d.value.tests) indexes.set(`${d.value.stepName}:${t.id}`, t);
  }
  const states = new Map<string, TestState>();
  const ids = [...new Set(refs.map((r) => r.id))];
  for (let i = 0; i < ids.length; i += 25) {
    const docs = await store.getDocs(ids.slice(i, i + 25).map((id) => keys.testState(repoUuid, id)));
    for (const d of docs.values()) states.set(d.value.id, d.value);
  }
  return (ref) => {
    const entry = indexes.get(`${ref.step}:${ref.id}`);
    const state = states.get(ref.id);
    const q = quarantined.get(ref.id);
    const evidence: EvidenceItem[] = [];
    let verdict: PrVerdict;
    if (q) {
      verdict = 'quarantined';
      evidence.push({ kind: 'score', detail: `quarantined${q.by ? ` by ${q.by}` : ''} on ${q.at.slice(0, 10)}`, at: q.at });
    } else if (entry?.label === 'flaky' || state?.flaky.all || state?.flaky.default) {
      verdict = 'known-flaky';
      if (state?.hardEvidence) evidence.push({ kind: 'same-commit', detail: 'failed and passed on the same commit', at: state.hardEvidence.at });
    } else if (entry?.label === 'broken' || state?.broken) {
      verdict = 'broken-on-default';
      if (state?.broken) {
        const b = state.broken;
        evidence.push({ kind: 'broken-start', detail: `failing on the default branch since build #${b.buildNumber}`, commit: b.commit, pipeline: b.buildNumber, pipelineUuid: b.pipelineUuid, at: b.at });
      }
    } else {
      verdict = 'new';
    }
    if (entry) evidence.push({ kind: 'score', detail: `${entry.failures} recorded failure(s), flakiness score ${(entry.score * 100).toFixed(0)}%` });
    else if (verdict === 'new') evidence.push({ kind: 'failure', detail: 'no earlier failure of this test is recorded' });
    return {
      testId: ref.id,
      name: state?.name ?? ref.name,
      step: ref.step,
      verdict,
      evidence,
      ...(entry ? { flakinessScore: Math.round(entry.score * 1000) / 1000 } : {}),
    };
  };
}
