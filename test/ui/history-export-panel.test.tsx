/** The History export tab: switch on with an https endpoint, the secret shown once, the status as a person reads it. */
import type { HistoryExportStatus } from '../../src/contract/resolvers';
// The harness first: it installs the bridge the UI Kit modules look for when they load.
import { ok, render, type Screen } from '../support/ui-harness';
import { AdminPage } from '../../src/ui/admin-page';
import { anAdminPage } from '../support/ui-builders';

const EXPORT_TAB = 5;
const OFF: HistoryExportStatus = {
  enabled: false,
  secretSet: false,
  recordsExported: 0,
  batchesSent: 0,
  parked: false,
};
const SECRET = 'whsec_dGhpcy1pcy1hLXRlc3Qtc2lnbmluZy1zZWNyZXQtMDEyMw==';

const field = (screen: Screen, id: string) =>
  screen.one('Textfield', (node) => String(node.props.id).endsWith(id));

it('saves the endpoint only when it is https, then shows a new secret once', async () => {
  const screen = await render(<AdminPage />, {
    getAdminPage: ok(anAdminPage({ historyExport: OFF })),
    saveHistoryExport: (p) => ok({ ...OFF, enabled: p.enabled, endpointUrl: p.endpointUrl }),
    newHistoryExportSecret: ok({ secret: SECRET }),
  });
  const tab = screen.tabPanel(EXPORT_TAB);
  expect(tab.text()).toContain('The export is off.');
  await screen.toggle(
    screen.one('Toggle', (n) => String(n.props.id).endsWith('history-enabled')),
    true,
  );
  await screen.type(field(screen, 'history-url'), 'http://history.example.com/batches');
  await screen.click(screen.button('Save'));
  expect(tab.text()).toContain('Enter the receiver URL, starting with https://.');
  expect(screen.calls.filter((c) => c.name === 'saveHistoryExport')).toEqual([]);
  await screen.type(field(screen, 'history-url'), 'https://abc.execute-api.eu-west-1.amazonaws.com/batches');
  await screen.click(screen.button('Save'));
  expect(screen.calls.filter((c) => c.name === 'saveHistoryExport').map((c) => c.payload)).toEqual([
    { enabled: true, endpointUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/batches' },
  ]);
  await screen.click(screen.button('Generate a new secret'));
  expect(tab.text()).toContain(SECRET);
  expect(tab.text()).toContain('Copy this secret now: it is not shown again');
});

it('shows progress, lag and a refusal with a way to retry', async () => {
  const parked: HistoryExportStatus = {
    enabled: true,
    endpointUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/batches',
    secretSet: true,
    phase: 'journal',
    recordsExported: 1234,
    batchesSent: 7,
    lastBatch: { id: 'pi-1', at: new Date(Date.now() - 3_600_000).toISOString(), records: 180 },
    lagSeconds: 5400,
    lastError: {
      at: new Date().toISOString(),
      message: 'the receiver answered 400: invalid batch: records.3.result',
      status: 400,
    },
    parked: true,
  };
  const screen = await render(<AdminPage />, {
    getAdminPage: ok(anAdminPage({ historyExport: parked })),
    retryHistoryExport: ok({ ...parked, parked: false }),
  });
  const text = screen.tabPanel(EXPORT_TAB).text();
  expect(text).toContain('1,234 records exported in 7 batches.');
  expect(text).toContain('Oldest record not yet delivered: 1h 30m old.');
  expect(text).toContain('The receiver refused a batch: the export is stopped');
  expect(text).toContain('invalid batch: records.3.result');
  await screen.click(screen.button('Retry now'));
  expect(screen.calls.map((c) => c.name)).toContain('retryHistoryExport');
});
