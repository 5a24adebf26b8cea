/**
 * Browser entry of the preview host. It must run before the app bundle: `@forge/bridge` looks up
 * `globalThis.__bridge` when its modules load, exactly as inside a Forge iframe.
 */
import { createRoot } from 'react-dom/client';
import { PAGE_CONFIG_GLOBAL, type PreviewPageConfig } from '../page-config';
import { createCallBridge } from './bridge';
import { createDocStore } from './doc-store';
import { createRenderer } from './render-doc';
import { UI_KIT_COMPONENTS } from './component-map';
import { PreviewApp } from './preview-app';

declare global {
  var __bridge: { callBridge: (command: string, data?: unknown) => Promise<unknown> } | undefined;
}

function readConfig(): PreviewPageConfig {
  const config = (globalThis as Record<string, unknown>)[PAGE_CONFIG_GLOBAL];
  if (typeof config !== 'object' || config === null) throw new Error('The preview page has no configuration');
  return config as PreviewPageConfig;
}

function startHost(): void {
  const config = readConfig();
  const store = createDocStore();
  globalThis.__bridge = {
    callBridge: createCallBridge({
      config,
      store,
      fetch: (input, init) => fetch(input, init),
      openWindow: (url, target) => void window.open(url, target, 'noopener'),
      reload: () => window.location.reload(),
    }),
  };
  const container = document.getElementById('root');
  if (!container) throw new Error('The preview page has no #root element');
  createRoot(container).render(<PreviewApp store={store} render={createRenderer(UI_KIT_COMPONENTS)} />);
}

startHost();
