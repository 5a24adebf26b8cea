/**
 * A realistic report for the renderer tests, built from the UI builders: four weeks of a Node service with an old
 * flaky test, a test that turned flaky two days ago, a broken test, a step regression and a hostile test name set.
 */
import type { RepoReport } from '../../src/contract/insights';
import { NOW, aFingerprint, aHealth, aRepoReport, aStep, aSuggestion, aTest } from '../support/ui-builders';

export const daysAgo = (days: number): string => new Date(NOW.getTime() - days * 86_400_000).toISOString();

export const HOSTILE_NAME = 'CheckoutTest.<img src=x onerror=alert(1)> renders "quotes" & \'apostrophes\'';
/** As long as Bitbucket keeps a name: 2,000 characters. */
export const LONG_NAME = `LongNameTest.${'a'.repeat(1987)}`;
export const RTL_NAME = 'اختبار الدفع.يرفض البطاقة المنتهية';

export function aFullReport(overrides: Partial<RepoReport> = {}): RepoReport {
  const base = aRepoReport();
  return aRepoReport({
    pipelines: aHealth({
      buildMinutesPerSuccessfulDeployment: 38.5,
      weekly: [
        {
          week: '2026-02-16',
          runs: 12,
          reruns: 1,
          successRate: 0.7,
          medianDurationSeconds: 560,
          buildMinutes: 300,
        },
        ...aHealth().weekly,
        { week: '2026-03-16', runs: 8, reruns: 1, medianDurationSeconds: undefined, buildMinutes: 100 },
      ],
    }),
    steps: [
      ...base.steps,
      aStep({
        name: 'Deploy to staging',
        runs: 40,
        p50Seconds: 95,
        p95Seconds: 140,
        buildMinutes: 70,
        sizeMultiplier: 1,
        regression: {
          change: 0.6,
          baselineP50Seconds: 60,
          recentP50Seconds: 96,
          firstAffectedPipeline: 1409,
          firstAffectedCommit: '9f4c2a7',
          since: daysAgo(3),
          runsSince: 9,
          scope: 'default-branch',
        },
      }),
    ],
    tests: [
      ...base.tests,
      aTest({
        id: 't-new-flaky',
        name: 'OrderServiceIT.cancels pending order',
        failureRate: 0.1,
        confidence: 0.71,
        flakinessScore: 0.71,
        runs: 30,
        failures: 3,
        flakySince: { commit: 'abcdef0123456789abcdef0123456789abcdef01', pipeline: 1408, at: daysAgo(2) },
      }),
      aTest({
        id: 't-hostile',
        name: HOSTILE_NAME,
        flakySince: undefined,
        classification: 'broken',
        brokenSince: { commit: 'deadbeef', pipeline: 1400, at: daysAgo(20) },
      }),
      aTest({
        id: 't-long',
        name: LONG_NAME,
        flakySince: { commit: '0123456', pipeline: 1380, at: daysAgo(40) },
      }),
      aTest({
        id: 't-rtl',
        name: RTL_NAME,
        flakySince: { commit: '7654321', pipeline: 1411, at: daysAgo(1) },
      }),
      aTest({
        id: 't-healthy',
        name: 'CartTest.adds item',
        classification: 'healthy',
        flakySince: undefined,
        failureRate: 0,
        confidence: 0.9,
        flakinessScore: 0.9,
        failures: 0,
        evidence: [],
      }),
    ],
    topFingerprints: [
      aFingerprint(),
      aFingerprint({
        fingerprint: 'fp-assert',
        category: 'test',
        cause: 'test-failure',
        message: 'expected 200 but got 502',
        count: 14,
        examples: [{ pipeline: 1411, step: 'Integration tests', url: 'javascript:alert(1)' }],
      }),
      aFingerprint({
        fingerprint: 'fp-npm',
        category: 'dependency',
        cause: undefined,
        message: 'npm ERR! ETIMEDOUT registry.npmjs.org',
        count: 4,
      }),
      aFingerprint({
        fingerprint: 'fp-tsc',
        category: 'build',
        cause: 'compile',
        message: "TS2322: Type 'string' is not assignable",
        count: 3,
      }),
      aFingerprint({
        fingerprint: 'fp-docker',
        category: 'infrastructure',
        cause: 'docker-rate-limit',
        message: 'toomanyrequests: pull rate limit',
        count: 2,
      }),
      aFingerprint({
        fingerprint: 'fp-timeout',
        category: 'timeout',
        cause: 'time-limit',
        message: 'Step exceeded 120 minutes',
        count: 1,
      }),
    ],
    suggestions: [
      ...base.suggestions,
      aSuggestion({
        id: 's-cache',
        kind: 'add-cache',
        title: 'Cache node_modules in Build',
        priority: 'medium',
        impact: { minutesPerWeek: 55 },
        subject: 'Build',
      }),
      aSuggestion({
        id: 's-split',
        kind: 'split-test-step',
        title: 'Split Integration tests in two parallel steps',
        priority: 'low',
        impact: { minutesPerWeek: 30 },
      }),
      aSuggestion({
        id: 's-done',
        kind: 'add-cache',
        title: 'Cache the Docker layers',
        priority: 'high',
        status: 'done',
        impact: { minutesPerWeek: 90 },
      }),
      aSuggestion({
        id: 's-broken',
        kind: 'fix-broken-test',
        title: 'Fix TaxCalculatorTest.rounds half-even for EUR',
        priority: 'high',
        impact: { failedPipelinesPerWeek: 6 },
      }),
      aSuggestion({
        id: 's-infra',
        kind: 'reduce-infrastructure-failures',
        title: 'Authenticate Docker Hub pulls',
        priority: 'low',
        impact: { failedPipelinesPerWeek: 0.5 },
      }),
    ],
    ...overrides,
  });
}
