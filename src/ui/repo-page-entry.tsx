/** Forge resource for `bitbucket:repoMainMenuPage`: mounts the repository page into UI Kit. */
import { StrictMode } from 'react';
import ForgeReconciler from '@forge/react';
import { RepoPage } from './repo-page';

ForgeReconciler.render(
  <StrictMode>
    <RepoPage />
  </StrictMode>,
);
