/**
 * A pull request that breaks a test (`plant.pullRequestBreaksTest`): after the history is played, the newest pull
 * request whose newest pipeline finished green gets a unit-test failure in that pipeline, a test no other run ever
 * failed, and the steps after it do not run. It is a new failure, the author's to fix, which a merge check must
 * refuse. The plan is edited with a random stream of its own, so every other run is the same as without it.
 */
import { failureFor, testFailureMessage } from './failure-text';
import type { SimAttempt, SimPipeline, SimRepo, SimWorkspace } from './model';
import { createRng } from './prng';
import type { RepoSpec } from './repo-specs';
import { pipelineView } from './view';

type PullRequestPipeline = SimPipeline & { target: { kind: 'pullrequest' } };

const isPullRequest = (p: SimPipeline): p is PullRequestPipeline => p.target.kind === 'pullrequest';

/** Each pull request's newest pipeline, newest first. */
function newestPerPullRequest(repo: SimRepo): PullRequestPipeline[] {
  const newest = new Map<number, PullRequestPipeline>();
  for (const p of repo.pipelines.filter(isPullRequest)) {
    const known = newest.get(p.target.pullRequestId);
    if (!known || p.createdOn > known.createdOn) newest.set(p.target.pullRequestId, p);
  }
  return [...newest.values()].sort((a, b) => b.createdOn.localeCompare(a.createdOn));
}

export function plantPullRequestBreakage(ws: SimWorkspace, repo: SimRepo, spec: RepoSpec, now: number): void {
  const unitStep = spec.steps.find((s) => s.suite === 'unit');
  const unit = repo.suites['unit'];
  if (!spec.plant.pullRequestBreaksTest || !unitStep || !unit) return;
  const rng = createRng(`${ws.seed}:${repo.slug}:pull-request-breakage`);
  const taken = new Set(
    [...ws.planted.flaky, ...ws.planted.broken.map((b) => b.truth)]
      .filter((t) => t.repo === repo.slug)
      .map((t) => t.fullyQualifiedName),
  );
  const candidates = unit.filter((t) => !t.skipped && !taken.has(t.fullyQualifiedName));
  const test = candidates[Math.floor(rng.next() * candidates.length)];
  const pipeline = newestPerPullRequest(repo).find((p) => {
    const view = pipelineView(p, now);
    return view.state === 'COMPLETED' && view.result === 'SUCCESSFUL' && p.rerunsOn.length === 0;
  });
  const step = pipeline?.steps.find((s) => s.name === unitStep.name);
  const attempt = step?.attempts[0];
  if (!test || !pipeline || !attempt?.tests) return;
  attempt.result = 'FAILED';
  attempt.failure = failureFor('test-failure', spec.stack, rng);
  attempt.tests = {
    ...attempt.tests,
    failed: [
      {
        fullyQualifiedName: test.fullyQualifiedName,
        status: 'FAILED',
        message: testFailureMessage(spec.stack, rng),
      },
    ],
  };
  // The steps of later groups do not run, as in Pipelines after a failed step.
  const groupEnd = pipeline.steps
    .filter((s) => spec.steps.find((x) => x.name === s.name)?.group === unitStep.group)
    .reduce((end, s) => Math.max(end, Date.parse(s.attempts[0]?.completedOn ?? attempt.completedOn)), 0);
  for (const later of pipeline.steps) {
    const group = spec.steps.find((x) => x.name === later.name)?.group ?? 0;
    const first = later.attempts[0];
    if (group > unitStep.group && first) later.attempts = [notRun(first, new Date(groupEnd).toISOString())];
  }
  ws.planted.failures.push({
    repo: repo.slug,
    pipelineUuid: pipeline.uuid,
    buildNumber: pipeline.buildNumber,
    stepName: unitStep.name,
    runNumber: attempt.runNumber,
    kind: 'test-failure',
    phrase: attempt.failure.phrase,
    at: attempt.startedOn,
  });
  ws.planted.pullRequestBreakages.push({
    repo: repo.slug,
    pullRequestId: pipeline.target.pullRequestId,
    pipelineUuid: pipeline.uuid,
    buildNumber: pipeline.buildNumber,
    fullyQualifiedName: test.fullyQualifiedName,
    suite: 'unit',
  });
}

function notRun(original: SimAttempt, at: string): SimAttempt {
  return {
    runNumber: original.runNumber,
    scheduledOn: original.scheduledOn,
    trigger: original.trigger,
    startedOn: at,
    completedOn: at,
    result: 'NOT_RUN',
    durationSeconds: 0,
    buildSecondsUsed: 0,
  };
}
