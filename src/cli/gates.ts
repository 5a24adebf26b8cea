/** `merge-check` and `notify`: the merge checks and the Slack / Teams messages, from the command line. */
import type { MergeCheckKind } from '../contract/gates';
import type { LocalRuntime } from '../local/runtime';
import { runMergeCheck } from '../services/merge-check';
import { knownRepositories } from '../services/sweep';
import { UsageError, type CliValues } from './commands';

function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

function parseCheck(value: string | undefined): MergeCheckKind {
  const check = value ?? 'unexplained';
  if (check === 'unexplained' || check === 'new-flaky') return check;
  throw new UsageError('--check must be unexplained or new-flaky');
}

function parsePullRequest(value: string | undefined): number {
  const id = Number(need(value, '--pr'));
  if (!Number.isSafeInteger(id) || id < 1)
    throw new UsageError(`--pr must be a pull request number, not "${String(value).slice(0, 20)}"`);
  return id;
}

/** Prints `{"success": …, "message": …}`; exits 0 when the check passes and 1 when it fails. */
export async function mergeCheckCommand(
  rt: LocalRuntime,
  values: CliValues,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const workspace = need(values.workspace, '--workspace');
  const slug = need(values.repo?.[0], '--repo');
  const pullRequestId = parsePullRequest(values.pr);
  const check = parseCheck(values.check);
  const repo = (await knownRepositories(rt, workspace)).find(
    (r) => r.repoSlug === slug || r.repoUuid === slug,
  );
  if (!repo)
    throw new UsageError(
      `nothing recorded for ${workspace}/${slug}: run \`sync --workspace ${workspace} --repo ${slug}\` first`,
    );
  const result = await runMergeCheck(rt, { workspace, repo, pullRequestId, check });
  out.write(`${JSON.stringify({ success: result.success, message: result.message })}\n`);
  return result.success ? 0 : 1;
}
