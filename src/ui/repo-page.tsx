/**
 * The repository page ("Pipeline insights", `bitbucket:repoMainMenuPage`): health, tests, steps, failures and
 * suggestions for one repository, from one `getRepoInsights` call. The resolver knows the repository from the
 * extension context, so the page sends no identifiers.
 */
import { Button, Heading, Inline, Stack, Tab, TabList, TabPanel, Tabs, Text } from '@forge/react';
import type { RepoReport } from '../contract/insights';
import { FailurePanel } from './components/failure-panel';
import { BackfillBanner, backfillProgress, lastRecordedText } from './components/ingestion-status';
import { Overview } from './components/overview';
import { EmptyNotice, ErrorNotice, LoadingState } from './components/status-messages';
import { StepsTab } from './components/steps-tab';
import { SuggestionList } from './components/suggestion-list';
import { TestsTab } from './components/tests-tab';
import { useResolver } from './use-resolver';

export function RepoPage() {
  const insights = useResolver('getRepoInsights', {});
  const report = insights.data;

  if (report === undefined) {
    if (insights.error) {
      return (
        <ErrorNotice
          title="Could not load pipeline insights"
          error={insights.error}
          onRetry={insights.reload}
        />
      );
    }
    return <LoadingState label="Loading pipeline insights" />;
  }
  if (report.pipelines.total === 0) return <NoDataYet report={report} onCheckAgain={insights.reload} />;

  return (
    <Stack space="space.200">
      <Inline spread="space-between" alignBlock="center">
        <Heading size="large">Pipeline insights</Heading>
        <Text color="color.text.subtle">{lastRecordedText(report.ingestion)}</Text>
      </Inline>
      <BackfillBanner ingestion={report.ingestion} />
      {report.viewer?.canChange === false && (
        <Text color="color.text.subtle">
          You can read these insights. Quarantining tests and changing suggestion statuses need write access
          to this repository.
        </Text>
      )}
      <InsightTabs report={report} />
    </Stack>
  );
}

function InsightTabs({ report }: { report: RepoReport }) {
  return (
    <Tabs id="insights-tabs">
      <TabList>
        <Tab>Overview</Tab>
        <Tab>Tests</Tab>
        <Tab>Steps</Tab>
        <Tab>Failures</Tab>
        <Tab>Suggestions</Tab>
      </TabList>
      <TabPanel>
        <Overview report={report} />
      </TabPanel>
      <TabPanel>
        <TestsTab report={report} />
      </TabPanel>
      <TabPanel>
        <StepsTab report={report} />
      </TabPanel>
      <TabPanel>
        <FailurePanel report={report} />
      </TabPanel>
      <TabPanel>
        <SuggestionList suggestions={report.suggestions} canChange={report.viewer?.canChange ?? true} />
      </TabPanel>
    </Tabs>
  );
}

/** Nothing recorded: say why, and what makes data appear (a finished pipeline, or a backfill). */
function NoDataYet({ report, onCheckAgain }: { report: RepoReport; onCheckAgain: () => void }) {
  const backfill = report.ingestion.backfill;
  const running = backfill?.state === 'running';
  return (
    <Stack space="space.200" alignInline="center">
      <EmptyNotice
        header={running ? 'Importing past pipelines' : 'No pipeline runs recorded yet'}
        description={
          running && backfill
            ? `A backfill is importing this repository's history: ${backfillProgress(backfill)}. Insights appear as pipelines arrive.`
            : 'Insights appear after the next pipeline in this repository finishes. To see past runs now, a workspace admin can start a backfill on the Pipeline Insights settings page.'
        }
      />
      <Button onClick={onCheckAgain}>Check again</Button>
    </Stack>
  );
}
