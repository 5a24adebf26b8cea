/**
 * The Lambda handlers: thin. Each reads its configuration from the environment the CDK app sets, builds its
 * clients once per container, and calls one service.
 *   receiver  API Gateway POST /batches   → verify, validate, raw batch to S3, message to SQS
 *   worker    SQS (ReportBatchItemFailures) → PostgreSQL
 *   api       API Gateway GET /api/v1/…  → read API
 *   migrate   run once per deploy (a CDK trigger) → numbered migrations
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import type { Pool } from 'pg';
import { migrate } from '../db/migrate';
import { handleApiRequest } from '../services/read-api';
import { receiveBatch, type Answer, type QueuedBatch } from '../services/receive';
import { writeQueuedBatch } from '../services/write-batch';
import { poolFromSecret, requiredEnv, s3RawStore, secretReader, secretValues, sqsQueue } from './clients';

const secrets = secretReader(new SecretsManagerClient({}));
const s3 = new S3Client({});
let pool: Pool | undefined;

async function database(): Promise<Pool> {
  pool ??= poolFromSecret(await secrets(requiredEnv('DATABASE_SECRET_ARN')));
  return pool;
}

function http(answer: Answer): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: answer.status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(answer.body),
  };
}

function bodyOf(event: APIGatewayProxyEventV2): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export async function receiver(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const answer = await receiveBatch(
    {
      secrets: async () => secretValues(await secrets(requiredEnv('SIGNING_SECRET_ARN'))),
      raw: s3RawStore(s3, requiredEnv('RAW_BUCKET')),
      queue: sqsQueue(new SQSClient({}), requiredEnv('QUEUE_URL')),
      now: () => new Date(),
    },
    event.headers,
    bodyOf(event),
  );
  if (answer.status >= 400) console.warn(`batch refused (${answer.status}): ${String(answer.body.message)}`);
  return http(answer);
}

/** A message that fails is reported alone and comes back later; after three tries SQS moves it to the DLQ. */
export async function worker(event: SQSEvent): Promise<SQSBatchResponse> {
  const db = await database();
  const raw = s3RawStore(s3, requiredEnv('RAW_BUCKET'));
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const message = JSON.parse(record.body) as QueuedBatch;
      const outcome = await writeQueuedBatch(db, raw, message);
      console.log(`batch ${message.id}: ${outcome.applied ? 'written' : 'already written'}`);
    } catch (error) {
      console.error(
        `message ${record.messageId} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

export async function api(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const keys = secretValues(await secrets(requiredEnv('API_KEY_SECRET_ARN')));
  const query = Object.fromEntries(Object.entries(event.queryStringParameters ?? {}));
  return http(
    await handleApiRequest(
      await database(),
      keys,
      { method: event.requestContext.http.method, path: event.rawPath, query, headers: event.headers },
      new Date(),
    ),
  );
}

export async function migrateHandler(): Promise<{ applied: number[] }> {
  return { applied: await migrate(await database()) };
}
