/**
 * The one source of test verdicts (DESIGN.md §6, "One source of verdicts"). The pull-request panel, Code Insights,
 * the merge check, alerts and the Slack command all read a test's verdict here, from the stored detector documents
 * through the detector's read API (`currentView`), plus the quarantine list. None of them derives its own.
 *
 * Two readers, both with a bounded number of storage reads whatever the history:
 * - `failureVerdicts`: the verdict of each test that failed in some attempts (a pull request, a commit), in batches
 *   of 25 (the step indexes and tracks of the steps involved, the states of the tests named);
 * - `repoVerdicts`: every tracked test of a repository that is not healthy or is quarantined (the step catalog, the
 *   indexes and tracks of its steps, the states of the tests listed).
 */
import type { EvidenceItem } from '../contract/insights';
import type { PrFailingTest, PrVerdict } from '../contract/resolvers';
import { testFiguresText } from '../domain/analysis/test-wording';
import { currentView } from '../domain/flakiness/test-view';
import { decodeTrack } from '../domain/flakiness/track-codec';
import { decodeTestState } from '../domain/flakiness/test-state';
import {
  DEFAULT_DETECTOR_CONFIG,
  type AttemptRef,
  type DetectorConfig,
  type StepTrack,
  type TestLabel,
  type TestState,
  type TestView,
} from '../domain/flakiness/types';
import type { PrAttempt } from '../domain/pr-index';
import type { RepoRef } from '../domain/types';
import * as keys from '../storage/keys';
import type { Store } from '../storage/store';

/** A failing test as named by an attempt. */
export interface FailedRef {
  id: string;
  name: string;
  step: string;
}

/** What the stored verdicts say about one test, whatever surface shows it. */
export interface TestVerdict extends PrFailingTest {
  /** The detector's label (all branches), `healthy` for a test it does not track. */
  label: TestLabel;
  /** Default-branch attempts only: what the default branch says, without this change's own runs. */
  defaultLabel: TestLabel;
  quarantined: boolean;
  /** Branches where the test fails on every run: the default branch (by name) when broken there, and others. */
  brokenOn: string[];
  brokenSince?: AttemptRef;
  flakySince?: AttemptRef;
}

type QuarantineEntry = keys.QuarantineList['tests'][number];

/** The PR verdict of one test: quarantine first, then flaky, then broken on the default branch. */
function prVerdict(quarantine: QuarantineEntry | undefined, label: TestLabel): PrVerdict {
  if (quarantine) return 'quarantined';
  if (label === 'flaky') return 'known-flaky';
  if (label === 'broken') return 'broken-on-default';
  return 'new';
}

function evidenceOf(
  verdict: PrVerdict,
  q: QuarantineEntry | undefined,
  view: TestView | undefined,
  entry: keys.TestIndexEntry | undefined,
): EvidenceItem[] {
  const evidence: EvidenceItem[] = [];
  const same = view?.evidence.find(
    (e) => e.kind === 'passed-same-commit' || e.kind === 'step-passed-on-rerun',
  );
  if (verdict === 'quarantined' && q) {
    evidence.push({
      kind: 'score',
      detail: `quarantined${q.by ? ` by ${q.by}` : ''} on ${q.at.slice(0, 10)}`,
      at: q.at,
    });
  } else if (verdict === 'known-flaky' && same) {
    evidence.push({
      kind: 'same-commit',
      detail: 'failed and passed on the same commit',
      commit: same.commit,
      pipeline: same.buildNumber,
      at: same.at,
    });
  } else if (verdict === 'broken-on-default' && view?.brokenSince) {
    const b = view.brokenSince;
    evidence.push({
      kind: 'broken-start',
      detail: `failing on the default branch since build #${b.buildNumber}`,
      commit: b.commit,
      pipeline: b.buildNumber,
      ...(b.pipelineUuid ? { pipelineUuid: b.pipelineUuid } : {}),
      at: b.at,
    });
  }
  if (view) evidence.push({ kind: 'score', detail: testFiguresText(figuresOf(view)) });
  else if (entry) evidence.push({ kind: 'score', detail: `${entry.failures} recorded failure(s)` });
  else if (verdict === 'new')
    evidence.push({ kind: 'failure', detail: 'no earlier failure of this test is recorded' });
  return evidence;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** The view's two figures (how often it fails, how sure the verdict is) with the counts behind them. */
function figuresOf(view: TestView) {
  return {
    classification: view.label,
    failureRate: round3(view.failureRate),
    confidence: round3(view.confidence),
    failures: view.failures,
    runs: view.runs,
    ...(view.brokenSince ? { brokenSince: { pipeline: view.brokenSince.buildNumber } } : {}),
  };
}

/** The verdict of one test from what is stored about it (pure: every surface goes through this). */
export function verdictOf(
  ref: FailedRef,
  found: {
    state?: TestState;
    track?: StepTrack;
    entry?: keys.TestIndexEntry;
    quarantine?: QuarantineEntry;
    defaultBranch?: string;
  },
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): TestVerdict {
  const { state, track, entry, quarantine } = found;
  const view = state && track ? currentView(track, state, config) : undefined;
  const defaultView = state && track ? currentView(track, state, config, 'default') : undefined;
  // Without the step's track (an index written before it), the label ingestion stored is the best there is.
  const label: TestLabel = view?.label ?? entry?.label ?? 'healthy';
  const verdict = prVerdict(quarantine, label);
  const brokenOn = [
    ...(label === 'broken' ? [found.defaultBranch ?? 'default branch'] : []),
    ...(view?.brokenOnBranches ?? []),
  ];
  return {
    testId: ref.id,
    name: state?.name ?? ref.name,
    step: ref.step,
    verdict,
    evidence: evidenceOf(verdict, quarantine, view, entry),
    ...(view
      ? (({ failureRate, confidence, failures, runs }) => ({
          failureRate,
          confidence,
          failures,
          runs,
          flakinessScore: round3(view.score),
        }))(figuresOf(view))
      : {}),
    label,
    defaultLabel: defaultView?.label ?? (label === 'broken' ? 'broken' : 'healthy'),
    quarantined: quarantine !== undefined,
    brokenOn,
    ...(view?.brokenSince ? { brokenSince: view.brokenSince } : {}),
    ...(view?.flakySince ? { flakySince: view.flakySince } : {}),
  };
}

/** Only the fields of the pull-request contract: what the panel and Code Insights show. */
export function asPrFailingTest(v: TestVerdict): PrFailingTest {
  return {
    testId: v.testId,
    name: v.name,
    step: v.step,
    verdict: v.verdict,
    evidence: v.evidence,
    ...(v.failureRate !== undefined ? { failureRate: v.failureRate } : {}),
    ...(v.failures !== undefined ? { failures: v.failures } : {}),
    ...(v.runs !== undefined ? { runs: v.runs } : {}),
    ...(v.confidence !== undefined ? { confidence: v.confidence } : {}),
    ...(v.flakinessScore !== undefined ? { flakinessScore: v.flakinessScore } : {}),
  };
}

async function inBatches<K extends string, V>(
  ids: K[],
  read: (batch: K[]) => Promise<Map<string, V>>,
): Promise<V[]> {
  const out: V[] = [];
  for (let i = 0; i < ids.length; i += 25) out.push(...(await read(ids.slice(i, i + 25))).values());
  return out;
}

async function readSteps(
  store: Store,
  repoUuid: string,
  steps: string[],
): Promise<{ tracks: Map<string, StepTrack>; indexes: Map<string, keys.TestIndex> }> {
  const tracks = new Map<string, StepTrack>();
  const indexes = new Map<string, keys.TestIndex>();
  for (const d of await inBatches(
    steps.map((s) => keys.testIndex(repoUuid, s)),
    (b) => store.getDocs(b),
  ))
    indexes.set(d.value.stepName, d.value);
  for (const d of await inBatches(
    steps.map((s) => keys.stepTrack(repoUuid, s)),
    (b) => store.getDocs(b),
  )) {
    const track = decodeTrack(d.value);
    tracks.set(track.stepName, track);
  }
  return { tracks, indexes };
}

async function readStates(store: Store, repoUuid: string, ids: string[]): Promise<Map<string, TestState>> {
  const states = new Map<string, TestState>();
  for (const d of await inBatches(
    ids.map((id) => keys.testState(repoUuid, id)),
    (b) => store.getDocs(b),
  )) {
    const state = decodeTestState(d.value);
    states.set(state.id, state);
  }
  return states;
}

async function readQuarantine(store: Store, repoUuid: string): Promise<Map<string, QuarantineEntry>> {
  const doc = await store.getDoc(keys.quarantine(repoUuid));
  return new Map((doc?.value.tests ?? []).map((t) => [t.id, t]));
}

type Repo = Pick<RepoRef, 'repoUuid' | 'defaultBranch'>;

/** Reads what is stored about the tests named (they are of the steps named) and judges each one. */
async function judge(
  store: Store,
  repo: Repo,
  refs: FailedRef[],
  stepNames: string[],
  config: DetectorConfig,
  quarantine?: Map<string, QuarantineEntry>,
): Promise<TestVerdict[]> {
  const [quarantined, steps, states] = await Promise.all([
    quarantine ?? readQuarantine(store, repo.repoUuid),
    readSteps(store, repo.repoUuid, stepNames),
    readStates(store, repo.repoUuid, [...new Set(refs.map((r) => r.id))]),
  ]);
  return refs.map((ref) =>
    verdictOf(
      ref,
      {
        state: states.get(ref.id),
        track: steps.tracks.get(ref.step),
        entry: steps.indexes.get(ref.step)?.tests.find((t) => t.id === ref.id),
        quarantine: quarantined.get(ref.id),
        defaultBranch: repo.defaultBranch,
      },
      config,
    ),
  );
}

/** The verdict of each failed test named, in the order given (duplicates by id dropped). */
export async function failureVerdicts(
  store: Store,
  repo: Repo,
  refs: FailedRef[],
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): Promise<TestVerdict[]> {
  const unique = [...new Map(refs.map((r) => [r.id, r])).values()];
  if (!unique.length) return [];
  return judge(store, repo, unique, [...new Set(unique.map((r) => r.step))], config);
}

/** Tests of a repository that are flaky, broken, recently fixed or quarantined, as the stored verdicts say now. */
export async function repoVerdicts(
  store: Store,
  repo: Repo,
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): Promise<TestVerdict[]> {
  const catalog = await store.getDoc(keys.stepCatalog(repo.repoUuid));
  const stepNames = (catalog?.value.steps ?? []).map((s) => s.name);
  const quarantine = await readQuarantine(store, repo.repoUuid);
  const indexes = await inBatches(
    stepNames.map((s) => keys.testIndex(repo.repoUuid, s)),
    (b) => store.getDocs(b),
  );
  const listed = indexes.flatMap((d) =>
    d.value.tests
      .filter((t) => t.label !== 'healthy' || quarantine.has(t.id))
      // The index holds no names: the test's own state has the name as Bitbucket reported it.
      .map((t) => ({ id: t.id, name: '', step: d.value.stepName })),
  );
  if (!listed.length) return [];
  const judged = await judge(store, repo, listed, stepNames, config, quarantine);
  return judged.filter((v) => v.name !== '');
}

/** Of several attempts of one step (by pipeline and step), the newest: what the step's result is now. */
export function latestAttemptPerStep(attempts: PrAttempt[]): PrAttempt[] {
  const byStep = new Map<string, PrAttempt>();
  for (const a of attempts) {
    const id = `${a.pipelineUuid}:${a.stepUuid}`;
    const known = byStep.get(id);
    if (!known || a.runNumber > known.runNumber) byStep.set(id, a);
  }
  return [...byStep.values()];
}

/** What a change's attempts (a pull request's newest commit, or one pipeline of it) failed, with verdicts. */
export interface ChangeVerdicts {
  /** Tests failing in the newest attempt of their step. */
  failingTests: TestVerdict[];
  /** When no step fails now: tests that failed in an earlier attempt and passed on rerun. */
  flakyHits: TestVerdict[];
  /** Failed tests counted but not named (a step with more failures than are kept per attempt). */
  unnamedFailures: number;
  /** Failed steps without test failures (infrastructure, build...). */
  otherFailures: { step: string; category: string; message?: string }[];
}

const refsOf = (attempts: PrAttempt[]): FailedRef[] =>
  attempts.flatMap((a) => a.failedTests.map((t) => ({ ...t, step: a.stepName })));

export async function changeVerdicts(
  store: Store,
  repo: Repo,
  attempts: PrAttempt[],
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): Promise<ChangeVerdicts> {
  const failing = latestAttemptPerStep(attempts).filter((a) => a.result !== 'SUCCESSFUL');
  const failedRefs = refsOf(failing);
  const hitRefs = failing.length ? [] : refsOf(attempts.filter((a) => a.result !== 'SUCCESSFUL'));
  // Test ids are per step (src/domain/test-identity), so an id names one test of one step.
  const verdicts = new Map(
    (await failureVerdicts(store, repo, [...failedRefs, ...hitRefs], config)).map((v) => [v.testId, v]),
  );
  const pick = (refs: FailedRef[]): TestVerdict[] =>
    [...new Set(refs.map((r) => r.id))].flatMap((id) => verdicts.get(id) ?? []);
  return {
    failingTests: pick(failedRefs),
    flakyHits: pick(hitRefs),
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
