/**
 * The payload of every resolver, validated at the boundary: the UI is not trusted to send what the contract says.
 * The contract (src/contract/resolvers.ts) is the one source of the payload types; each schema here must produce
 * exactly its resolver's payload, which the compiler checks both ways (`PayloadSchemas` and `Disagreeing` below).
 */
import { z } from 'zod';
import { FAILURE_CATEGORIES } from '../../contract/insights';
import type { ResolverName, ResolverPayload } from '../../contract/resolvers';
import { normalizeJiraSite } from './jira';

/** One schema per resolver, whose output is the contract's payload of that resolver. */
export type PayloadSchemas = { [N in ResolverName]: z.ZodType<ResolverPayload<N>> };

const empty = z.object({}).strict();
const testId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/);
const suggestionId = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z0-9._-]+$/);
const uuid = z.string().regex(/^\{?[0-9a-fA-F-]{36}\}?$/);
const site = z
  .string()
  .transform(normalizeJiraSite)
  .pipe(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'Enter the Jira site as acme.atlassian.net'));
const projectKey = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9_]{0,19}$/, 'A Jira project key is upper case, like OPS');
const issueType = z.string().trim().min(1).max(60);

export const jiraSettingsSchema = z.object({
  site,
  projectKey,
  email: z.string().trim().email().optional(),
  issueType: issueType.optional(),
});

/** The settings as stored and shown: what a form was loaded with (`base`), without the cross-field rule. */
const settingsFields = z
  .object({
    monitoredRepos: z.array(uuid).max(500),
    branchScope: z.enum(['default', 'all']),
    flakyAlarmThreshold: z.number().min(0.05).max(0.99),
    flakyRecoveryThreshold: z.number().min(0.01).max(0.98),
    retentionDays: z.number().int().min(7).max(365),
    codeInsights: z.boolean(),
    publishQuarantine: z.boolean(),
    jira: jiraSettingsSchema.optional(),
  })
  .strict();

export const settingsSchema = settingsFields.refine(
  (s) => s.flakyRecoveryThreshold < s.flakyAlarmThreshold,
  'The recovery threshold must be below the alarm threshold',
);

const chatChannel = z.enum(['slack', 'teams']);

export const notificationSettingsSchema = z
  .object({
    alerts: z.array(z.enum(['broken', 'flaky', 'regression', 'ingestion', 'build-minutes'])).max(5),
    digest: z
      .object({
        frequency: z.enum(['off', 'day', 'week']),
        hourUtc: z.number().int().min(0).max(23),
        weekday: z.number().int().min(1).max(7),
      })
      .strict(),
    buildMinutesPerWeek: z.number().int().min(1).max(10_000_000),
  })
  .strict();

export const mergeCheckSettingsSchema = z.object({ passWithoutPipeline: z.array(uuid).max(500) }).strict();

export const PAYLOADS = {
  getRepoInsights: z.object({ branch: z.string().min(1).max(255).optional() }).strict(),
  getPullRequestPanel: empty,
  // A cursor is the store's own (opaque, short-lived) page token, handed to the page by the previous answer.
  getFailures: z
    .object({
      category: z.enum(FAILURE_CATEGORIES).optional(),
      cursor: z.string().min(1).max(2000).optional(),
    })
    .strict(),
  setQuarantine: z.object({ testId, quarantined: z.boolean() }).strict(),
  setSuggestionStatus: z
    .object({ suggestionId, status: z.enum(['open', 'in-progress', 'done', 'dismissed']) })
    .strict(),
  createJiraIssue: z
    .object({
      subject: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('suggestion'), id: suggestionId }).strict(),
        z.object({ kind: z.literal('test'), testId }).strict(),
      ]),
    })
    .strict(),
  getAdminPage: empty,
  saveSettings: z.object({ settings: settingsSchema, base: settingsFields }).strict(),
  saveJiraConnection: z
    .object({
      site,
      projectKey,
      email: z.string().trim().email(),
      apiToken: z.string().min(1).max(1000).optional(),
      issueType: issueType.optional(),
    })
    .strict(),
  startBackfill: z.object({ days: z.number().int().min(1).max(365) }).strict(),
  getNotifications: empty,
  saveNotificationSettings: z
    .object({
      settings: notificationSettingsSchema,
      mergeCheck: mergeCheckSettingsSchema,
      base: z.object({ settings: notificationSettingsSchema, mergeCheck: mergeCheckSettingsSchema }).strict(),
    })
    .strict(),
  saveChatWebhook: z
    .object({ channel: chatChannel, url: z.string().trim().min(1).max(2000).optional() })
    .strict(),
  sendTestMessage: z.object({ channel: chatChannel }).strict(),
  saveSlackSigningSecret: z.object({ secret: z.string().trim().min(8).max(200).optional() }).strict(),
  getHistoryExport: empty,
  saveHistoryExport: z
    .object({
      enabled: z.boolean(),
      // Forge's fetch goes out over HTTPS only (PLATFORM.md, "Egress").
      endpointUrl: z
        .string()
        .trim()
        .max(500)
        .url()
        .regex(/^https:\/\//, 'The endpoint must be an https:// URL')
        .optional(),
    })
    .strict()
    .refine(
      (p) => !p.enabled || p.endpointUrl !== undefined,
      'An endpoint URL is needed to switch the export on',
    ),
  newHistoryExportSecret: empty,
  sendHistoryTestBatch: empty,
  retryHistoryExport: empty,
} satisfies PayloadSchemas;

/**
 * `satisfies` checks that each schema's output fits the contract; this checks the other way, so a field the contract
 * has and a schema lacks (which a strict schema would refuse at run time) fails the type check, naming the resolver.
 */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Disagreeing = {
  [N in ResolverName]: Same<z.output<(typeof PAYLOADS)[N]>, ResolverPayload<N>> extends true ? never : N;
}[ResolverName];
const schemasMatchTheContract: [Disagreeing] extends [never] ? true : Disagreeing = true;
void schemasMatchTheContract;
