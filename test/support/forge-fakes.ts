/**
 * In-memory fakes of the Forge edges, shared by every test: a clock, Forge KVS, and an async-events queue.
 *
 * FakeKvs is the real `@forge/kvs` client (`KvsImpl` over `StorageApi`) talking to an in-memory KVS service, so
 * request building, `KEY_NOT_FOUND` handling and `ForgeKvsAPIError` shapes are the package's own; only the service
 * is simulated. The service enforces Forge's documented limits (key rules, 240 KiB values, depth 32, pages of
 * ≤ 100, ≤ 25 keys per batch or transaction, each key once per transaction, TTL ≤ 1 year, entity attribute types).
 * Where Forge does not document an answer, the choice is written next to it.
 *
 * FakeQueue checks pushes with `@forge/events`' own validator (≤ 50 events, ≤ 200 KB, delay ≤ 900 s) and delivers
 * at least once, with retries, optional duplicate deliveries and optional lost ones.
 *
 * FakeBitbucket is `requestBitbucket` over a Bitbucket reachable by HTTP (the simulated workspace), and
 * `fakePlatform` puts them together as the platform port the Forge handlers are built from.
 */
import { ExternalEndpointNotAllowedError, type APIResponse, type RequestInit, type Route } from '@forge/api';
import { KvsImpl } from '@forge/kvs/out/kvs';
import { StorageApi } from '@forge/kvs/out/storage-api';
import type { AsyncEvent, PushEvent, PushResult } from '@forge/events';
import { validatePushEvents, validateQueueKey } from '@forge/events/out/validators';
import type { Body } from '@forge/events/out/types';
import { z } from 'zod';
import type { ForgeFetchApi } from '../../src/bitbucket/forge-transport';
import type { UserBitbucketFetch } from '../../src/forge/access';
import { fetchPost } from '../../src/services/notifications/channels';
import type { ForgePlatform } from '../../src/forge/platform';
import type { Logger } from '../../src/services/context';
import { DOC_ENTITY_ATTRIBUTES, DOC_ENTITY_NAME } from '../../src/storage/forge-kvs-store';
import { FORGE_KVS_LIMITS, jsonBytes } from '../../src/storage/limits';

/* ------------------------------------------------------------------------------------------------ clock */

/** A settable clock in epoch milliseconds; pass `clock.now` wherever a `now: () => number` is taken. */
export class FakeClock {
  private current: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  readonly now = (): number => this.current;

  advance(ms: number): void {
    this.current += ms;
  }

  /** Moves to `ms` if that is later; time never runs backwards. */
  advanceTo(ms: number): void {
    this.current = Math.max(this.current, ms);
  }
}

/* ------------------------------------------------------------------------------------------------ KVS */

type FetchClient = ConstructorParameters<typeof StorageApi>[0];
type AttributeType = 'string' | 'boolean' | 'float' | 'integer' | 'any';

export interface FakeKvsOptions {
  now?: () => number;
  /** Custom entities as the manifest declares them; defaults to the app's `doc` entity. */
  entities?: Record<string, Record<string, { type: AttributeType }>>;
}

/** An answer the fake service gives instead of doing the operation (see `failNext`). */
export interface KvsFailure {
  status: number;
  code: string;
  message?: string;
}

/** The operations of the KVS REST API, named by their path after `/api/v1/`. */
export type KvsOperation =
  | 'get'
  | 'set'
  | 'delete'
  | 'query'
  | 'secret/get'
  | 'secret/set'
  | 'secret/delete'
  | 'entity/get'
  | 'entity/set'
  | 'entity/delete'
  | 'entity/query'
  | 'batch/get'
  | 'batch/set'
  | 'batch/delete'
  | 'transaction';

/**
 * Error codes. Documented by Forge: KEY_NOT_FOUND, EMPTY_KEY, INVALID_KEY, KEY_TOO_LONG, MAX_SIZE, MAX_DEPTH,
 * INVALID_ENTITY_VALUE, INVALID_ENTITY_TYPE. Not documented, chosen here: the answers to an existing key under
 * FAIL_IF_EXISTS and to a failed transaction condition (HTTP 409 with the codes below), and BAD_REQUEST for the
 * batch, page and TTL limits.
 */
export const FAKE_KVS_CODES = {
  keyExists: 'KEY_ALREADY_EXISTS',
  conditionFailed: 'CONDITION_CHECK_FAILED',
} as const;

/** Forge keeps secrets to 128 KiB (documented for `setSecret`). */
const MAX_SECRET_BYTES = 128 * 1024;
/** Forge's default query page size when no limit is given. */
const DEFAULT_QUERY_LIMIT = 10;

class KvsRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const badRequest = (code: string, message: string) => new KvsRequestError(400, code, message);

interface StoredItem {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expiresAt?: number;
}

const ttlSchema = z.object({ value: z.number(), unit: z.enum(['SECONDS', 'MINUTES', 'HOURS', 'DAYS']) });
const setOptionsSchema = z
  .object({
    ttl: ttlSchema.optional(),
    keyPolicy: z.enum(['OVERRIDE', 'FAIL_IF_EXISTS']).optional(),
    returnValue: z.enum(['PREVIOUS', 'LATEST']).optional(),
  })
  .optional();
const keyRequest = z.object({ key: z.string(), entityName: z.string().optional() });
const setRequest = keyRequest.extend({ value: z.unknown(), options: setOptionsSchema });
const queryRequest = z.object({
  limit: z.number().optional(),
  after: z.string().optional(),
  where: z
    .array(
      z.object({
        property: z.literal('key'),
        condition: z.literal('BEGINS_WITH'),
        values: z.tuple([z.union([z.string(), z.number()])]),
      }),
    )
    .optional(),
});
const filterItem = z.object({ property: z.string(), condition: z.string(), values: z.array(z.unknown()) });
const conditionsSchema = z.object({
  and: z.array(filterItem).optional(),
  or: z.array(filterItem).optional(),
});
const transactionRequest = z.object({
  set: z.array(setRequest.extend({ conditions: conditionsSchema.optional() })).optional(),
  delete: z.array(keyRequest.extend({ conditions: conditionsSchema.optional() })).optional(),
  check: z.array(keyRequest.extend({ conditions: conditionsSchema })).optional(),
});
type FilterItem = z.infer<typeof filterItem>;
type Conditions = z.infer<typeof conditionsSchema>;
type SetRequest = z.infer<typeof setRequest>;

const TTL_UNIT_SECONDS = { SECONDS: 1, MINUTES: 60, HOURS: 3600, DAYS: 86_400 } as const;

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw badRequest('BAD_REQUEST', `Provided request body is invalid: ${parsed.error.message}`);
  return parsed.data;
}

function checkKeyRules(key: string): void {
  if (key.length === 0) throw badRequest('EMPTY_KEY', 'Key cannot be empty.');
  if (key.length > FORGE_KVS_LIMITS.maxKeyLength)
    throw badRequest('KEY_TOO_LONG', `Key is longer than 500: ${key.length}`);
  if (!FORGE_KVS_LIMITS.keyPattern.test(key) || key.trim().length === 0) {
    throw badRequest('INVALID_KEY', 'The provided key does not match the regex');
  }
}

function valueDepth(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(valueDepth));
}

function checkValueRules(value: unknown, maxBytes: number): void {
  if (value === undefined) throw badRequest('BAD_REQUEST', 'A value is required.');
  if (jsonBytes(value) > maxBytes)
    throw badRequest('MAX_SIZE', 'The provided value has exceeded the maximum size limit.');
  if (valueDepth(value) > FORGE_KVS_LIMITS.maxValueDepth) {
    throw badRequest('MAX_DEPTH', 'The provided value has exceeded the maximum object depth (32) limit.');
  }
}

function ttlMillis(options: SetRequest['options']): number | undefined {
  if (options?.ttl === undefined) return undefined;
  const seconds = options.ttl.value * TTL_UNIT_SECONDS[options.ttl.unit];
  if (!Number.isInteger(options.ttl.value) || seconds < 1 || seconds > FORGE_KVS_LIMITS.maxTtlSeconds) {
    throw badRequest('BAD_REQUEST', `TTL must be between 1 second and 1 year, got ${seconds} s`);
  }
  return seconds * 1000;
}

function checkBatch(count: number, what: string): void {
  if (count > FORGE_KVS_LIMITS.maxBatchOps) {
    throw badRequest(
      'BAD_REQUEST',
      `${what} accepts at most ${FORGE_KVS_LIMITS.maxBatchOps} items, got ${count}`,
    );
  }
}

function compareScalars(left: unknown, right: unknown): number | undefined {
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  return undefined;
}

/** One filter clause against an entity value; an absent entity has no attributes (as DynamoDB-style stores do). */
function clauseHolds(item: Record<string, unknown> | undefined, clause: FilterItem): boolean {
  const actual = item?.[clause.property];
  const [first, second] = clause.values;
  const cmp = compareScalars(actual, first);
  switch (clause.condition) {
    case 'EXISTS':
      return actual !== undefined;
    case 'NOT_EXISTS':
      return actual === undefined;
    case 'EQUAL_TO':
      return actual !== undefined && actual === first;
    case 'NOT_EQUAL_TO':
      return actual !== undefined && actual !== first;
    case 'GREATER_THAN':
      return cmp !== undefined && cmp > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return cmp !== undefined && cmp >= 0;
    case 'LESS_THAN':
      return cmp !== undefined && cmp < 0;
    case 'LESS_THAN_EQUAL_TO':
      return cmp !== undefined && cmp <= 0;
    case 'BEGINS_WITH':
      return typeof actual === 'string' && typeof first === 'string' && actual.startsWith(first);
    case 'CONTAINS':
      return typeof actual === 'string' && typeof first === 'string' && actual.includes(first);
    case 'NOT_CONTAINS':
      return typeof actual === 'string' && typeof first === 'string' && !actual.includes(first);
    case 'BETWEEN': {
      const upper = compareScalars(actual, second);
      return cmp !== undefined && upper !== undefined && cmp >= 0 && upper <= 0;
    }
    default:
      throw badRequest('BAD_REQUEST', `Unknown condition ${clause.condition}`);
  }
}

function conditionsHold(item: Record<string, unknown> | undefined, conditions: Conditions): boolean {
  if (conditions.and !== undefined && conditions.or !== undefined) {
    throw badRequest(
      'INVALID_FILTER_OPERATORS_COMBINATION',
      'Filter operators "and" and "or" cannot be present at the same level.',
    );
  }
  if (conditions.and !== undefined) return conditions.and.every((clause) => clauseHolds(item, clause));
  if (conditions.or !== undefined) return conditions.or.some((clause) => clauseHolds(item, clause));
  throw badRequest('EMPTY_FILTER_OPERATOR', 'Filter operators "and" and "or" cannot be empty.');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function attributeMatches(type: AttributeType, value: unknown): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'integer':
      return Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
  }
}

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function encodeCursor(lastKey: string): string {
  return Buffer.from(`after:${lastKey}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('after:')) throw badRequest('BAD_REQUEST', 'Invalid cursor');
  return text.slice('after:'.length);
}

/** The simulated KVS service behind FakeKvs. Tests reach it as `fake.service`. */
export class FakeKvsService {
  /** Every request in order, by operation. */
  readonly calls: KvsOperation[] = [];
  private readonly now: () => number;
  private readonly entityTypes: Record<string, Record<string, { type: AttributeType }>>;
  private readonly plain = new Map<string, StoredItem>();
  private readonly secrets = new Map<string, StoredItem>();
  private readonly entities = new Map<string, Map<string, StoredItem>>();
  private readonly failures: { operation: KvsOperation | 'any'; failure: KvsFailure; remaining: number }[] =
    [];

  constructor(options: FakeKvsOptions) {
    this.now = options.now ?? Date.now;
    this.entityTypes = options.entities ?? { [DOC_ENTITY_NAME]: DOC_ENTITY_ATTRIBUTES };
  }

  /** The next `times` requests of `operation` (or of any operation) fail with `failure` and change nothing. */
  failNext(
    operation: KvsOperation | 'any',
    failure: KvsFailure = {
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      message: 'An internal server error has occurred',
    },
    times = 1,
  ): void {
    this.failures.push({ operation, failure, remaining: times });
  }

  callCount(operation: KvsOperation): number {
    return this.calls.filter((call) => call === operation).length;
  }

  /** Live (unexpired) plain keys, sorted; for assertions about what a test left behind. */
  plainKeys(): string[] {
    return [...this.plain.keys()].filter((key) => this.live(this.plain.get(key)) !== undefined).sort();
  }

  /** The fetch the real `StorageApi` calls. */
  readonly fetch: FetchClient = async (path, init) => {
    const operation = path.replace(/^\/api\/v1\//, '');
    if (!isOperation(operation)) return jsonResponse(404, { code: 'NOT_FOUND', message: `No route ${path}` });
    this.calls.push(operation);
    const injected = this.takeFailure(operation);
    if (injected !== undefined) {
      return jsonResponse(injected.status, {
        code: injected.code,
        message: injected.message ?? injected.code,
      });
    }
    try {
      const body: unknown = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      const answer = this.handle(operation, body);
      return answer === undefined ? new Response(null, { status: 204 }) : jsonResponse(200, answer);
    } catch (error) {
      if (error instanceof KvsRequestError)
        return jsonResponse(error.status, { code: error.code, message: error.message });
      throw error;
    }
  };

  private takeFailure(operation: KvsOperation): KvsFailure | undefined {
    const index = this.failures.findIndex((f) => f.operation === operation || f.operation === 'any');
    const entry = this.failures[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.failures.splice(index, 1);
    return entry.failure;
  }

  private handle(operation: KvsOperation, body: unknown): unknown {
    switch (operation) {
      case 'get':
        return this.getOne(this.plain, parseBody(keyRequest, body).key);
      case 'secret/get':
        return this.getOne(this.secrets, parseBody(keyRequest, body).key);
      case 'entity/get': {
        const request = parseBody(keyRequest, body);
        return this.getOne(this.entityTable(request.entityName), request.key);
      }
      case 'set':
        return this.setOne(this.plain, parseBody(setRequest, body), FORGE_KVS_LIMITS.maxValueBytes);
      case 'secret/set':
        return this.setOne(this.secrets, parseBody(setRequest, body), MAX_SECRET_BYTES);
      case 'entity/set': {
        const request = parseBody(setRequest, body);
        this.checkEntityValue(request.entityName, request.value);
        return this.setOne(this.entityTable(request.entityName), request, FORGE_KVS_LIMITS.maxValueBytes);
      }
      case 'delete':
      case 'secret/delete':
      case 'entity/delete': {
        const request = parseBody(keyRequest, body);
        checkKeyRules(request.key);
        const table =
          operation === 'delete'
            ? this.plain
            : operation === 'secret/delete'
              ? this.secrets
              : this.entityTable(request.entityName);
        table.delete(request.key);
        return undefined;
      }
      case 'query':
        return this.query(parseBody(queryRequest, body));
      case 'batch/get':
        return this.batchGet(parseBody(z.array(keyRequest), body));
      case 'batch/set':
        return this.batchSet(parseBody(z.array(setRequest), body));
      case 'batch/delete':
        return this.batchDelete(parseBody(z.array(keyRequest), body));
      case 'transaction':
        this.transact(parseBody(transactionRequest, body));
        return undefined;
      case 'entity/query':
        throw new KvsRequestError(
          501,
          'NOT_IMPLEMENTED',
          'The fake KVS service does not model entity index queries.',
        );
    }
  }

  private live(item: StoredItem | undefined): StoredItem | undefined {
    return item !== undefined && (item.expiresAt === undefined || item.expiresAt > this.now())
      ? item
      : undefined;
  }

  private describe(key: string, item: StoredItem): Record<string, unknown> {
    return {
      key,
      value: item.value,
      createdAt: item.createdAt,
      updatedAt: item.updatedAt,
      ...(item.expiresAt === undefined ? {} : { expireTime: new Date(item.expiresAt).toISOString() }),
    };
  }

  private getOne(table: Map<string, StoredItem>, key: string): unknown {
    checkKeyRules(key);
    const item = this.live(table.get(key));
    if (item === undefined) throw new KvsRequestError(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
    return this.describe(key, item);
  }

  private setOne(table: Map<string, StoredItem>, request: SetRequest, maxBytes: number): unknown {
    checkKeyRules(request.key);
    checkValueRules(request.value, maxBytes);
    const ttl = ttlMillis(request.options);
    const previous = this.live(table.get(request.key));
    if (previous !== undefined && request.options?.keyPolicy === 'FAIL_IF_EXISTS') {
      throw new KvsRequestError(409, FAKE_KVS_CODES.keyExists, 'Provided key already exists');
    }
    const now = this.now();
    const stored: StoredItem = {
      value: request.value,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      ...(ttl === undefined ? {} : { expiresAt: now + ttl }),
    };
    table.set(request.key, stored);
    if (request.options?.returnValue === undefined) return undefined;
    const returned = request.options.returnValue === 'LATEST' ? stored : previous;
    return returned === undefined ? undefined : this.describe(request.key, returned);
  }

  private entityTable(entityName: string | undefined): Map<string, StoredItem> {
    if (entityName === undefined) return this.plain;
    if (this.entityTypes[entityName] === undefined) {
      throw badRequest('INVALID_ENTITY_TYPE', `Entity ${entityName} is not declared in the manifest`);
    }
    let table = this.entities.get(entityName);
    if (table === undefined) {
      table = new Map();
      this.entities.set(entityName, table);
    }
    return table;
  }

  private checkEntityValue(entityName: string | undefined, value: unknown): void {
    if (entityName === undefined) return;
    const attributes = this.entityTypes[entityName];
    if (attributes === undefined)
      throw badRequest('INVALID_ENTITY_TYPE', `Entity ${entityName} is not declared`);
    if (!isRecord(value)) throw badRequest('INVALID_ENTITY_VALUE', 'Entity values must be objects.');
    for (const [name, attributeValue] of Object.entries(value)) {
      const declared = attributes[name];
      if (declared === undefined || !attributeMatches(declared.type, attributeValue)) {
        throw badRequest(
          'INVALID_ENTITY_VALUE',
          `Attribute ${name} does not match the declared entity ${entityName}`,
        );
      }
    }
  }

  private query(request: z.infer<typeof queryRequest>): unknown {
    const limit = request.limit ?? DEFAULT_QUERY_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > FORGE_KVS_LIMITS.maxQueryLimit) {
      throw badRequest('BAD_REQUEST', 'The page limit must be set between 1 and 100.');
    }
    const prefix = String(request.where?.[0]?.values[0] ?? '');
    const after = request.after === undefined ? undefined : decodeCursor(request.after);
    const keys = [...this.plain.keys()]
      .filter((key) => key.startsWith(prefix) && (after === undefined || key > after))
      .filter((key) => this.live(this.plain.get(key)) !== undefined)
      .sort();
    const data = keys.slice(0, limit).flatMap((key) => {
      const item = this.plain.get(key);
      return item === undefined ? [] : [this.describe(key, item)];
    });
    const last = keys[limit - 1];
    return keys.length > limit && last !== undefined ? { data, cursor: encodeCursor(last) } : { data };
  }

  /** Missing keys come back in `failedKeys` with KEY_NOT_FOUND (Forge does not document which it does). */
  private batchGet(items: z.infer<typeof keyRequest>[]): unknown {
    checkBatch(items.length, 'batch get');
    const successfulKeys: unknown[] = [];
    const failedKeys: unknown[] = [];
    for (const { key, entityName } of items) {
      checkKeyRules(key);
      const item = this.live(this.entityTable(entityName).get(key));
      const scope = entityName === undefined ? {} : { entityName };
      if (item === undefined) {
        failedKeys.push({
          key,
          ...scope,
          error: { code: 'KEY_NOT_FOUND', message: 'Provided key does not exist' },
        });
      } else {
        successfulKeys.push({ ...this.describe(key, item), ...scope });
      }
    }
    return { successfulKeys, failedKeys };
  }

  private batchSet(items: SetRequest[]): unknown {
    checkBatch(items.length, 'batch set');
    const successfulKeys: unknown[] = [];
    const failedKeys: unknown[] = [];
    for (const item of items) {
      const scope = item.entityName === undefined ? {} : { entityName: item.entityName };
      try {
        this.checkEntityValue(item.entityName, item.value);
        this.setOne(this.entityTable(item.entityName), item, FORGE_KVS_LIMITS.maxValueBytes);
        successfulKeys.push({ key: item.key, ...scope });
      } catch (error) {
        if (!(error instanceof KvsRequestError)) throw error;
        failedKeys.push({ key: item.key, ...scope, error: { code: error.code, message: error.message } });
      }
    }
    return { successfulKeys, failedKeys };
  }

  private batchDelete(items: z.infer<typeof keyRequest>[]): unknown {
    checkBatch(items.length, 'batch delete');
    for (const { key, entityName } of items) {
      checkKeyRules(key);
      this.entityTable(entityName).delete(key);
    }
    return {
      successfulKeys: items.map(({ key, entityName }) => ({ key, ...(entityName ? { entityName } : {}) })),
      failedKeys: [],
    };
  }

  /** Validates everything, then checks every condition, then writes: all or nothing. */
  private transact(request: z.infer<typeof transactionRequest>): void {
    const sets = request.set ?? [];
    const deletes = request.delete ?? [];
    const checks = request.check ?? [];
    const all = [...sets, ...deletes, ...checks];
    if (all.length === 0) throw badRequest('BAD_REQUEST', 'A transaction needs at least one operation.');
    checkBatch(all.length, 'transaction');
    const seen = new Set<string>();
    for (const op of all) {
      checkKeyRules(op.key);
      const scoped = `${op.entityName ?? ''}/${op.key}`;
      if (seen.has(scoped))
        throw badRequest('BAD_REQUEST', `Key ${op.key} is used more than once in the transaction`);
      seen.add(scoped);
      if (op.conditions !== undefined && op.entityName === undefined) {
        throw badRequest('BAD_REQUEST', 'Conditions apply to custom entities only.');
      }
    }
    for (const op of sets) {
      checkValueRules(op.value, FORGE_KVS_LIMITS.maxValueBytes);
      this.checkEntityValue(op.entityName, op.value);
      ttlMillis(op.options);
    }
    const failed = all.filter(
      (op) => op.conditions !== undefined && !this.conditionHolds(op.entityName, op.key, op.conditions),
    );
    if (failed.length > 0) {
      throw new KvsRequestError(
        409,
        FAKE_KVS_CODES.conditionFailed,
        'Transaction cancelled: a condition was not met',
      );
    }
    for (const op of sets) this.setOne(this.entityTable(op.entityName), op, FORGE_KVS_LIMITS.maxValueBytes);
    for (const op of deletes) this.entityTable(op.entityName).delete(op.key);
  }

  private conditionHolds(entityName: string | undefined, key: string, conditions: Conditions): boolean {
    const current = this.live(this.entityTable(entityName).get(key))?.value;
    return conditionsHold(isRecord(current) ? current : undefined, conditions);
  }
}

const OPERATIONS: readonly KvsOperation[] = [
  'get',
  'set',
  'delete',
  'query',
  'secret/get',
  'secret/set',
  'secret/delete',
  'entity/get',
  'entity/set',
  'entity/delete',
  'entity/query',
  'batch/get',
  'batch/set',
  'batch/delete',
  'transaction',
];

function isOperation(name: string): name is KvsOperation {
  return OPERATIONS.some((operation) => operation === name);
}

/** The real `@forge/kvs` client over the in-memory service: pass it wherever the `kvs` object is taken. */
export class FakeKvs extends KvsImpl {
  readonly service: FakeKvsService;

  constructor(options: FakeKvsOptions = {}) {
    const service = new FakeKvsService(options);
    super(new StorageApi(service.fetch));
    this.service = service;
  }
}

/* ------------------------------------------------------------------------------------------------ queue */

export interface RecordedPush<T extends Body> {
  jobId: string;
  events: PushEvent<T>[];
  at: number;
}

export interface DrainOptions<T extends Body> {
  /** Deliver this event twice (at-least-once allows it); asked once per event. */
  duplicate?: (event: AsyncEvent<T>) => boolean;
  /** Lose this event: it never reaches the consumer; asked once per event. */
  drop?: (event: AsyncEvent<T>) => boolean;
  /** Give up on an event after this many failed attempts. Default 5. */
  maxAttempts?: number;
  /** Stop after this many deliveries, so a consumer that keeps pushing cannot loop forever. Default 10,000. */
  maxDeliveries?: number;
}

export interface DrainReport<T extends Body> {
  delivered: number;
  retried: number;
  duplicated: number;
  dropped: AsyncEvent<T>[];
  /** Events still failing after `maxAttempts`. */
  failed: AsyncEvent<T>[];
}

/** A consumer: Forge retries it when it throws or returns `new InvocationError(...)`. */
export type QueueConsumer<T extends Body> = (event: AsyncEvent<T>) => Promise<unknown>;

interface Pending<T extends Body> {
  event: AsyncEvent<T>;
  dueAt: number;
  sequence: number;
  attempts: number;
  /** Duplicate/drop are decided once per event, not again on each retry. */
  decided: boolean;
}

/** `new InvocationError()` returns a plain `{ _retry, retryOptions }` object, so it is recognised by shape. */
const retryRequestSchema = z.object({
  _retry: z.literal(true),
  retryOptions: z.object({
    retryAfter: z.number(),
    retryReason: z.string(),
    retryData: z.unknown().optional(),
  }),
});

/** Seconds before a consumer that threw is tried again (Forge backs off; the exact delay is not documented). */
const RETRY_AFTER_THROW_SECONDS = 60;

export class FakeQueue<T extends Body = Body> {
  readonly pushes: RecordedPush<T>[] = [];
  private readonly pending: Pending<T>[] = [];
  private sequence = 0;
  private readonly clock: FakeClock;

  constructor(
    readonly key: string,
    clock?: FakeClock,
  ) {
    validateQueueKey(key);
    this.clock = clock ?? new FakeClock();
  }

  /** Same checks and errors as `Queue.push` from `@forge/events`. */
  async push(events: PushEvent<T> | PushEvent<T>[]): Promise<PushResult> {
    const valid = validatePushEvents(events);
    const jobId = `job-${this.pushes.length + 1}`;
    // Stored as JSON copies: the consumer gets what was serialised, not the pusher's objects.
    const copies = valid.map((event): PushEvent<T> => structuredClone(event));
    this.pushes.push({ jobId, events: copies, at: this.clock.now() });
    for (const event of copies) {
      this.sequence += 1;
      this.pending.push({
        event: { ...event, queueName: this.key, jobId, eventId: `${jobId}-event-${this.sequence}` },
        dueAt: this.clock.now() + (event.delayInSeconds ?? 0) * 1000,
        sequence: this.sequence,
        attempts: 0,
        decided: false,
      });
    }
    return { jobId };
  }

  /** Events pushed and not yet delivered or given up. */
  size(): number {
    return this.pending.length;
  }

  /** All pushed event bodies, in push order. */
  bodies(): T[] {
    return this.pushes.flatMap((push) => push.events.map((event) => event.body));
  }

  /**
   * Delivers every pending event (and any the consumer pushes meanwhile) in due order, moving the clock to each
   * event's due time. Retries as Forge does: on a throw or an InvocationError, after its `retryAfter`.
   */
  async drain(consumer: QueueConsumer<T>, options: DrainOptions<T> = {}): Promise<DrainReport<T>> {
    const maxAttempts = options.maxAttempts ?? 5;
    const maxDeliveries = options.maxDeliveries ?? 10_000;
    const report: DrainReport<T> = { delivered: 0, retried: 0, duplicated: 0, dropped: [], failed: [] };
    for (let next = this.takeNext(); next !== undefined; next = this.takeNext()) {
      if (report.delivered >= maxDeliveries) {
        this.pending.push(next);
        break;
      }
      this.clock.advanceTo(next.dueAt);
      if (!next.decided) {
        next.decided = true;
        if (options.drop?.(next.event)) {
          report.dropped.push(next.event);
          continue;
        }
        if (options.duplicate?.(next.event)) {
          report.duplicated += 1;
          this.enqueueCopy(next);
        }
      }
      await this.deliver(next, consumer, maxAttempts, report);
    }
    return report;
  }

  private takeNext(): Pending<T> | undefined {
    if (this.pending.length === 0) return undefined;
    this.pending.sort((a, b) => a.dueAt - b.dueAt || a.sequence - b.sequence);
    return this.pending.shift();
  }

  private enqueueCopy(original: Pending<T>): void {
    this.sequence += 1;
    this.pending.push({
      ...original,
      event: structuredClone(original.event),
      sequence: this.sequence,
      decided: true,
    });
  }

  private async deliver(
    item: Pending<T>,
    consumer: QueueConsumer<T>,
    maxAttempts: number,
    report: DrainReport<T>,
  ): Promise<void> {
    report.delivered += 1;
    item.attempts += 1;
    let retryAfterSeconds: number | undefined;
    let retryReason = 'FUNCTION_RETRY_REQUEST';
    let retryData: unknown;
    try {
      const result = retryRequestSchema.safeParse(await consumer(structuredClone(item.event)));
      if (result.success) {
        retryAfterSeconds = result.data.retryOptions.retryAfter;
        retryReason = result.data.retryOptions.retryReason;
        retryData = result.data.retryOptions.retryData;
      }
    } catch {
      retryAfterSeconds = RETRY_AFTER_THROW_SECONDS;
      retryReason = 'FUNCTION_PLATFORM_UNKNOWN_ERROR';
    }
    if (retryAfterSeconds === undefined) return;
    if (item.attempts >= maxAttempts) {
      report.failed.push(item.event);
      return;
    }
    report.retried += 1;
    this.pending.push({
      ...item,
      dueAt: this.clock.now() + retryAfterSeconds * 1000,
      event: { ...item.event, retryContext: { retryCount: item.attempts, retryReason, retryData } },
    });
  }
}

/* ------------------------------------------------------------------------------------------------ Bitbucket */

/**
 * `requestBitbucket` as the app, over a Bitbucket reachable by HTTP (the simulated workspace): a route goes to the
 * origin of `apiUrl`, any other URL (a `next` link on that origin, log storage) through `fetch`. `refuse` models
 * Forge's answer to a host the manifest does not declare: `@forge/api`'s `ExternalEndpointNotAllowedError`.
 */
export class FakeBitbucket implements ForgeFetchApi {
  readonly requests: string[] = [];
  private readonly origin: string;

  constructor(
    apiUrl: string,
    private readonly refuse: (url: URL) => boolean = () => false,
  ) {
    this.origin = new URL(apiUrl).origin;
  }

  requestBitbucket(route: Route, init?: RequestInit): Promise<APIResponse> {
    return this.fetch(`${this.origin}${route.value}`, init);
  }

  async fetch(url: string, init?: RequestInit): Promise<APIResponse> {
    this.requests.push(url);
    if (this.refuse(new URL(url))) throw new ExternalEndpointNotAllowedError(url);
    const { signal: _signal, ...rest } = init ?? {};
    const response = await fetch(url, { ...(rest as Parameters<typeof fetch>[1]), redirect: 'manual' });
    return response as unknown as APIResponse;
  }
}

/** `requestBitbucket` as the caller: a workspace owner who may read and write every repository. */
export const ownerAsUser: UserBitbucketFetch = async (path) => {
  const body = path.value.includes('/permissions/repositories')
    ? { values: [{ permission: 'admin' }] }
    : { permission: 'owner', uuid: '{x}' };
  return { status: 200, json: async () => body };
};

export interface FakePlatformOptions {
  kvs: FakeKvs;
  queue: FakeQueue;
  bitbucket: ForgeFetchApi;
  now: () => Date;
  asUser?: UserBitbucketFetch;
  log?: Logger;
}

/** The Forge platform port over the fakes: what `createForgeHandlers` and `createForgeResolver` take in tests. */
export function fakePlatform(o: FakePlatformOptions): ForgePlatform & { logged: string[] } {
  const logged: string[] = [];
  return {
    kvs: o.kvs,
    queue: (key) => {
      if (key !== o.queue.key) throw new Error(`no fake queue ${key}`);
      return o.queue;
    },
    bitbucket: o.bitbucket,
    asUser: o.asUser ?? ownerAsUser,
    fetch: async () => ({ ok: true, status: 200, json: async () => ({}), text: async () => '' }),
    // Chat webhooks in tests are receivers on loopback.
    webhookPost: fetchPost(),
    now: o.now,
    log: o.log ?? { info: (m) => void logged.push(m), warn: (m) => void logged.push(`warn: ${m}`) },
    logged,
  };
}
