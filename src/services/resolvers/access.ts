/** Who may call what, decided on the server for every call (the UI's context is never trusted on its own). */
import type { CallerContext } from '../../contract/caller';

export interface AccessChecker {
  /** The caller may read this repository (repository pages, PR panel, test decisions). */
  canReadRepo(caller: CallerContext, repoUuid: string): Promise<boolean>;
  /**
   * The caller may write to this repository: needed for what changes the team's shared state or its pipeline
   * (quarantine, suggestion status, a Jira issue created with the workspace's stored token).
   */
  canWriteRepo(caller: CallerContext, repoUuid: string): Promise<boolean>;
  /** The caller administers the workspace (settings, Jira connection, backfill). */
  canAdminWorkspace(caller: CallerContext): Promise<boolean>;
}

/** The local operator owns the data folder and the token: they may do everything. */
export const localAccess: AccessChecker = {
  canReadRepo: async () => true,
  canWriteRepo: async () => true,
  canAdminWorkspace: async () => true,
};
