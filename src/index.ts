/**
 * Forge entry points: each name matches a `handler:` in manifest.yml. The handlers are built once per runtime from
 * the real Forge packages (src/forge/platform.ts); tests build the same handlers over the Forge fakes.
 */
import { createForgeHandlers } from './forge/handlers';
import { forgePlatform } from './forge/platform';
import { createForgeResolver } from './forge/resolver';

const platform = forgePlatform();
const handlers = createForgeHandlers(platform);

export const onBuildStatus = handlers.onBuildStatus;
export const onDeployment = handlers.onDeployment;
export const ingestPipeline = handlers.ingestPipeline;
export const reconcile = handlers.reconcile;
export const resolver = createForgeResolver(platform);
