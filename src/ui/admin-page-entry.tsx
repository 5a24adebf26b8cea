/** Forge resource for `bitbucket:workspaceSettingsMenuPage` (`useAsConfig: true`): mounts the admin page into UI Kit. */
import { StrictMode } from 'react';
import ForgeReconciler from '@forge/react';
import { AdminPage } from './admin-page';

ForgeReconciler.render(
  <StrictMode>
    <AdminPage />
  </StrictMode>,
);
