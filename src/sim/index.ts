/** The simulated Bitbucket workspace: a history generator with known truth and a loopback server for it. */
export {
  advance,
  computeTruth,
  generateWorkspace,
  DEFAULT_REPOS,
  type GenerateOptions,
  type RepoSpec,
} from './scenario';
export {
  startSimServer,
  type SimServer,
  type SimServerOptions,
  type SimServerStats,
  type FaultConfig,
  type FaultKind,
} from './server';
export { buildStatusEventsFor, deploymentEventsFor } from './build-status';
export type * from './model';
