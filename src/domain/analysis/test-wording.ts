/**
 * How a test's two figures read in sentences (evidence, suggestions, reports): how often it fails, and how sure the
 * verdict is. They are different things: "flakiness 100%" read as "fails every time" when it meant "sure it is flaky".
 */
import type { TestClassification } from '../../contract/insights';

/** `3%`, `0.7%`, `45%`: one decimal below 10%, where it matters. */
export function percent(ratio: number): string {
  const p = ratio * 100;
  return `${p < 10 ? String(Math.round(p * 10) / 10) : String(Math.round(p))}%`;
}

/** "fails 3% of runs (5 of 166)". */
export function failsText(t: { failureRate: number; failures: number; runs: number }): string {
  return `fails ${percent(t.failureRate)} of runs (${t.failures} of ${t.runs})`;
}

/** "confidence 87% that it is flaky". */
export function confidenceText(confidence: number, classification: TestClassification): string {
  return `confidence ${percent(confidence)} that it is ${classification}`;
}

/** Both figures, with the broken case said as what it is: "fails every run since #1405 (9 of 40 runs failed)". */
export function testFiguresText(t: {
  classification: TestClassification;
  failureRate: number;
  confidence: number;
  failures: number;
  runs: number;
  brokenSince?: { pipeline: number };
}): string {
  const fails =
    t.classification === 'broken' && t.brokenSince
      ? `fails every run since #${t.brokenSince.pipeline} (${t.failures} of ${t.runs} runs failed)`
      : failsText(t);
  return `${fails}; ${confidenceText(t.confidence, t.classification)}`;
}
