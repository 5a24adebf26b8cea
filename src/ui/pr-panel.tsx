/**
 * The pull-request panel (`bitbucket:repoPullRequestOverviewPanel`): for the PR's latest pipeline runs, which
 * failing tests are this PR's doing and which are not, with evidence; when all is green, the flaky tests its runs
 * hit anyway. The resolver reads the repository and pull request from the extension context.
 */
import { Heading, Inline, SectionMessage, Stack, Text } from '@forge/react';
import type { PrPanel as PrPanelData } from '../contract/resolvers';
import { formatRelative } from './format';
import { categoryText } from './components/labels';
import { PipelineLink } from './components/pipeline-link';
import { PrFailingTests, verdictSummary } from './components/pr-failing-tests';
import { EmptyNotice, ErrorNotice, LoadingState } from './components/status-messages';
import { UntrustedText } from './components/untrusted-text';
import { useResolver } from './use-resolver';

export function PrPanel() {
  const panel = useResolver('getPullRequestPanel', {});
  if (panel.data === undefined) {
    if (panel.error) {
      return (
        <ErrorNotice title="Could not load pipeline results" error={panel.error} onRetry={panel.reload} />
      );
    }
    return <LoadingState label="Checking this pull request's pipelines" />;
  }
  return <PrPanelBody panel={panel.data} />;
}

function PrPanelBody({ panel }: { panel: PrPanelData }) {
  if (panel.pipelines.length === 0) {
    return (
      <EmptyNotice
        header="No pipeline recorded for this pull request"
        description="Results appear here after a pipeline for this pull request finishes. Runs from before the app was installed show up once an admin runs a backfill."
      />
    );
  }
  const green =
    panel.failingTests.length === 0 && panel.otherFailures.length === 0 && panel.unnamedFailures === 0;
  return (
    <Stack space="space.200">
      <PipelineRuns pipelines={panel.pipelines} />
      {green ? <AllGreen panel={panel} /> : <Failures panel={panel} />}
    </Stack>
  );
}

function PipelineRuns({ pipelines }: { pipelines: PrPanelData['pipelines'] }) {
  return (
    <Inline space="space.150" shouldWrap>
      {pipelines.map((pipeline) => (
        <Inline key={pipeline.uuid} space="space.050">
          <PipelineLink
            pipeline={pipeline.buildNumber}
            url={pipeline.url}
            label={`Pipeline #${pipeline.buildNumber}`}
          />
          <Text>{`${pipeline.result.toLowerCase()}, ${formatRelative(pipeline.at)}`}</Text>
        </Inline>
      ))}
    </Inline>
  );
}

function Failures({ panel }: { panel: PrPanelData }) {
  return (
    <Stack space="space.200">
      {panel.failingTests.length > 0 && (
        <>
          <Heading size="small">{verdictSummary(panel.failingTests)}</Heading>
          <PrFailingTests tests={panel.failingTests} caption="Failing tests" />
        </>
      )}
      {panel.unnamedFailures > 0 && (
        <SectionMessage
          appearance="warning"
          title={`${panel.unnamedFailures} more failed ${panel.unnamedFailures === 1 ? 'test is' : 'tests are'} not listed`}
        >
          <Text>
            Only the first failures of a step are kept by name. The pipeline&apos;s test report in Bitbucket
            lists them all.
          </Text>
        </SectionMessage>
      )}
      {panel.otherFailures.length > 0 && (
        <SectionMessage appearance="warning" title="Steps that failed without a failing test">
          <Stack space="space.050">
            {panel.otherFailures.map((failure, index) => (
              <UntrustedText
                key={`${index}-${failure.step}`}
                text={`${failure.step}: ${categoryText(failure.category)}${failure.message ? ` \u2014 ${failure.message}` : ''}`}
                limit={400}
              />
            ))}
          </Stack>
        </SectionMessage>
      )}
    </Stack>
  );
}

function AllGreen({ panel }: { panel: PrPanelData }) {
  return (
    <Stack space="space.200">
      <SectionMessage appearance="success" title="All tests passed">
        <Text>No test failed in this pull request&apos;s latest pipelines.</Text>
      </SectionMessage>
      {panel.flakyHits.length > 0 && (
        <>
          <Heading size="small">{`Flaky tests these runs hit anyway (${panel.flakyHits.length})`}</Heading>
          <Text>These failed and then passed on a rerun. They are not this pull request&apos;s doing.</Text>
          <PrFailingTests tests={panel.flakyHits} caption="Flaky tests hit" />
        </>
      )}
    </Stack>
  );
}
