/**
 * One reader of a workspace's settings, and the detector configuration they imply. Ingestion, reports, the PR panel
 * and Code Insights all take their thresholds and branch scope from here, so a saved setting changes every label.
 */
import { DEFAULT_SETTINGS, type WorkspaceSettings } from '../contract/settings';
import { DEFAULT_DETECTOR_CONFIG, type DetectorConfig } from '../domain/flakiness/types';
import * as keys from '../storage/keys';
import type { Store } from '../storage/store';

export async function readWorkspaceSettings(store: Store, workspace: string): Promise<WorkspaceSettings> {
  return { ...DEFAULT_SETTINGS, ...(await store.get(keys.settings(workspace))) };
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
