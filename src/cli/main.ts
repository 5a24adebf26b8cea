#!/usr/bin/env node
/**
 * `pipeline-insights`: the local command line. Same services as the Forge app; an embedded store in a data folder.
 *   sync    ingest a Bitbucket workspace (incremental)
 *   report  print the insights of a repository (text, json, html)
 *   merge-check  the merge checks of a pull request, as Bitbucket would run them
 *   notify  send a digest, or the alerts not sent yet, to Slack and Teams
 *   serve   the app's pages in a local browser preview
 *   demo    a simulated workspace: ingest it through the real code, print the report, serve the pages
 */
import { parseArgs } from 'node:util';
import { runCommand, UsageError } from './commands';
import { describeError } from './errors';

const USAGE = `usage: pipeline-insights <command> [options]

commands:
  sync   --workspace WS [--repo SLUG]... [--since ISO-DATE] [--data-dir DIR] [--stats FILE]
         [--timeout SECONDS]
  report --workspace WS --repo SLUG [--since ISO-DATE] [--branch NAME] [--period day|week|month]
         [--format text|json|html] [--output FILE] [--data-dir DIR]
  merge-check --workspace WS --repo SLUG --pr N [--check unexplained|new-flaky] [--data-dir DIR]
  notify --workspace WS [--slack-webhook URL] [--teams-webhook URL] (--digest day|week | --alerts) [--data-dir DIR]
  serve  [--port N] [--data-dir DIR]
  demo   [--port N] [--data-dir DIR] [--no-serve]
  export --workspace WS [--data-dir DIR] --database-url URL | --to URL --secret S
  history-server --port N --database-url URL --secret S [--api-key K] [--raw-dir DIR]
  history-report --workspace WS --month YYYY-MM --database-url URL [--format json|html] [--output FILE]
         [--months N]

ISO-DATE is YYYY-MM-DD or a full timestamp (2026-01-31T09:30:00Z), not in the future; --timeout bounds each
request to Bitbucket (retries are printed as they happen).

environment: BITBUCKET_API_URL (default https://api.bitbucket.org/2.0), BITBUCKET_TOKEN, or
             BITBUCKET_EMAIL + BITBUCKET_API_TOKEN; PIPELINE_INSIGHTS_SLACK_WEBHOOK, PIPELINE_INSIGHTS_TEAMS_WEBHOOK;
             history: HISTORY_DATABASE_URL, HISTORY_SECRET, HISTORY_API_KEY`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string' },
      repo: { type: 'string', multiple: true },
      since: { type: 'string' },
      branch: { type: 'string' },
      period: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string' },
      'data-dir': { type: 'string' },
      stats: { type: 'string' },
      port: { type: 'string' },
      'no-serve': { type: 'boolean' },
      pr: { type: 'string' },
      check: { type: 'string' },
      'slack-webhook': { type: 'string' },
      'teams-webhook': { type: 'string' },
      digest: { type: 'string' },
      alerts: { type: 'boolean' },
      'database-url': { type: 'string' },
      to: { type: 'string' },
      secret: { type: 'string' },
      'api-key': { type: 'string' },
      'raw-dir': { type: 'string' },
      month: { type: 'string' },
      months: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  return runCommand(command, values);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`pipeline-insights: ${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`pipeline-insights: ${describeError(error)}\n`);
    if (process.env.PIPELINE_INSIGHTS_DEBUG && error instanceof Error)
      process.stderr.write(`${error.stack ?? ''}\n`);
    process.exitCode = 1;
  },
);
