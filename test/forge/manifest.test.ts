import { readFileSync } from 'node:fs';
import path from 'node:path';
import { validate } from '@forge/manifest';
import { parse } from 'yaml';
import { DOC_ENTITY_ATTRIBUTES, DOC_ENTITY_NAME } from '../../src/storage/forge-kvs-store';
import * as entry from '../../src/index';

const root = path.resolve(__dirname, '../..');
const manifest = parse(readFileSync(path.join(root, 'manifest.yml'), 'utf8')) as {
  modules: Record<
    string,
    {
      key: string;
      handler?: string;
      events?: string[];
      triggers?: string[];
      function?: string;
      queue?: string;
      response?: { type: string };
    }[]
  >;
  permissions: { scopes: string[]; external?: { fetch?: { backend?: unknown[] } } };
  app: {
    runtime: { name: string };
    storage: { entities: { name: string; attributes: Record<string, { type: string }> }[] };
  };
};

/**
 * Runtimes Forge still deploys. `nodejs20.x` is refused for deploys and updates since 2026-05-06 (Forge changelog),
 * though @forge/manifest's schema still lists it, so the validator alone does not catch it.
 */
const DEPLOYABLE_RUNTIMES = ['nodejs22.x', 'nodejs24.x'];

/** Scopes each Bitbucket event needs (https://developer.atlassian.com/platform/forge/events-reference/bitbucket/). */
const EVENT_SCOPES: Record<string, string> = {
  'avi:bitbucket:created:build-status': 'read:repository:bitbucket',
  'avi:bitbucket:updated:build-status': 'read:repository:bitbucket',
  'avi:bitbucket:completed:deployment': 'read:pipeline:bitbucket',
};

describe('manifest.yml', () => {
  it("passes @forge/manifest's validator", async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const result = await validate(false, 'manifest.yml');
      const errors = (result.errors ?? []).filter((e) => e.level === 'error');
      expect(errors.map((e) => e.message)).toEqual([]);
      expect(result.success).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);

  it('runs on a runtime Forge still deploys', () => {
    expect(DEPLOYABLE_RUNTIMES).toContain(manifest.app.runtime.name);
  });

  it('subscribes only to known events and declares the scope of each', () => {
    const events = manifest.modules.trigger?.flatMap((t) => t.events ?? []) ?? [];
    expect(events.sort()).toEqual(Object.keys(EVENT_SCOPES).sort());
    for (const event of events) expect(manifest.permissions.scopes).toContain(EVENT_SCOPES[event]);
    expect(manifest.permissions.scopes).toContain('storage:app');
  });

  it('points every function handler at an export of src/index.ts', () => {
    for (const fn of manifest.modules.function ?? []) {
      const name = fn.handler?.replace(/^index\./, '') ?? '';
      expect(typeof (entry as Record<string, unknown>)[name]).toBe('function');
    }
  });

  it('declares the document entity the Forge store writes', () => {
    const doc = manifest.app.storage.entities.find((e) => e.name === DOC_ENTITY_NAME);
    expect(doc?.attributes).toEqual(DOC_ENTITY_ATTRIBUTES);
  });

  it('runs the merge checks on merge, the Slack command as a static web trigger, and sends over declared egress', () => {
    const checks = manifest.modules['bitbucket:mergeCheck'] ?? [];
    expect(checks.map((c) => [c.key, c.triggers])).toEqual([
      ['no-unexplained-test-failures', ['on-merge']],
      ['no-new-flaky-tests', ['on-merge']],
    ]);
    expect(manifest.permissions.scopes).toContain('read:pullrequest:bitbucket');
    // A dynamic web trigger counts as egress; the static one runs code and lets the platform answer.
    expect(manifest.modules.webtrigger?.map((w) => w.response?.type)).toEqual(['static']);
    expect(manifest.modules.consumer?.find((c) => c.queue === 'notify')?.function).toBe('notify-send');
    expect(manifest.permissions.external?.fetch?.backend).toEqual(
      expect.arrayContaining([
        { address: 'hooks.slack.com' },
        { address: '*.logic.azure.com' },
        { address: '*.api.powerplatform.com' },
      ]),
    );
  });
});
