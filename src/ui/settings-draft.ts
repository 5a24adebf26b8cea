/**
 * The admin settings form as text fields (what a person types) and its validation into `WorkspaceSettings`.
 * Thresholds read as percentages on screen and are stored as 0..1.
 */
import type { WorkspaceSettings } from '../contract/settings';

export interface SettingsDraft {
  monitoredRepos: string[];
  branchScope: WorkspaceSettings['branchScope'];
  flakyAlarmPercent: string;
  flakyRecoveryPercent: string;
  retentionDays: string;
  codeInsights: boolean;
  publishQuarantine: boolean;
}

export type DraftField = 'flakyAlarmPercent' | 'flakyRecoveryPercent' | 'retentionDays';

/** Forge KVS keeps a TTL of at most one year, so raw records cannot be kept longer. */
export const MAX_RETENTION_DAYS = 365;
export const MIN_RETENTION_DAYS = 7;

export function draftOf(settings: WorkspaceSettings): SettingsDraft {
  return {
    monitoredRepos: settings.monitoredRepos,
    branchScope: settings.branchScope,
    flakyAlarmPercent: String(Math.round(settings.flakyAlarmThreshold * 100)),
    flakyRecoveryPercent: String(Math.round(settings.flakyRecoveryThreshold * 100)),
    retentionDays: String(settings.retentionDays),
    codeInsights: settings.codeInsights,
    publishQuarantine: settings.publishQuarantine,
  };
}

function wholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

export type DraftResult =
  { ok: true; settings: WorkspaceSettings } | { ok: false; errors: Partial<Record<DraftField, string>> };

/** `base` carries what the form does not edit (the Jira connection has its own form). */
export function validateDraft(draft: SettingsDraft, base: WorkspaceSettings): DraftResult {
  const errors: Partial<Record<DraftField, string>> = {};
  const alarm = wholeNumber(draft.flakyAlarmPercent);
  const recovery = wholeNumber(draft.flakyRecoveryPercent);
  const retention = wholeNumber(draft.retentionDays);
  if (alarm === undefined || alarm < 1 || alarm > 99)
    errors.flakyAlarmPercent = 'Enter a whole percentage from 1 to 99.';
  if (recovery === undefined || recovery < 1 || recovery > 99) {
    errors.flakyRecoveryPercent = 'Enter a whole percentage from 1 to 99.';
  } else if (alarm !== undefined && recovery >= alarm) {
    // Hysteresis: a test recovers below a lower score than the one that flagged it, so labels do not flap.
    errors.flakyRecoveryPercent =
      'Must be lower than the flaky threshold, so labels do not flip back and forth.';
  }
  if (retention === undefined || retention < MIN_RETENTION_DAYS || retention > MAX_RETENTION_DAYS) {
    errors.retentionDays = `Enter a number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}.`;
  }
  if (
    alarm === undefined ||
    recovery === undefined ||
    retention === undefined ||
    Object.keys(errors).length > 0
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    settings: {
      ...base,
      monitoredRepos: draft.monitoredRepos,
      branchScope: draft.branchScope,
      flakyAlarmThreshold: alarm / 100,
      flakyRecoveryThreshold: recovery / 100,
      retentionDays: retention,
      codeInsights: draft.codeInsights,
      publishQuarantine: draft.publishQuarantine,
    },
  };
}
