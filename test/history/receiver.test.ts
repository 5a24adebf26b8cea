/**
 * The receiver refuses a bad delivery with a clear reason and stores nothing: the signature (the Standard Webhooks
 * documented example), the replay window, then the schema. A good batch goes to S3, then its name to SQS (both
 * mocked with aws-sdk-client-mock, the real SDK clients and commands otherwise).
 */
import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { s3RawStore, secretReader, secretValues, sqsQueue } from '../../history/src/aws/clients';
import { receiveBatch, type ReceiveDeps } from '../../history/src/services/receive';
import { newSigningSecret, signBatch, verifyBatch, SignatureError } from '../../history/src/signing';
import { aBatch, aPipeline, aRepository } from './records';

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const NOW = new Date('2026-03-11T00:00:00Z');
const SECRET = newSigningSecret();

function deps(secrets: string[] = [SECRET]): ReceiveDeps {
  return {
    secrets: async () => secrets,
    raw: s3RawStore(new S3Client({ region: 'eu-west-1' }), 'raw-bucket'),
    queue: sqsQueue(new SQSClient({ region: 'eu-west-1' }), 'https://sqs.eu-west-1.amazonaws.com/1/batches'),
    now: () => NOW,
  };
}

const goodBatch = aBatch('pi-batch-0001', [aRepository(), aPipeline(1)]);
const signed = (body: string, id = 'pi-batch-0001', at = NOW, secret = SECRET) =>
  signBatch(secret, id, body, at);

beforeEach(() => {
  s3.reset();
  sqs.reset();
});

describe('signatures', () => {
  it('verifies the Standard Webhooks documented example', () => {
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(verifyBatch([secret], headers, '{"test": 2432232314}', new Date(1614265330_000))).toBe(
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
    );
    expect(
      signBatch(secret, headers['webhook-id'], '{"test": 2432232314}', new Date(1614265330_000)),
    ).toEqual(headers);
    expect(() => verifyBatch([secret], headers, '{"test": 2432232315}', new Date(1614265330_000))).toThrow(
      /no webhook-signature matches/,
    );
  });

  it('accepts any of several signatures and either of two secrets during a rotation', () => {
    const body = '{}';
    const old = newSigningSecret();
    const h = signBatch(old, 'pi-rotate-01', body, NOW);
    const headers = { ...h, 'webhook-signature': `v1,AAAA ${h['webhook-signature']}` };
    expect(verifyBatch([SECRET, old], headers, body, NOW)).toBe('pi-rotate-01');
    expect(() => verifyBatch([SECRET], headers, body, NOW)).toThrow(SignatureError);
  });
});

describe('receiveBatch', () => {
  it('stores a good batch in S3, then names it on the queue', async () => {
    s3.on(PutObjectCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    const body = JSON.stringify(goodBatch);
    const answer = await receiveBatch(deps(), signed(body), body);
    expect(answer).toEqual({ status: 202, body: { accepted: 'pi-batch-0001', records: 2 } });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'raw-bucket',
      Key: 'batches/acme/2026/03/11/pi-batch-0001.json',
      Body: body,
    });
    const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(JSON.parse(sent?.MessageBody ?? '')).toEqual({
      id: 'pi-batch-0001',
      workspace: 'acme',
      rawKey: 'batches/acme/2026/03/11/pi-batch-0001.json',
    });
  });

  const refusals: [string, () => [Record<string, string>, string], number, RegExp][] = [
    ['no signature headers', () => [{}, JSON.stringify(goodBatch)], 401, /headers are required/],
    [
      'a body changed after signing',
      () => [signed(JSON.stringify(goodBatch)), JSON.stringify({ ...goodBatch, workspace: 'evil' })],
      401,
      /no webhook-signature matches/,
    ],
    [
      'another secret',
      () => [
        signed(JSON.stringify(goodBatch), 'pi-batch-0001', NOW, newSigningSecret()),
        JSON.stringify(goodBatch),
      ],
      401,
      /no webhook-signature matches/,
    ],
    [
      'a replay six minutes late',
      () => [
        signed(JSON.stringify(goodBatch), 'pi-batch-0001', new Date(NOW.getTime() - 360_000)),
        JSON.stringify(goodBatch),
      ],
      401,
      /more than 300 seconds old/,
    ],
    [
      'a timestamp from the future',
      () => [
        signed(JSON.stringify(goodBatch), 'pi-batch-0001', new Date(NOW.getTime() + 360_000)),
        JSON.stringify(goodBatch),
      ],
      401,
      /ahead/,
    ],
    ['a body that is not JSON', () => [signed('{"records": ['), '{"records": ['], 400, /not JSON/],
    [
      'an unknown schema version',
      () => {
        const b = JSON.stringify({ ...goodBatch, schemaVersion: 2 });
        return [signed(b), b];
      },
      400,
      /schemaVersion/,
    ],
    [
      'a record of a repository the batch does not carry',
      () => {
        const b = JSON.stringify(aBatch('pi-batch-0001', [aPipeline(1)]));
        return [signed(b), b];
      },
      400,
      /records\.0\.repositoryUuid: the batch must carry this repository/,
    ],
    [
      'a pipeline without a build number',
      () => {
        const { buildNumber: _n, ...noNumber } = aPipeline(1);
        const b = JSON.stringify({
          ...aBatch('pi-batch-0001', [aRepository()]),
          records: [aRepository(), noNumber],
        });
        return [signed(b), b];
      },
      400,
      /records\.1\.buildNumber/,
    ],
    [
      'a webhook-id that is not the batch id',
      () => {
        const b = JSON.stringify(goodBatch);
        return [signed(b, 'pi-batch-0002'), b];
      },
      400,
      /webhook-id and the batch id differ/,
    ],
    [
      'a body over the limit',
      () => {
        const b = 'x'.repeat(300_000);
        return [signed(b), b];
      },
      413,
      /at most 200000 bytes/,
    ],
  ];

  it.each(refusals)(
    'refuses %s with a clear reason and stores nothing',
    async (_what, make, status, message) => {
      const [headers, body] = make();
      const answer = await receiveBatch(deps(), headers, body);
      expect(answer.status).toBe(status);
      expect(String(answer.body.message)).toMatch(message);
      expect(s3.calls()).toHaveLength(0);
      expect(sqs.calls()).toHaveLength(0);
    },
  );

  it('answers a test batch after checking it, and stores nothing', async () => {
    const body = JSON.stringify({ ...goodBatch, id: 'pi-test-1', test: true, records: [] });
    const answer = await receiveBatch(deps(), signed(body, 'pi-test-1'), body);
    expect(answer).toMatchObject({ status: 200, body: { test: true } });
    expect(s3.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('does not queue a batch that S3 did not keep', async () => {
    s3.on(PutObjectCommand).rejects(new Error('SlowDown'));
    const body = JSON.stringify(goodBatch);
    await expect(receiveBatch(deps(), signed(body), body)).rejects.toThrow('SlowDown');
    expect(sqs.calls()).toHaveLength(0);
  });
});

describe('AWS clients', () => {
  it('reads a raw batch back from S3', async () => {
    // The SDK's streaming body, reduced to the one method the store calls.
    const body = { transformToString: async () => '{"a":1}' } as unknown as GetObjectCommandOutput['Body'];
    s3.on(GetObjectCommand, { Bucket: 'raw-bucket', Key: 'k' }).resolves({ Body: body });
    expect(await deps().raw.get('k')).toBe('{"a":1}');
  });

  it('reads a secret once per five minutes and takes the previous one during a rotation', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ current: 'new-secret', previous: 'old-secret' }),
    });
    let now = 0;
    const read = secretReader(new SecretsManagerClient({ region: 'eu-west-1' }), () => now);
    expect(secretValues(await read('arn:s'))).toEqual(['new-secret', 'old-secret']);
    now += 60_000;
    await read('arn:s');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    now += 5 * 60_000;
    await read('arn:s');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(secretValues('plain-value')).toEqual(['plain-value']);
  });
});
