/** An attempt record builder with overrides, for tests and benches of what is derived from recorded attempts. */
import type { AttemptRecord } from '../../src/domain/attempt';

/** A successful default-branch run of the step "Integration tests"; ids derive from the build number. */
export function anAttempt(
  overrides: Partial<AttemptRecord> & Pick<AttemptRecord, 'buildNumber' | 'completedOn'>,
): AttemptRecord {
  const id = overrides.buildNumber.toString(16).padStart(12, '0');
  const branch = overrides.branch ?? 'main';
  return {
    repoUuid: '11111111-2222-4333-8444-555555555555',
    pipelineUuid: `00000001-0000-4000-8000-${id}`,
    pipelineRunNumber: 1,
    stepUuid: `00000002-0000-4000-8000-${id}`,
    stepName: 'Integration tests',
    runNumber: 1,
    isRerun: false,
    result: 'SUCCESSFUL',
    commit: `${id}f00dfeedbeefcafe0123456789ab`,
    branch,
    isDefaultBranch: branch === 'main',
    pipelineCreatedOn: overrides.completedOn,
    durationSeconds: 300,
    sizeMultiplier: 1,
    failedTests: [],
    failedTestsOmitted: 0,
    logRead: false,
    ...overrides,
  };
}
