/**
 * One reader of a workspace's settings, and the detector configuration they imply. Ingestion, reports, the PR panel
 * and Code Insights all take their thresholds and branch scope from here, so a saved setting changes every label.
 */
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../contract/settings';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../domain/flakiness/types';
import * as keys from '../storage/keys';
import type { Store } from '../storage/store';

export async function readWorkspaceSettings(store: Store, workspace: string): Promise<WorkspaceSettings> {
  return { ...DEFAULT_SETTINGS, ...(await store.getDoc(keys.settings(workspace)))?.value };
}

/**
 * A form saves what it was given (`base`) as edited (`edited`); what is stored now (`current`) may hold another
 * admin's save made since the form was loaded. Only the fields this form changed are taken from it, the others
 * stay as stored: a stale form does not silently revert someone else's change. (Top-level fields, compared whole.)
 */
export function applyEdits<T extends object>(current: T, base: Partial<T>, edited: Partial<T>): T {
  const next = { ...current };
  const fields = new Set([...Object.keys(base), ...Object.keys(edited)] as (keyof T)[]);
  for (const field of fields) {
    if (isDeepStrictEqual(edited[field], base[field])) continue;
    if (edited[field] === undefined) delete next[field];
    else next[field] = edited[field];
  }
  return next;
}

/** The detector configuration a workspace's saved settings imply. */
export async function workspaceDetectorConfig(store: Store, workspace: string): Promise<DetectorConfig> {
  return detectorConfigFor(await readWorkspaceSettings(store, workspace));
}

export function detectorConfigFor(
  settings: Pick<WorkspaceSettings, 'flakyAlarmThreshold' | 'flakyRecoveryThreshold' | 'branchScope'>,
): DetectorConfig {
  return {
    ...DEFAULT_DETECTOR_CONFIG,
    alarmScore: settings.flakyAlarmThreshold,
    // Hysteresis needs recovery at or below the alarm; a form that saved them crossed still gives one label.
    recoveryScore: Math.min(settings.flakyRecoveryThreshold, settings.flakyAlarmThreshold),
    scope: settings.branchScope,
  };
}
