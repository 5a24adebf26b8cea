/** The host's root: re-renders the app's latest forgeDoc on every reconcile, inside a page frame like Bitbucket's. */
import { useSyncExternalStore, type ReactElement } from 'react';
import Spinner from '@atlaskit/spinner';
import type { DocStore } from './doc-store';
import type { RenderDoc } from './render-doc';

export function PreviewApp({ store, render }: { store: DocStore; render: RenderDoc }): ReactElement {
  useSyncExternalStore(store.subscribe, store.version);
  const doc = store.current();
  return (
    <main data-preview-surface style={{ padding: '16px 24px', maxWidth: 1280, margin: '0 auto' }}>
      {doc ? render(doc) : <Spinner label="Loading the app" />}
    </main>
  );
}
