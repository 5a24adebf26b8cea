/**
 * The pull request panel: the PR's latest pipeline(s) from its index document (src/domain/pr-index), and a verdict per failing
 * test so a reviewer knows whether the red is theirs: quarantined, known flaky, broken on the default branch, or new.
 */
import type { EvidenceItem } from '../../contract/insights';
import type { PrFailingTest, PrPanel, PrVerdict } from '../../contract/resolvers';
import type { PrAttempt } from '../../domain/pr-index';
import type { RepoRef } from '../../domain/types';
import { testFiguresText } from '../../domain/analysis/test-wording';
import { currentView } from '../../domain/flakiness/test-view';
import { decodeTrack } from '../../domain/flakiness/track-codec';
import {
  DEFAULT_DETECTOR_CONFIG,
  type StepTrack,
  type TestState,
  type TestView,
} from '../../domain/flakiness/types';
import * as keys from '../../storage/keys';
import type { Store } from '../../storage/store';

const WEB_URL = 'https://bitbucket.org';

/**
 * Reads: the PR's index document, the quarantine list, the test index of each step involved and the detector state
 * of each failing test (in batches of 25): bounded by the index's caps, whatever the repository's history.
 */
export async function pullRequestPanel(store: Store, repo: RepoRef, pullRequestId: number): Promise<PrPanel> {
  const index = await store.getDoc(keys.pullRequestIndex(repo.repoUuid, pullRequestId));
  const latest = index?.value.attempts ?? [];
  const lastOfStep = latestAttemptPerStep(latest);
  const failing = lastOfStep.filter((a) => a.result !== 'SUCCESSFUL');
  const failedRefs = dedupe(failing.flatMap((a) => a.failedTests.map((t) => ({ ...t, step: a.stepName }))));
  const hitRefs = failing.length
    ? []
    : dedupe(
        latest
          .filter((a) => a.result !== 'SUCCESSFUL')
          .flatMap((a) => a.failedTests.map((t) => ({ ...t, step: a.stepName }))),
      );
  const judge = await verdictJudge(store, repo.repoUuid, [...failedRefs, ...hitRefs]);
  return {
    pullRequestId,
    ...(index?.value.commit ? { commit: index.value.commit } : {}),
    pipelines: pipelineRows(repo, latest),
    failingTests: failedRefs.map(judge),
    flakyHits: hitRefs.map(judge),
    unnamedFailures: failing.reduce((n, a) => n + a.failedTestsOmitted, 0),
    otherFailures: failing
      .filter((a) => a.failedTests.length === 0 && a.failedTestsOmitted === 0)
      .map((a) => ({
        step: a.stepName,
        category: a.failure?.category ?? a.result.toLowerCase(),
        ...(a.failure?.message ? { message: a.failure.message } : {}),
      })),
  };
}

function latestAttemptPerStep(attempts: PrAttempt[]): PrAttempt[] {
  const byStep = new Map<string, PrAttempt>();
  for (const a of attempts) {
    const id = `${a.pipelineUuid}:${a.stepUuid}`;
    const known = byStep.get(id);
    if (!known || a.runNumber > known.runNumber) byStep.set(id, a);
  }
  return [...byStep.values()];
}

function pipelineRows(repo: RepoRef, attempts: PrAttempt[]): PrPanel['pipelines'] {
  const byPipeline = new Map<string, PrAttempt[]>();
  for (const a of attempts) byPipeline.set(a.pipelineUuid, [...(byPipeline.get(a.pipelineUuid) ?? []), a]);
  return [...byPipeline.values()]
    .map((list) => {
      const last = latestAttemptPerStep(list);
      const first = list[0] as PrAttempt;
      const bad = last.find((a) => a.result !== 'SUCCESSFUL');
      const at = list.reduce((m, a) => (a.completedOn > m ? a.completedOn : m), first.completedOn);
      return {
        buildNumber: first.buildNumber,
        uuid: first.pipelineUuid,
        result: bad ? bad.result : 'SUCCESSFUL',
        at,
        ...(repo.fullName
          ? { url: `${WEB_URL}/${repo.fullName}/pipelines/results/${first.buildNumber}` }
          : {}),
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

/** The view's two figures (how often it fails, how sure the verdict is) with the counts behind them. */
function figuresOf(view: TestView) {
  const round3 = (n: number): number => Math.round(n * 1000) / 1000;
  return {
    classification: view.label,
    failureRate: round3(view.failureRate),
    confidence: round3(view.score),
    failures: view.failures,
    runs: view.runs,
    ...(view.brokenSince ? { brokenSince: { pipeline: view.brokenSince.buildNumber } } : {}),
  };
}

async function verdictJudge(
  store: Store,
  repoUuid: string,
  refs: FailedRef[],
): Promise<(ref: FailedRef) => PrFailingTest> {
  const quarantine = await store.getDoc(keys.quarantine(repoUuid));
  const quarantined = new Map((quarantine?.value.tests ?? []).map((t) => [t.id, t]));
  const steps = [...new Set(refs.map((r) => r.step))];
  const indexes = new Map<string, keys.TestIndexEntry>();
  for (let i = 0; i < steps.length; i += 25) {
    const docs = await store.getDocs(steps.slice(i, i + 25).map((s) => keys.testIndex(repoUuid, s)));
    for (const d of docs.values())
      for (const t of d.value.tests) indexes.set(`${d.value.stepName}:${t.id}`, t);
  }
  const tracks = new Map<string, StepTrack>();
  for (let i = 0; i < steps.length; i += 25) {
    const docs = await store.getDocs(steps.slice(i, i + 25).map((s) => keys.stepTrack(repoUuid, s)));
    for (const d of docs.values()) {
      const track = decodeTrack(d.value);
      if (track) tracks.set(track.stepName, track);
    }
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
      evidence.push({
        kind: 'score',
        detail: `quarantined${q.by ? ` by ${q.by}` : ''} on ${q.at.slice(0, 10)}`,
        at: q.at,
      });
    } else if (entry?.label === 'flaky' || state?.flaky.all || state?.flaky.default) {
      verdict = 'known-flaky';
      if (state?.hardEvidence)
        evidence.push({
          kind: 'same-commit',
          detail: 'failed and passed on the same commit',
          at: state.hardEvidence.at,
        });
    } else if (entry?.label === 'broken' || state?.broken) {
      verdict = 'broken-on-default';
      if (state?.broken) {
        const b = state.broken;
        evidence.push({
          kind: 'broken-start',
          detail: `failing on the default branch since build #${b.buildNumber}`,
          commit: b.commit,
          pipeline: b.buildNumber,
          pipelineUuid: b.pipelineUuid,
          at: b.at,
        });
      }
    } else {
      verdict = 'new';
    }
    const track = tracks.get(ref.step);
    const figures =
      state && track ? figuresOf(currentView(track, state, DEFAULT_DETECTOR_CONFIG, 'all')) : undefined;
    if (figures) evidence.push({ kind: 'score', detail: testFiguresText(figures) });
    else if (verdict === 'new')
      evidence.push({ kind: 'failure', detail: 'no earlier failure of this test is recorded' });
    return {
      testId: ref.id,
      name: state?.name ?? ref.name,
      step: ref.step,
      verdict,
      evidence,
      ...(figures
        ? {
            failureRate: figures.failureRate,
            confidence: figures.confidence,
            failures: figures.failures,
            runs: figures.runs,
            flakinessScore: figures.confidence,
          }
        : {}),
    };
  };
}
