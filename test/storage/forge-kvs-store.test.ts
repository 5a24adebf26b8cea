import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ForgeKvsAPIError } from '@forge/kvs';
import { z } from 'zod';
import {
  DOC_ENTITY_ATTRIBUTES,
  DOC_ENTITY_NAME,
  ForgeKvsStore,
  isConditionFailedError,
  isKeyExistsError,
  KvsBatchReadError,
  MalformedDocError,
} from '../../src/storage/forge-kvs-store';
import { doc, key } from '../../src/storage/keys';
import { StoreConflictError } from '../../src/storage/store';
import { FakeKvs } from '../support/forge-fakes';
import { describeStoreContract } from './store-contract';

describeStoreContract('ForgeKvsStore over FakeKvs', (now) => ({
  store: new ForgeKvsStore({ kvs: new FakeKvs({ now }) }),
}));

function apiError(status: number, code: string): ForgeKvsAPIError {
  return new ForgeKvsAPIError({ status, statusText: '' }, { code, message: code });
}

describe('ForgeKvsStore against Forge behaviour', () => {
  let fake: FakeKvs;
  let store: ForgeKvsStore;

  beforeEach(() => {
    fake = new FakeKvs();
    store = new ForgeKvsStore({ kvs: fake });
  });

  it('stores documents in the doc entity as { version, data } with the version as the condition', async () => {
    const d = doc<{ n: number }>('agg:1');
    await store.commit([{ kind: 'put', key: d, value: { n: 1 }, expectedVersion: 0 }]);
    expect(await fake.entity(DOC_ENTITY_NAME).get('agg:1')).toEqual({ version: 1, data: { n: 1 } });
    expect(await fake.get('agg:1')).toBeUndefined();
    expect(fake.service.callCount('transaction')).toBe(1);
  });

  it('reads each page, batch and commit with one request', async () => {
    await store.getMany([key<number>('a:1'), key<number>('a:2'), key<number>('a:1')]);
    await store.getDocs([doc<number>('d:1'), doc<number>('d:2')]);
    expect(fake.service.calls).toEqual(['batch/get', 'batch/get']);
  });

  it('lets errors other than "already exists" out of setIfAbsent', async () => {
    fake.service.failNext('set', { status: 500, code: 'INTERNAL_SERVER_ERROR' });
    await expect(store.setIfAbsent(key<number>('x:1'), 1)).rejects.toBeInstanceOf(ForgeKvsAPIError);
  });

  it('does not mistake a rate limit on commit for a conflict', async () => {
    fake.service.failNext('transaction', { status: 429, code: 'RATE_LIMIT_EXCEEDED' });
    const attempt = store.commit([{ kind: 'put', key: doc<number>('r:1'), value: 1, expectedVersion: 0 }]);
    await expect(attempt).rejects.toBeInstanceOf(ForgeKvsAPIError);
    await expect(attempt).rejects.not.toBeInstanceOf(StoreConflictError);
  });

  it('reports every key of a conflicted commit when none has moved by the re-read', async () => {
    fake.service.failNext('transaction', { status: 409, code: 'CONDITION_CHECK_FAILED' });
    const attempt = store.commit([
      { kind: 'put', key: doc<number>('k:1'), value: 1, expectedVersion: 0 },
      { kind: 'put', key: doc<number>('k:2'), value: 2, expectedVersion: 0 },
    ]);
    await expect(attempt).rejects.toMatchObject({ name: 'StoreConflictError', keys: ['k:1', 'k:2'] });
  });

  it('raises a batch read failure that is not "not found"', async () => {
    const original = fake.batchGet.bind(fake);
    jest.spyOn(fake, 'batchGet').mockImplementationOnce(async (items) => {
      const result = await original(items);
      return {
        ...result,
        failedKeys: [{ key: 'a:1', error: { code: 'INTERNAL_SERVER_ERROR', message: 'x' } }],
      };
    });
    await expect(store.getMany([key<number>('a:1')])).rejects.toBeInstanceOf(KvsBatchReadError);
  });

  it('refuses a doc entity value without a valid version', async () => {
    await fake.entity(DOC_ENTITY_NAME).set('bad:1', { data: 'no version' });
    await expect(store.getDoc(doc<string>('bad:1'))).rejects.toBeInstanceOf(MalformedDocError);
  });
});

describe('Forge error recognisers', () => {
  it('recognise "already exists" by status 409 or an existence code, and nothing else', () => {
    expect(isKeyExistsError(apiError(409, 'ANYTHING'))).toBe(true);
    expect(isKeyExistsError(apiError(400, 'KEY_ALREADY_EXISTS'))).toBe(true);
    expect(isKeyExistsError(apiError(400, 'INVALID_KEY'))).toBe(false);
    expect(isKeyExistsError(apiError(500, 'INTERNAL_SERVER_ERROR'))).toBe(false);
    expect(isKeyExistsError(new Error('KEY_ALREADY_EXISTS'))).toBe(false);
  });

  it('recognise a failed condition by 409/412 or a condition code, and not limits or rate limits', () => {
    expect(isConditionFailedError(apiError(409, 'X'))).toBe(true);
    expect(isConditionFailedError(apiError(412, 'X'))).toBe(true);
    expect(isConditionFailedError(apiError(400, 'TRANSACTION_CANCELLED'))).toBe(true);
    expect(isConditionFailedError(apiError(400, 'CONDITIONAL_CHECK_FAILED'))).toBe(true);
    expect(isConditionFailedError(apiError(400, 'MAX_SIZE'))).toBe(false);
    expect(isConditionFailedError(apiError(429, 'RATE_LIMIT_EXCEEDED'))).toBe(false);
  });
});

describe('doc entity declaration', () => {
  // The manifest schema shipped with @forge/manifest: the declaration must be one the platform accepts.
  const schemaPath = join(dirname(require.resolve('@forge/manifest')), 'schema', 'manifest-schema.json');
  const entitySchema = z.object({
    properties: z.object({
      name: z.object({ pattern: z.string(), minLength: z.number(), maxLength: z.number() }),
      attributes: z.object({
        patternProperties: z.record(
          z.string(),
          z.object({ properties: z.object({ type: z.object({ enum: z.array(z.string()) }) }) }),
        ),
      }),
    }),
  });

  function findEntitySchema(node: unknown): z.infer<typeof entitySchema> | undefined {
    if (typeof node !== 'object' || node === null) return undefined;
    if ('entities' in node) {
      const items = z.object({ items: entitySchema }).safeParse(node.entities);
      if (items.success) return items.data.items;
    }
    for (const child of Object.values(node)) {
      const found = findEntitySchema(child);
      if (found) return found;
    }
    return undefined;
  }

  it('uses a valid entity name and attribute types the manifest schema allows', () => {
    const schema = findEntitySchema(JSON.parse(readFileSync(schemaPath, 'utf8')));
    expect(schema).toBeDefined();
    const { name, attributes } = schema!.properties;
    expect(DOC_ENTITY_NAME).toMatch(new RegExp(name.pattern));
    expect(DOC_ENTITY_NAME.length).toBeGreaterThanOrEqual(name.minLength);
    const [attributeNamePattern, attributeSchema] = Object.entries(attributes.patternProperties)[0]!;
    for (const [attribute, { type }] of Object.entries(DOC_ENTITY_ATTRIBUTES)) {
      expect(attribute).toMatch(new RegExp(attributeNamePattern));
      expect(attributeSchema.properties.type.enum).toContain(type);
    }
  });
});
