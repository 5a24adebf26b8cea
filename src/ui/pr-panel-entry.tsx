/** Forge resource for `bitbucket:repoPullRequestOverviewPanel`: mounts the pull-request panel into UI Kit. */
import { StrictMode } from 'react';
import ForgeReconciler from '@forge/react';
import { PrPanel } from './pr-panel';

ForgeReconciler.render(
  <StrictMode>
    <PrPanel />
  </StrictMode>,
);
