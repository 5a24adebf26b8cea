/**
 * Forge entry points: each name matches a `handler:` in manifest.yml. The handlers are built once per runtime from
 * the real Forge packages (src/forge/platform.ts); tests build the same handlers over the Forge fakes.
 */
import { createForgeHandlers } from './forge/handlers';
import { createExportHandlers } from './forge/export-handlers';
import { mergeCheckEdges, mergeCheckHandler } from './forge/merge-check';
import {
  notifyEdges,
  notifySendHandler,
  notifyTickHandler,
  slackCommandHandler,
} from './forge/notifications';
import { forgePlatform } from './forge/platform';
import { createForgeResolver } from './forge/resolver';

const platform = forgePlatform();
const handlers = createForgeHandlers(platform);
const gates = mergeCheckEdges(platform);
const notify = notifyEdges(platform);
const history = createExportHandlers(platform);

export const onBuildStatus = handlers.onBuildStatus;
export const onDeployment = handlers.onDeployment;
export const ingestPipeline = handlers.ingestPipeline;
export const reconcile = handlers.reconcile;
export const resolver = createForgeResolver(platform);
export const mergeCheckUnexplained = mergeCheckHandler('unexplained', gates);
export const mergeCheckNewFlaky = mergeCheckHandler('new-flaky', gates);
export const notifyTick = notifyTickHandler(notify);
export const notifySend = notifySendHandler(notify);
export const slackCommand = slackCommandHandler(notify);
export const exportHistoryScheduled = history.exportHistoryScheduled;
export const exportHistoryConsumer = history.exportHistoryConsumer;
