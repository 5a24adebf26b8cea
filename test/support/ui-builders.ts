/**
 * Builders for what the resolvers hand the UI: realistic defaults (a Node service repository with a flaky
 * integration test, a broken unit test, a slow build step), overridden per test with only what the test is about.
 */
import { REPORT_SCHEMA_VERSION } from '../../src/contract/insights';
import type {
  EvidenceItem,
  FingerprintReport,
  PipelineHealth,
  RepoReport,
  StepReport,
  Suggestion,
  TestReport,
} from '../../src/contract/insights';
import type {
  AdminPage,
  BackfillStatus,
  PrFailingTest,
  PrPanel,
  RepoHealthRow,
} from '../../src/contract/resolvers';
import { DEFAULT_SETTINGS } from '../../src/contract/settings';

/** Fixed "now" for the fixtures: dates below are relative to it. */
export const NOW = new Date('2026-03-16T12:00:00Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3600_000).toISOString();

const RESULTS = 'https://bitbucket.org/acme/checkout-service/pipelines/results';

export function anEvidence(overrides: Partial<EvidenceItem> = {}): EvidenceItem {
  return {
    kind: 'same-commit',
    detail: 'Failed then passed on the same commit',
    commit: '9f2c4e1a7b3d5f60e8a1c2b4d6f8091a2b3c4d5e',
    pipeline: 1412,
    pipelineUuid: '{6a1f3c52-0d7e-4b9a-8c21-5f0e9d3b7a64}',
    attempt: 1,
    at: hoursAgo(20),
    url: `${RESULTS}/1412`,
    ...overrides,
  };
}

export function aTest(overrides: Partial<TestReport> = {}): TestReport {
  return {
    id: 't-checkout-retry',
    name: 'com.acme.checkout.PaymentRetryIT.retries declined card once',
    step: 'Integration tests',
    classification: 'flaky',
    quarantined: false,
    failureRate: 0.038,
    confidence: 0.93,
    flakinessScore: 0.93,
    runs: 184,
    failures: 7,
    onDefaultBranch: { runs: 120, failures: 4 },
    lastFailureAt: hoursAgo(20),
    flakySince: { commit: '1b2c3d4e5f60718293a4b5c6d7e8f9012a3b4c5d', pipeline: 1320, at: hoursAgo(24 * 12) },
    evidence: [
      anEvidence(),
      anEvidence({
        kind: 'rerun-passed',
        detail: 'Step passed on rerun',
        pipeline: 1398,
        attempt: 2,
        url: `${RESULTS}/1398`,
      }),
    ],
    ...overrides,
  };
}

export function aBrokenTest(overrides: Partial<TestReport> = {}): TestReport {
  return aTest({
    id: 't-tax-rounding',
    name: 'TaxCalculatorTest.rounds half-even for EUR',
    step: 'Unit tests',
    classification: 'broken',
    failureRate: 0.225,
    confidence: 0.96,
    flakinessScore: 0.96,
    runs: 40,
    failures: 9,
    onDefaultBranch: { runs: 30, failures: 9 },
    lastFailureAt: hoursAgo(3),
    flakySince: undefined,
    brokenSince: { commit: 'c0ffee1234567890abcdef1234567890abcdef12', pipeline: 1405, at: hoursAgo(30) },
    evidence: [
      anEvidence({
        kind: 'broken-start',
        detail: 'Failing in every run since this commit',
        pipeline: 1405,
        url: `${RESULTS}/1405`,
      }),
    ],
    ...overrides,
  });
}

export function aStep(overrides: Partial<StepReport> = {}): StepReport {
  return {
    name: 'Build',
    runs: 210,
    successRate: 0.97,
    p50Seconds: 192,
    p95Seconds: 415,
    queueP50Seconds: 8,
    queueP95Seconds: 95,
    reruns: 4,
    buildMinutes: 760,
    sizeMultiplier: 2,
    trend: [
      { week: '2026-02-23', runs: 50, p50Seconds: 170 },
      { week: '2026-03-02', runs: 55, p50Seconds: 180 },
      { week: '2026-03-09', runs: 52, p50Seconds: 240 },
    ],
    ...overrides,
  };
}

export function aSuggestion(overrides: Partial<Suggestion> = {}): Suggestion {
  return {
    id: 's-quarantine-retry',
    kind: 'quarantine-flaky-test',
    title: 'Quarantine PaymentRetryIT.retries declined card once',
    detail:
      'It failed 7 times in 184 runs and passed on rerun each time; every failure cost a rerun of Integration tests.',
    priority: 'high',
    impact: {
      minutesPerWeek: 42,
      buildMinutesPerWeek: 120,
      failedPipelinesPerWeek: 3,
      basis: {
        assumption: 'failure-rate',
        detail:
          'It fails 3.8% of runs (7 of 184): 3.8% of the 79 runs a week of "Integration tests" is 3 failed runs a week.',
      },
    },
    evidence: ['Same commit failed and passed in #1412', 'Passed on rerun in #1398'],
    status: 'open',
    subject: 't-checkout-retry',
    ...overrides,
  };
}

export function aFingerprint(overrides: Partial<FingerprintReport> = {}): FingerprintReport {
  return {
    fingerprint: 'fp-oom-build',
    category: 'infrastructure',
    cause: 'out-of-memory',
    message: "Container 'Build' exceeded memory limit.",
    count: 6,
    lastSeenAt: hoursAgo(5),
    examples: [
      { pipeline: 1410, step: 'Build', url: `${RESULTS}/1410` },
      { pipeline: 1388, step: 'Build', url: `${RESULTS}/1388` },
    ],
    ...overrides,
  };
}

export function aHealth(overrides: Partial<PipelineHealth> = {}): PipelineHealth {
  return {
    total: 220,
    successful: 187,
    failed: 25,
    stopped: 6,
    error: 2,
    expired: 0,
    reruns: 11,
    rerunAttempts: 12,
    successRate: 0.874,
    medianDurationSeconds: 612,
    p95DurationSeconds: 1380,
    buildMinutes: 4310,
    mttrHours: 5.5,
    weekly: [
      {
        week: '2026-02-23',
        runs: 70,
        reruns: 3,
        successRate: 0.86,
        medianDurationSeconds: 590,
        buildMinutes: 1380,
      },
      {
        week: '2026-03-02',
        runs: 76,
        reruns: 3,
        successRate: 0.88,
        medianDurationSeconds: 605,
        buildMinutes: 1460,
      },
      {
        week: '2026-03-09',
        runs: 74,
        reruns: 3,
        successRate: 0.875,
        medianDurationSeconds: 640,
        buildMinutes: 1470,
      },
    ],
    ...overrides,
  };
}

export function aRepoReport(overrides: Partial<RepoReport> = {}): RepoReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: NOW.toISOString(),
    workspace: 'acme',
    repository: {
      slug: 'checkout-service',
      uuid: '{0c9d8e7f-1a2b-4c3d-9e8f-7a6b5c4d3e2f}',
      defaultBranch: 'main',
    },
    window: {
      since: hoursAgo(24 * 28),
      until: NOW.toISOString(),
      branches: ['main', 'feature/retry-backoff'],
    },
    pipelines: aHealth(),
    steps: [
      aStep(),
      aStep({
        name: 'Integration tests',
        p50Seconds: 380,
        p95Seconds: 900,
        buildMinutes: 1900,
        sizeMultiplier: 1,
        regression: {
          change: 0.25,
          baselineP50Seconds: 304,
          recentP50Seconds: 380,
          firstAffectedPipeline: 1390,
          firstAffectedCommit: '0c1d2e3',
        },
      }),
    ],
    failures: [],
    failureCategories: [
      { category: 'test', count: 14, share: 0.56 },
      { category: 'infrastructure', count: 6, share: 0.24 },
      { category: 'build', count: 5, share: 0.2 },
    ],
    topFingerprints: [aFingerprint()],
    tests: [aTest(), aBrokenTest()],
    suggestions: [
      aSuggestion(),
      aSuggestion({
        id: 's-build-memory',
        kind: 'increase-step-memory',
        title: 'Give Build a 4x step size',
        detail: 'Build ran out of memory 6 times in 4 weeks.',
        priority: 'medium',
        impact: { buildMinutesPerWeek: 60, failedPipelinesPerWeek: 1.5 },
        evidence: ["Container 'Build' exceeded memory limit. (#1410, #1388)"],
        subject: 'Build',
      }),
    ],
    criticalPath: {
      pipeline: 1412,
      pipelineUuid: '{6a1f3c52-0d7e-4b9a-8c21-5f0e9d3b7a64}',
      wallSeconds: 640,
      steps: [
        { name: 'Build', seconds: 200, queueSeconds: 10 },
        { name: 'Integration tests', seconds: 420 },
      ],
    },
    ingestion: { lastRecordedAt: hoursAgo(1), attempts: 1290 },
    ...overrides,
  };
}

/** A repository the app has just been installed on: nothing recorded yet. */
export function anEmptyRepoReport(overrides: Partial<RepoReport> = {}): RepoReport {
  return aRepoReport({
    pipelines: aHealth({
      total: 0,
      successful: 0,
      failed: 0,
      stopped: 0,
      error: 0,
      expired: 0,
      successRate: undefined,
      medianDurationSeconds: undefined,
      p95DurationSeconds: undefined,
      buildMinutes: 0,
      mttrHours: undefined,
      weekly: [],
    }),
    steps: [],
    failureCategories: [],
    topFingerprints: [],
    tests: [],
    suggestions: [],
    criticalPath: undefined,
    ingestion: { attempts: 0 },
    ...overrides,
  });
}

export function aPrFailingTest(overrides: Partial<PrFailingTest> = {}): PrFailingTest {
  return {
    testId: 't-cart-total',
    name: 'CartTest.total includes shipping',
    step: 'Unit tests',
    verdict: 'new',
    evidence: [
      anEvidence({
        kind: 'failure',
        detail: 'Failed on this branch only',
        pipeline: 1501,
        url: `${RESULTS}/1501`,
      }),
    ],
    ...overrides,
  };
}

export function aPrPanel(overrides: Partial<PrPanel> = {}): PrPanel {
  return {
    pullRequestId: 87,
    pipelines: [
      { buildNumber: 1501, uuid: '{1501}', result: 'FAILED', at: hoursAgo(2), url: `${RESULTS}/1501` },
    ],
    failingTests: [
      aPrFailingTest(),
      aPrFailingTest({
        testId: 't-checkout-retry',
        name: 'com.acme.checkout.PaymentRetryIT.retries declined card once',
        step: 'Integration tests',
        verdict: 'known-flaky',
        failureRate: 0.038,
        failures: 7,
        runs: 184,
        confidence: 0.93,
        flakinessScore: 0.93,
        evidence: [anEvidence()],
      }),
      aPrFailingTest({
        testId: 't-tax-rounding',
        name: 'TaxCalculatorTest.rounds half-even for EUR',
        verdict: 'broken-on-default',
        evidence: [
          anEvidence({ kind: 'broken-start', detail: 'Failing on main since this commit', pipeline: 1405 }),
        ],
      }),
      aPrFailingTest({
        testId: 't-legacy-export',
        name: 'LegacyExportTest.writes csv',
        verdict: 'quarantined',
        evidence: [],
      }),
    ],
    flakyHits: [],
    unnamedFailures: 0,
    otherFailures: [],
    ...overrides,
  };
}

export function aRepoHealthRow(overrides: Partial<RepoHealthRow> = {}): RepoHealthRow {
  return {
    repoUuid: '{0c9d8e7f-1a2b-4c3d-9e8f-7a6b5c4d3e2f}',
    slug: 'checkout-service',
    monitored: true,
    pipelines: 220,
    successRate: 0.874,
    flakyTests: 3,
    brokenTests: 1,
    buildMinutes: 4310,
    lastRecordedAt: hoursAgo(1),
    ...overrides,
  };
}

export function aBackfillStatus(overrides: Partial<BackfillStatus> = {}): BackfillStatus {
  return { state: 'idle', reposDone: 0, reposTotal: 0, pipelinesQueued: 0, ...overrides };
}

export function anAdminPage(overrides: Partial<AdminPage> = {}): AdminPage {
  return {
    settings: { ...DEFAULT_SETTINGS },
    jiraTokenSet: false,
    repos: [
      aRepoHealthRow(),
      aRepoHealthRow({
        repoUuid: '{7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098}',
        slug: 'web-storefront',
        pipelines: 95,
        successRate: 0.96,
        flakyTests: 0,
        brokenTests: 0,
        buildMinutes: 880,
      }),
    ],
    backfill: aBackfillStatus(),
    ...overrides,
  };
}
