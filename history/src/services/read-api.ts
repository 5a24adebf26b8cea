/**
 * The read API, version 1: the history a team queries without SQL.
 *   GET /api/v1/repositories[?workspace=W]
 *   GET /api/v1/repositories/{uuid}/pipelines?from&to[&limit&before]   newest first, keyset pages
 *   GET /api/v1/repositories/{uuid}/flaky-tests[?at]                    tests whose latest verdict is flaky or broken
 *   GET /api/v1/repositories/{uuid}/metrics?from&to                     daily figures
 *   GET /api/v1/repositories/{uuid}/suggestions                         with their status history
 * Every call carries an API key (`authorization: Bearer <key>` or `x-api-key`), compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { header } from '../signing';
import {
  currentVerdicts,
  dailyMetrics,
  getRepository,
  listPipelines,
  listRepositories,
  listSuggestions,
  type Queryable,
} from '../db/sql';
import type { Answer } from './receive';

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
}

const MAX_RANGE_DAYS = 400;
const DAY_MS = 86_400_000;

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Hashing first gives equal lengths, so the comparison takes the same time whatever the key offered. */
export function apiKeyMatches(offered: string | undefined, keys: string[]): boolean {
  if (!offered) return false;
  const o = digest(offered);
  let ok = false;
  for (const k of keys) if (timingSafeEqual(o, digest(k))) ok = true;
  return ok;
}

function offeredKey(headers: ApiRequest['headers']): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec(header(headers, 'authorization') ?? '');
  return bearer?.[1] ?? header(headers, 'x-api-key');
}

const time = z.iso.datetime({ offset: true }).or(z.iso.date());
const rangeQuery = z
  .object({ from: time, to: time })
  .transform((q) => ({ from: new Date(q.from), to: new Date(q.to) }))
  .refine((r) => r.to > r.from, 'to must be after from')
  .refine(
    (r) => r.to.getTime() - r.from.getTime() <= MAX_RANGE_DAYS * DAY_MS,
    `a range is at most ${MAX_RANGE_DAYS} days`,
  );
const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z
    .string()
    .regex(/^[^,]+,[0-9a-f-]{36}$/, 'before is "<created_on>,<uuid>" from the previous page')
    .optional(),
});
const atQuery = z.object({ at: time.optional() });
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const bad = (message: string): Answer => ({ status: 400, body: { error: 'invalid', message } });
const notFound = (message: string): Answer => ({ status: 404, body: { error: 'not-found', message } });

function parse<T>(
  schema: z.ZodType<T>,
  query: ApiRequest['query'],
): { ok: true; value: T } | { ok: false; answer: Answer } {
  const r = schema.safeParse(query);
  if (r.success) return { ok: true, value: r.data };
  return {
    ok: false,
    answer: bad(r.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')),
  };
}

type RepoRoute = (db: Queryable, repo: string, query: ApiRequest['query'], now: Date) => Promise<Answer>;

const REPO_ROUTES: Record<string, RepoRoute> = {
  pipelines: async (db, repo, query) => {
    const range = parse(rangeQuery, query);
    if (!range.ok) return range.answer;
    const page = parse(pageQuery, query);
    if (!page.ok) return page.answer;
    const [createdOn, pipelineUuid] = page.value.before?.split(',') ?? [];
    const before = createdOn && pipelineUuid ? { createdOn, uuid: pipelineUuid } : undefined;
    const rows = await listPipelines(db, repo, range.value, { limit: page.value.limit, before });
    const last = rows[rows.length - 1];
    const next =
      rows.length === page.value.limit && last
        ? `${new Date(String(last.created_on)).toISOString()},${String(last.uuid)}`
        : undefined;
    return { status: 200, body: { pipelines: rows, ...(next ? { next } : {}) } };
  },
  'flaky-tests': async (db, repo, query, now) => {
    const at = parse(atQuery, query);
    if (!at.ok) return at.answer;
    return {
      status: 200,
      body: { tests: await currentVerdicts(db, [repo], at.value.at ? new Date(at.value.at) : now) },
    };
  },
  metrics: async (db, repo, query) => {
    const range = parse(rangeQuery, query);
    if (!range.ok) return range.answer;
    return { status: 200, body: { days: await dailyMetrics(db, repo, range.value) } };
  },
  suggestions: async (db, repo) => ({ status: 200, body: { suggestions: await listSuggestions(db, repo) } }),
};

export async function handleApiRequest(
  db: Queryable,
  apiKeys: string[],
  req: ApiRequest,
  now: Date,
): Promise<Answer> {
  if (!apiKeyMatches(offeredKey(req.headers), apiKeys)) {
    return {
      status: 401,
      body: { error: 'unauthorised', message: 'an API key is required: authorization: Bearer <key>' },
    };
  }
  if (req.method !== 'GET')
    return { status: 405, body: { error: 'method', message: 'the read API answers GET only' } };
  const parts = req.path.replace(/\/+$/, '').split('/').filter(Boolean);
  if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'repositories')
    return notFound(`no route ${req.path.slice(0, 200)}`);
  if (parts.length === 3) {
    const workspace = req.query.workspace;
    return { status: 200, body: { repositories: await listRepositories(db, workspace) } };
  }
  const [, , , repo, resource] = parts;
  const route = resource ? REPO_ROUTES[resource] : undefined;
  if (!repo || !route || parts.length !== 5) return notFound(`no route ${req.path.slice(0, 200)}`);
  if (!uuid.test(repo)) return bad('the repository is named by its UUID (lower case, no braces)');
  if (!(await getRepository(db, repo))) return notFound(`no repository ${repo}`);
  return route(db, repo, req.query, now);
}
