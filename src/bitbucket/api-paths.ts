/**
 * Bitbucket REST API 2.0 paths, relative to the API base (`https://api.bitbucket.org/2.0`), built only from
 * encoded segments so no caller-supplied value can change the path. UUIDs go as `%7B...%7D`.
 */
import type { RepoRef } from '../domain/types';
import { isUuid, uuidPathSegment } from '../domain/uuid';

/** A slug or a `{uuid}`, URL-encoded. Empty values are refused: they would silently address another resource. */
export function pathSegment(value: string): string {
  if (value.trim() === '') throw new RangeError('empty path segment');
  return isUuid(value) ? uuidPathSegment(value) : encodeURIComponent(value);
}

/** `a=1&fields=x,y`: values encoded, commas kept readable (Bitbucket accepts both forms). */
export function queryString(params: Record<string, string | number | undefined>): string {
  return Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v)).replace(/%2C/g, ',')}`)
    .join('&');
}

export const workspaceReposPath = (workspace: string): string => `/repositories/${pathSegment(workspace)}`;

export const repoPath = (repo: Pick<RepoRef, 'workspace' | 'repoSlug'>): string =>
  `/repositories/${pathSegment(repo.workspace)}/${pathSegment(repo.repoSlug)}`;

export const pipelinesPath = (repo: RepoRef): string => `${repoPath(repo)}/pipelines`;

export const pipelinePath = (repo: RepoRef, pipelineUuid: string): string =>
  `${pipelinesPath(repo)}/${uuidPathSegment(pipelineUuid)}`;

export const stepsPath = (repo: RepoRef, pipelineUuid: string): string =>
  `${pipelinePath(repo, pipelineUuid)}/steps`;

export const stepPath = (repo: RepoRef, pipelineUuid: string, stepUuid: string): string =>
  `${stepsPath(repo, pipelineUuid)}/${uuidPathSegment(stepUuid)}`;

export const testReportPath = (repo: RepoRef, pipelineUuid: string, stepUuid: string): string =>
  `${stepPath(repo, pipelineUuid, stepUuid)}/test_reports`;

const COMMIT_HASH = /^[0-9a-f]{7,40}$/i;

/** A commit hash, checked: `src/{commit}/...` with anything else would read another ref. */
export function commitSegment(commit: string): string {
  if (!COMMIT_HASH.test(commit))
    throw new RangeError(`not a commit hash: ${JSON.stringify(commit.slice(0, 60))}`);
  return commit.toLowerCase();
}

/** `dir/bitbucket-pipelines.yml` → `dir/bitbucket-pipelines.yml` with each segment encoded; `..` is refused. */
export function filePathSegments(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts.length === 0 || parts.some((p) => p === '..' || p === '.')) {
    throw new RangeError(`not a repository file path: ${JSON.stringify(path.slice(0, 200))}`);
  }
  return parts.map(encodeURIComponent).join('/');
}

export const reportPath = (repo: RepoRef, commit: string, reportId: string): string =>
  `${repoPath(repo)}/commit/${commitSegment(commit)}/reports/${pathSegment(reportId)}`;

export const variablesPath = (repo: RepoRef): string => `${repoPath(repo)}/pipelines_config/variables`;

export function pullRequestPath(repo: RepoRef, pullRequestId: number): string {
  if (!Number.isSafeInteger(pullRequestId) || pullRequestId < 1)
    throw new RangeError(`not a pull request id: ${pullRequestId}`);
  return `${repoPath(repo)}/pullrequests/${pullRequestId}`;
}
