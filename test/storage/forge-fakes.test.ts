import { InvocationError, InvocationErrorCode, PayloadTooBigError, TooManyEventsError } from '@forge/events';
import { Filter, FilterConditions, ForgeKvsAPIError } from '@forge/kvs';
import { FakeClock, FakeKvs, FakeQueue } from '../support/forge-fakes';

describe('FakeKvs', () => {
  let fake: FakeKvs;

  beforeEach(() => {
    fake = new FakeKvs();
  });

  it('answers like Forge: missing keys are undefined, bad keys and big values are 400s with Forge codes', async () => {
    expect(await fake.get('nothing:here')).toBeUndefined();
    await expect(fake.set('bad{key}', 1)).rejects.toMatchObject({ code: 'INVALID_KEY' });
    await expect(fake.set('k'.repeat(501), 1)).rejects.toMatchObject({ code: 'KEY_TOO_LONG' });
    await expect(fake.set('big', 'x'.repeat(245_759))).rejects.toMatchObject({ code: 'MAX_SIZE' });
    let deep: unknown = 1;
    for (let i = 0; i < 33; i++) deep = { deep };
    await expect(fake.set('deep', deep)).rejects.toMatchObject({ code: 'MAX_DEPTH' });
  });

  it('refuses FAIL_IF_EXISTS on a live key with a 409', async () => {
    await fake.set('once', 1, { keyPolicy: 'FAIL_IF_EXISTS' });
    const second = fake.set('once', 2, { keyPolicy: 'FAIL_IF_EXISTS' });
    await expect(second).rejects.toBeInstanceOf(ForgeKvsAPIError);
    await expect(second).rejects.toMatchObject({ responseDetails: { status: 409 } });
    expect(await fake.get('once')).toBe(1);
  });

  it('enforces 25 items per batch and per transaction, and one use of a key per transaction', async () => {
    const items = Array.from({ length: 26 }, (_, i) => ({ key: `b:${i}`, value: i }));
    await expect(fake.batchSet(items)).rejects.toBeInstanceOf(ForgeKvsAPIError);
    const tx = fake.transact();
    for (const item of items) tx.set(item.key, item.value);
    await expect(tx.execute()).rejects.toBeInstanceOf(ForgeKvsAPIError);
    await expect(fake.transact().set('t:1', 1).delete('t:1').execute()).rejects.toBeInstanceOf(
      ForgeKvsAPIError,
    );
    expect(fake.service.plainKeys()).toEqual([]);
  });

  it('checks entity values against the declared attribute types', async () => {
    await expect(fake.entity('doc').set('d:1', { version: 1.5, data: 'x' })).rejects.toMatchObject({
      code: 'INVALID_ENTITY_VALUE',
    });
    await expect(fake.entity('doc').set('d:1', { version: 1, extra: true })).rejects.toMatchObject({
      code: 'INVALID_ENTITY_VALUE',
    });
    await expect(fake.entity('undeclared').set('d:1', { a: 1 })).rejects.toBeInstanceOf(ForgeKvsAPIError);
  });

  it('applies a transaction only when every condition holds', async () => {
    await fake.entity('doc').set('c:1', { version: 3, data: 'v3' });
    const atVersion = (v: number) =>
      new Filter<{ version: number }>().and('version', FilterConditions.equalTo(v));
    const failing = fake
      .transact()
      .set(
        'c:2',
        { version: 1, data: 'new' },
        {
          entityName: 'doc',
          conditions: new Filter<{ version: number }>().and('version', FilterConditions.notExists()),
        },
      )
      .set('c:1', { version: 3, data: 'lost' }, { entityName: 'doc', conditions: atVersion(2) });
    await expect(failing.execute()).rejects.toMatchObject({ responseDetails: { status: 409 } });
    expect(await fake.entity('doc').get('c:2')).toBeUndefined();
    await fake
      .transact()
      .set('c:1', { version: 4, data: 'v4' }, { entityName: 'doc', conditions: atVersion(3) })
      .execute();
    expect(await fake.entity('doc').get('c:1')).toEqual({ version: 4, data: 'v4' });
  });

  it('keeps secrets apart from plain keys and caps them at 128 KiB', async () => {
    await fake.setSecret('token', { t: 'abc' });
    expect(await fake.getSecret('token')).toEqual({ t: 'abc' });
    expect(await fake.get('token')).toBeUndefined();
    await expect(fake.setSecret('big', 'x'.repeat(130 * 1024))).rejects.toMatchObject({ code: 'MAX_SIZE' });
    await fake.deleteSecret('token');
    expect(await fake.getSecret('token')).toBeUndefined();
  });

  it('expires entries by the injected clock and reports expireTime', async () => {
    const clock = new FakeClock();
    const timed = new FakeKvs({ now: clock.now });
    await timed.set('t', 1, { ttl: { value: 2, unit: 'MINUTES' } });
    const read = await timed.get('t', { metadataFields: [] });
    expect(read?.value).toBe(1);
    clock.advance(120_001);
    expect(await timed.get('t')).toBeUndefined();
  });

  it('fails injected requests without changing anything, then recovers', async () => {
    fake.service.failNext('set', { status: 503, code: 'SERVICE_UNAVAILABLE' }, 2);
    await expect(fake.set('f:1', 1)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(fake.set('f:1', 1)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(await fake.get('f:1')).toBeUndefined();
    await fake.set('f:1', 1);
    expect(await fake.get('f:1')).toBe(1);
    expect(fake.service.callCount('set')).toBe(3);
  });
});

describe('FakeQueue', () => {
  type Ingest = { pipeline: string };

  it('enforces the Forge push limits with the Forge errors', async () => {
    const queue = new FakeQueue<Ingest>('ingest');
    const many = Array.from({ length: 51 }, (_, i) => ({ body: { pipeline: `p${i}` } }));
    await expect(queue.push(many)).rejects.toBeInstanceOf(TooManyEventsError);
    await expect(queue.push({ body: { pipeline: 'x'.repeat(201 * 1024) } })).rejects.toBeInstanceOf(
      PayloadTooBigError,
    );
    await expect(queue.push({ body: { pipeline: 'late' }, delayInSeconds: 901 })).rejects.toThrow(
      /between 0 and 900/,
    );
    expect(queue.pushes).toHaveLength(0);
    await queue.push(many.slice(0, 50));
    expect(queue.size()).toBe(50);
  });

  it('delivers in due order, honouring delays on the shared clock', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const queue = new FakeQueue<Ingest>('ingest', clock);
    await queue.push([{ body: { pipeline: 'later' }, delayInSeconds: 300 }, { body: { pipeline: 'now' } }]);
    const seen: [string, number][] = [];
    await queue.drain(async (event) => {
      seen.push([event.body.pipeline, clock.now() - start]);
    });
    expect(seen).toEqual([
      ['now', 0],
      ['later', 300_000],
    ]);
  });

  it('retries a consumer that throws or returns an InvocationError, with the retry context', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const queue = new FakeQueue<Ingest>('ingest', clock);
    await queue.push({ body: { pipeline: 'p1' } });
    const attempts: (number | undefined)[] = [];
    const report = await queue.drain(async (event) => {
      attempts.push(event.retryContext?.retryCount);
      if (attempts.length === 1) throw new Error('boom');
      if (attempts.length === 2) {
        return new InvocationError({
          retryAfter: 30,
          retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
        });
      }
      return undefined;
    });
    expect(attempts).toEqual([undefined, 1, 2]);
    expect(report).toMatchObject({ delivered: 3, retried: 2, failed: [] });
    expect(clock.now() - start).toBe(60_000 + 30_000);
  });

  it('gives up after maxAttempts and reports the event', async () => {
    const queue = new FakeQueue<Ingest>('ingest');
    await queue.push({ body: { pipeline: 'doomed' } });
    const report = await queue.drain(
      async () => {
        throw new Error('always');
      },
      { maxAttempts: 3 },
    );
    expect(report.delivered).toBe(3);
    expect(report.failed.map((event) => event.body.pipeline)).toEqual(['doomed']);
    expect(queue.size()).toBe(0);
  });

  it('can duplicate and drop deliveries, and drains what the consumer pushes', async () => {
    const queue = new FakeQueue<Ingest>('ingest');
    await queue.push([{ body: { pipeline: 'a' } }, { body: { pipeline: 'b' } }, { body: { pipeline: 'c' } }]);
    const seen: string[] = [];
    const report = await queue.drain(
      async (event) => {
        seen.push(event.body.pipeline);
        if (event.body.pipeline === 'a' && !seen.includes('a-follow-up')) {
          await queue.push({ body: { pipeline: 'a-follow-up' } });
        }
      },
      { duplicate: (event) => event.body.pipeline === 'b', drop: (event) => event.body.pipeline === 'c' },
    );
    expect(seen.sort()).toEqual(['a', 'a-follow-up', 'b', 'b']);
    expect(report.duplicated).toBe(1);
    expect(report.dropped.map((event) => event.body.pipeline)).toEqual(['c']);
    expect(queue.bodies().map((body) => body.pipeline)).toEqual(['a', 'b', 'c', 'a-follow-up']);
  });
});
