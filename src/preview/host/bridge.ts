/**
 * The preview's `window.__bridge`: the object `@forge/bridge` and `@forge/react` talk to inside a Forge iframe.
 * In Bitbucket the product answers these calls; here `invoke` goes to the preview server's `/api/invoke` (which
 * runs the real resolvers), `getContext` answers the route's product context, `navigate` opens links, and
 * `reconcile` hands the UI Kit tree to the host renderer.
 */
import type { InvokeRequestBody, PreviewPageConfig } from '../page-config';
import type { DocStore } from './doc-store';
import { isForgeDoc } from './forge-doc';

export type CallBridge = (command: string, data?: unknown) => Promise<unknown>;

export interface BridgeDeps {
  config: PreviewPageConfig;
  store: DocStore;
  fetch: typeof fetch;
  openWindow: (url: string, target: string) => void;
  reload: () => void;
}

export function createCallBridge(deps: BridgeDeps): CallBridge {
  const handlers: Record<string, (data: unknown) => Promise<unknown>> = {
    reconcile: async (data) => reconcile(deps.store, data),
    invoke: (data) => invoke(deps, data),
    getContext: async () => structuredClone(deps.config.context),
    navigate: async (data) => navigate(deps, data),
    reload: async () => deps.reload(),
    // The reconciler reports unrecoverable render errors here; Forge shows them in place of the app.
    onError: async (data) => console.error('The app failed to render', data),
  };
  return async (command, data) => {
    const handler = handlers[command];
    if (!handler) throw new Error(`"${command}" is not available in the local preview`);
    return handler(data);
  };
}

function reconcile(store: DocStore, data: unknown): void {
  const forgeDoc = (data as { forgeDoc?: unknown } | undefined)?.forgeDoc;
  if (isForgeDoc(forgeDoc)) store.publish(forgeDoc);
}

/**
 * Answers like Forge's `invoke`: the resolver's result, or the error body a resolver answered with (the UI shows
 * it as is). An unexpected resolver failure rejects, as a resolver that throws does on Forge.
 */
async function invoke(deps: BridgeDeps, data: unknown): Promise<unknown> {
  const { functionKey, payload } = (data ?? {}) as { functionKey?: unknown; payload?: unknown };
  if (typeof functionKey !== 'string') throw new Error('functionKey must be a string');
  const body: InvokeRequestBody = {
    name: functionKey,
    payload: payload ?? {},
    context: { route: deps.config.routePath },
  };
  const response = await deps.fetch('/api/invoke', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => undefined)) as
    { result?: unknown; error?: { code?: unknown } } | undefined;
  if (response.ok && answer !== undefined) return answer.result;
  if (answer?.error && answer.error.code !== 'internal') return { error: answer.error };
  throw new Error(`There was an error invoking the function - ${functionKey} (HTTP ${response.status})`);
}

/** `router.open(url)` / `router.navigate(url)`: external links open in a new tab, as Bitbucket does after asking. */
function navigate(deps: BridgeDeps, data: unknown): void {
  const { url, type } = (data ?? {}) as { url?: unknown; type?: unknown };
  if (typeof url !== 'string')
    throw new Error('navigation needs a URL; product targets are not available locally');
  deps.openWindow(url, type === 'same-tab' ? '_self' : '_blank');
}
