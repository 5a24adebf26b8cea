/** Builders of export records and batches for the history tests, with overrides. */
import type {
  ExportBatch,
  ExportRecord,
  PipelineRecord,
  RepositoryRecord,
  StepAttemptRecord,
} from '../../history/src/contract';
import { BATCH_SCHEMA_VERSION } from '../../history/src/contract';

export const REPO = '11111111-2222-4333-8444-555555555555';

export function aRepository(o: Partial<RepositoryRecord> = {}): RepositoryRecord {
  return {
    type: 'repository',
    uuid: REPO,
    workspace: 'acme',
    slug: 'web-app',
    fullName: 'acme/web-app',
    defaultBranch: 'main',
    ...o,
  };
}

const uuidOf = (n: number, prefix = 'aaaaaaaa'): string =>
  `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

export function aPipeline(n: number, o: Partial<PipelineRecord> = {}): PipelineRecord {
  return {
    type: 'pipeline',
    repositoryUuid: REPO,
    uuid: uuidOf(n),
    buildNumber: n,
    runNumber: 1,
    result: 'SUCCESSFUL',
    commit: `c${n}`,
    branch: 'main',
    isDefaultBranch: true,
    createdOn: '2026-03-10T10:00:00.000Z',
    completedOn: '2026-03-10T10:10:00.000Z',
    durationSeconds: 600,
    buildSecondsUsed: 540,
    deployed: false,
    ...o,
  };
}

export function anAttempt(n: number, o: Partial<StepAttemptRecord> = {}): StepAttemptRecord {
  return {
    type: 'step-attempt',
    repositoryUuid: REPO,
    pipelineUuid: uuidOf(n),
    buildNumber: n,
    stepUuid: uuidOf(n, 'bbbbbbbb'),
    stepName: 'Unit tests',
    runNumber: 1,
    isRerun: false,
    result: 'SUCCESSFUL',
    commit: `c${n}`,
    branch: 'main',
    isDefaultBranch: true,
    pipelineCreatedOn: '2026-03-10T10:00:00.000Z',
    startedOn: '2026-03-10T10:01:00.000Z',
    completedOn: '2026-03-10T10:09:00.000Z',
    durationSeconds: 480,
    queueSeconds: 60,
    buildSecondsUsed: 480,
    sizeMultiplier: 2,
    tests: { total: 10, successful: 10, failed: 0, error: 0, skipped: 0 },
    failedTests: [],
    failedTestsOmitted: 0,
    ...o,
  };
}

export function aBatch(id: string, records: ExportRecord[], o: Partial<ExportBatch> = {}): ExportBatch {
  return {
    schemaVersion: BATCH_SCHEMA_VERSION,
    id,
    workspace: 'acme',
    createdAt: '2026-03-11T00:00:00.000Z',
    records,
    ...o,
  };
}
