/**
 * The preview's page routes: which UI Kit surface a path shows and which Bitbucket objects it is about. The same
 * parser serves page requests and `/api/invoke`, so a resolver call is always judged by the page it came from.
 */

/** The three app surfaces, named after the Forge module each stands in for. */
export type SurfaceKind = 'repo-page' | 'pr-panel' | 'admin-page';

export type SurfaceRoute =
  | { surface: 'repo-page'; workspace: string; repo: string }
  | { surface: 'pr-panel'; workspace: string; repo: string; pullRequestId: number }
  | { surface: 'admin-page'; workspace: string };

/** The Forge module type each surface has in manifest.yml; the product context reports it as `extension.type`. */
export const SURFACE_MODULE_TYPES: Readonly<Record<SurfaceKind, string>> = {
  'repo-page': 'bitbucket:repoMainMenuPage',
  'pr-panel': 'bitbucket:repoPullRequestOverviewPanel',
  'admin-page': 'bitbucket:workspaceSettingsMenuPage',
};

const SLUG = '([^/]+)';
const PATTERNS: { pattern: RegExp; build: (groups: string[]) => SurfaceRoute | undefined }[] = [
  {
    pattern: new RegExp(`^/repo/${SLUG}/${SLUG}/?$`),
    build: ([workspace = '', repo = '']) => ({ surface: 'repo-page', workspace, repo }),
  },
  {
    pattern: new RegExp(`^/pr/${SLUG}/${SLUG}/([0-9]+)/?$`),
    build: ([workspace = '', repo = '', id = '']) => {
      const pullRequestId = Number(id);
      return Number.isSafeInteger(pullRequestId) && pullRequestId > 0
        ? { surface: 'pr-panel', workspace, repo, pullRequestId }
        : undefined;
    },
  },
  {
    pattern: new RegExp(`^/workspace/${SLUG}/settings/?$`),
    build: ([workspace = '']) => ({ surface: 'admin-page', workspace }),
  },
];

/** Parses a URL path (no query string) into a surface route; undefined when the path is not a surface. */
export function parseSurfaceRoute(path: string): SurfaceRoute | undefined {
  for (const { pattern, build } of PATTERNS) {
    const match = pattern.exec(path);
    if (!match) continue;
    const groups = match.slice(1).map(safeDecode);
    if (groups.some((g) => g === undefined || g === '')) return undefined;
    return build(groups as string[]);
  }
  return undefined;
}

/** The canonical path of a route, used for links on the index page. */
export function surfacePath(route: SurfaceRoute): string {
  const ws = encodeURIComponent(route.workspace);
  switch (route.surface) {
    case 'repo-page':
      return `/repo/${ws}/${encodeURIComponent(route.repo)}`;
    case 'pr-panel':
      return `/pr/${ws}/${encodeURIComponent(route.repo)}/${route.pullRequestId}`;
    case 'admin-page':
      return `/workspace/${ws}/settings`;
  }
}

function safeDecode(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
