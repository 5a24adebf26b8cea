import { advance, generateWorkspace } from '../../src/sim/scenario';
import { buildStatusEventsFor, deploymentEventsFor } from '../../src/sim/build-status';
import { pipelineView } from '../../src/sim/view';
import { NOW, workspace } from './helpers';

describe('generateWorkspace', () => {
  it('is deterministic: same seed and now give identical JSON, another seed does not', () => {
    const a = JSON.stringify(generateWorkspace({ seed: 3, now: NOW, days: 10 }));
    const b = JSON.stringify(generateWorkspace({ seed: 3, now: NOW, days: 10 }));
    const c = JSON.stringify(generateWorkspace({ seed: 4, now: NOW, days: 10 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('plants flaky tests in both rate bands and a test that becomes flaky at a default-branch commit', () => {
    const flaky = workspace().truth.repos['web-app']?.flakyTests ?? [];
    expect(flaky.some((f) => f.band === 'low' && f.rate >= 0.005 && f.rate <= 0.02)).toBe(true);
    expect(flaky.some((f) => f.band === 'moderate' && f.rate >= 0.05 && f.rate <= 0.15)).toBe(true);
    expect(flaky.find((f) => f.sinceCommit)?.sinceCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it('breaks a test on the default branch and fixes it N commits later, failing only in between', () => {
    const ws = workspace();
    const repo = ws.repos.find((r) => r.slug === 'payments-api');
    const broken = ws.truth.repos['payments-api']?.brokenTests[0];
    expect(broken?.brokenAtCommit).toBeDefined();
    expect(broken?.fixedAtCommit).toBeDefined();
    const mainRuns = (repo?.pipelines ?? []).filter((p) => p.mainCommitIndex !== undefined);
    const failsAt = (commit: string | undefined): boolean =>
      mainRuns
        .filter((p) => p.target.commit === commit)
        .some((p) =>
          p.steps.some((s) =>
            s.attempts.some((a) =>
              a.tests?.failed.some((f) => f.fullyQualifiedName === broken?.fullyQualifiedName),
            ),
          ),
        );
    expect(failsAt(broken?.brokenAtCommit)).toBe(true);
    expect(failsAt(broken?.fixedAtCommit)).toBe(false);
  });

  it('plants every failure kind the classifier must tell apart', () => {
    const kinds = new Set(
      Object.values(workspace().truth.repos).flatMap((r) => r.failures.map((f) => f.kind)),
    );
    for (const kind of [
      'test-failure',
      'compile',
      'dependency-install',
      'out-of-memory',
      'time-limit',
      'docker-rate-limit',
      'config-error',
      'system-error',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it('ends a timed-out step exactly at its time limit', () => {
    const ws = workspace();
    const steps = ws.repos.flatMap((r) => r.pipelines.flatMap((p) => p.steps));
    const timedOut = steps.flatMap((s) =>
      s.attempts.filter((a) => a.failure?.kind === 'time-limit').map((a) => ({ s, a })),
    );
    expect(timedOut).toHaveLength(1);
    expect(timedOut[0]?.a.durationSeconds).toBe((timedOut[0]?.s.maxTimeMinutes ?? 0) * 60);
    expect(timedOut[0]?.a.failure?.phrase).toBe(
      `Exceeded build time limit of ${timedOut[0]?.s.maxTimeMinutes} minutes`,
    );
  });

  it('leaves pipelines running and one paused on a manual step at now', () => {
    const ws = workspace();
    const now = Date.parse(ws.now);
    const views = ws.repos.flatMap((r) =>
      r.pipelines.filter((p) => Date.parse(p.createdOn) <= now).map((p) => pipelineView(p, now)),
    );
    expect(views.filter((v) => v.stage === 'RUNNING').length).toBeGreaterThanOrEqual(2);
    expect(views.some((v) => v.stage === 'PAUSED')).toBe(true);
  });

  it('records overwritten attempts of "rerun failed steps" in the truth', () => {
    const truth = workspace().truth.repos['web-app'];
    const rerun = truth?.stepReruns[0];
    const pipeline = truth?.pipelines.find((p) => p.uuid === rerun?.pipelineUuid);
    const attempts = pipeline?.completedAttempts.filter((a) => a.stepName === rerun?.stepName) ?? [];
    expect(attempts.map((a) => [a.runNumber, a.overwritten])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(truth?.sameCommitReruns.length).toBeGreaterThan(0);
  });

  it('advance reveals finished runs and new pipelines without changing recorded attempts', () => {
    const ws = workspace();
    const before = ws.truth.repos['web-app']?.pipelines ?? [];
    advance(ws, { hours: 24, seed: 1 });
    const after = ws.truth.repos['web-app']?.pipelines ?? [];
    expect(after.length).toBeGreaterThan(before.length);
    for (const old of before) {
      const now = after.find((p) => p.uuid === old.uuid);
      expect(now?.buildNumber).toBe(old.buildNumber);
      for (const a of old.completedAttempts) {
        expect(now?.completedAttempts).toContainEqual(
          expect.objectContaining({ stepUuid: a.stepUuid, runNumber: a.runNumber, result: a.result }),
        );
      }
    }
    expect(
      before.some(
        (p) => p.state === 'IN_PROGRESS' && after.find((q) => q.uuid === p.uuid)?.state === 'COMPLETED',
      ),
    ).toBe(true);
  });

  it('emits Pipelines build-status events with a results URL and deployment events with the pipeline uuid', () => {
    const ws = workspace();
    const events = buildStatusEventsFor(ws, 'web-app');
    const status = events[0]?.['buildStatus'] as { url: string; name: string; state: string };
    expect(status.url).toMatch(/\/(pipelines\/results|addon\/pipelines\/home#!\/results)\/\d+$/);
    expect(status.name).toMatch(/^Pipeline #\d+ for /);
    expect(events.map((e) => (e['buildStatus'] as { state: string }).state)).toContain('INPROGRESS');
    const deployment = deploymentEventsFor(ws, 'web-app')[0];
    expect(deployment?.['eventType']).toBe('avi:bitbucket:completed:deployment');
    expect((deployment?.['pipeline'] as { uuid: string }).uuid).toMatch(/^\{[0-9a-f-]{36}\}$/);
  });
});
