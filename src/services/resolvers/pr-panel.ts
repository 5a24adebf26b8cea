/**
 * The pull request panel: the PR's latest pipeline(s) from its index document (src/domain/pr-index), and the verdict
 * of each failing test (src/services/verdicts) so a reviewer knows whether the red is theirs: quarantined, known
 * flaky, broken on the default branch, or new.
 */
import type { PrPanel } from '../../contract/resolvers';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../../domain/flakiness/types';
import type { PrAttempt } from '../../domain/pr-index';
import type { RepoRef } from '../../domain/types';
import * as keys from '../../storage/keys';
import type { Store } from '../../storage/store';
import { asPrFailingTest, changeVerdicts, latestAttemptPerStep } from '../verdicts';

const WEB_URL = 'https://bitbucket.org';

/**
 * Reads: the PR's index document, the quarantine list, the test index and track of each step involved and the
 * detector state of each failing test (in batches of 25): bounded by the index's caps, whatever the history.
 * Labels follow `config`: the workspace's thresholds and branch scope (`detectorConfigFor`).
 */
export async function pullRequestPanel(
  store: Store,
  repo: RepoRef,
  pullRequestId: number,
  config: DetectorConfig = DEFAULT_DETECTOR_CONFIG,
): Promise<PrPanel> {
  const index = await store.getDoc(keys.pullRequestIndex(repo.repoUuid, pullRequestId));
  const latest = index?.value.attempts ?? [];
  const verdicts = await changeVerdicts(store, repo, latest, config);
  return {
    pullRequestId,
    ...(index?.value.commit ? { commit: index.value.commit } : {}),
    pipelines: pipelineRows(repo, latest),
    failingTests: verdicts.failingTests.map(asPrFailingTest),
    flakyHits: verdicts.flakyHits.map(asPrFailingTest),
    unnamedFailures: verdicts.unnamedFailures,
    otherFailures: verdicts.otherFailures,
  };
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
