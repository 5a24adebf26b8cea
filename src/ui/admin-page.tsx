/**
 * The workspace admin page (`bitbucket:workspaceSettingsMenuPage`, `useAsConfig`): settings, the Jira connection,
 * backfill with progress, and every repository's health side by side. The resolver checks on the server that the
 * caller administers the workspace; the page only shows what it answers.
 */
import { useEffect, useState } from 'react';
import { Heading, Stack, Tab, TabList, TabPanel, Tabs } from '@forge/react';
import type { AdminPage as AdminPageData } from '../contract/resolvers';
import { BackfillPanel } from './components/backfill-panel';
import { JiraConnectionForm } from './components/jira-connection-form';
import { NotificationsPanel } from './components/notifications-panel';
import { RepoHealthTable } from './components/repo-health-table';
import { HistoryExportPanel } from './components/history-export-panel';
import { SettingsForm } from './components/settings-form';
import { ErrorNotice, LoadingState } from './components/status-messages';
import { useResolver } from './use-resolver';

/** A backfill takes minutes to hours; checking every few seconds shows progress without spending the invoke budget. */
export const BACKFILL_POLL_MS = 5000;
const NOTIFICATIONS_TAB = 4;

export function AdminPage({ pollIntervalMs = BACKFILL_POLL_MS }: { pollIntervalMs?: number }) {
  const admin = useResolver('getAdminPage', {});
  // The Notifications tab loads its own data, only once someone opens it.
  const [notificationsOpened, setNotificationsOpened] = useState(false);
  const running = admin.data?.backfill.state === 'running' && !admin.data.backfill.stalled;
  const { reload, loading } = admin;

  useEffect(() => {
    if (!running || loading) return undefined;
    const timer = setTimeout(reload, pollIntervalMs);
    return () => clearTimeout(timer);
  }, [running, loading, reload, pollIntervalMs]);

  if (admin.data === undefined) {
    if (admin.error) {
      return (
        <ErrorNotice
          title="Could not load Pipeline Insights settings"
          error={admin.error}
          onRetry={admin.reload}
        />
      );
    }
    return <LoadingState label="Loading settings" />;
  }
  const page = admin.data;
  const set = (change: Partial<AdminPageData>) => admin.update((current) => ({ ...current, ...change }));

  return (
    <Stack space="space.200">
      <Heading size="large">Pipeline Insights</Heading>
      {admin.error && (
        <ErrorNotice title="Could not refresh this page" error={admin.error} onRetry={admin.reload} />
      )}
      <Tabs
        id="admin-tabs"
        onChange={(index: number) => index === NOTIFICATIONS_TAB && setNotificationsOpened(true)}
      >
        <TabList>
          <Tab>Settings</Tab>
          <Tab>Jira</Tab>
          <Tab>Backfill</Tab>
          <Tab>Repository health</Tab>
          <Tab>Notifications</Tab>
          <Tab>History export</Tab>
        </TabList>
        <TabPanel>
          <SettingsForm
            settings={page.settings}
            repos={page.repos}
            onSaved={(settings) => set({ settings })}
          />
        </TabPanel>
        <TabPanel>
          <JiraConnectionForm jira={page.settings.jira} tokenSet={page.jiraTokenSet} />
        </TabPanel>
        <TabPanel>
          <BackfillPanel status={page.backfill} onStarted={(backfill) => set({ backfill })} />
        </TabPanel>
        <TabPanel>
          <RepoHealthTable repos={page.repos} />
        </TabPanel>
        <TabPanel>{notificationsOpened && <NotificationsPanel />}</TabPanel>
        <TabPanel>
          <HistoryExportPanel
            status={page.historyExport}
            onChange={(historyExport) => set({ historyExport })}
          />
        </TabPanel>
      </Tabs>
    </Stack>
  );
}
