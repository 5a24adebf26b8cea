/** The resolvers of the contract, behind one host: see host.ts. */
export { createResolverHost } from './host';
export type { ResolverDeps } from './deps';
export { localAccess, type AccessChecker } from './access';
export { ResolverError } from './errors';
export {
  createJiraGateway,
  createScreenUrl,
  issuePayload,
  JiraError,
  normalizeJiraSite,
  type FetchLike,
  type JiraCredential,
  type JiraConnection,
  type JiraGateway,
  type JiraIssueDraft,
  type JiraTokenStore,
} from './jira';
export { QUARANTINE_VARIABLE } from './repo-actions';
