/**
 * What a preview page tells its browser-side host: the surface, the page's own path (sent back with every
 * `invoke`, so the server judges the call by the route it came from) and the product context that
 * `view.getContext()` / `useProductContext()` answer, shaped like the context Forge gives a Bitbucket module.
 */
import type { SurfaceKind } from './routes';

export interface PreviewProductContext {
  accountId: string;
  workspaceId: string;
  localId: string;
  moduleKey: string;
  locale: string;
  timezone: string;
  environmentType: 'DEVELOPMENT';
  extension: {
    type: string;
    workspace: { uuid: string };
    repository?: { uuid: string };
    pullRequest?: { id: number };
  };
}

export interface PreviewPageConfig {
  surface: SurfaceKind;
  routePath: string;
  context: PreviewProductContext;
}

/** The global the page shell sets before the host script runs. */
export const PAGE_CONFIG_GLOBAL = '__PIPELINE_INSIGHTS_PREVIEW__';

/** The body of `POST /api/invoke`: the resolver, its payload and the page the call comes from. */
export interface InvokeRequestBody {
  name: string;
  payload?: unknown;
  context: { route: string };
}
