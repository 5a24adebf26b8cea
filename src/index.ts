/** Forge entry points: each name matches a `handler:` in manifest.yml. No logic here. */
export { onBuildStatus, onDeployment, ingestPipelineHandler as ingestPipeline, reconcileHandler as reconcile } from './forge/handlers';
export { resolver } from './forge/resolver';
export { exportHistoryScheduled, exportHistoryConsumer } from './forge/export-handlers';
