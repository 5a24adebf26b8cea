/**
 * The AWS side of the backend's ports: S3 for raw batches, SQS for the queue, Secrets Manager for the signing
 * secret, the API keys and the database credentials. Built once per Lambda container and reused.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Pool } from 'pg';
import type { BatchQueue, RawBatchStore } from '../services/receive';

export function s3RawStore(s3: S3Client, bucket: string): RawBatchStore {
  return {
    put: async (key, body) => {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }),
      );
    },
    get: async (key) => {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!object.Body) throw new Error(`raw batch ${key} has no body`);
      return object.Body.transformToString('utf-8');
    },
  };
}

export function sqsQueue(sqs: SQSClient, queueUrl: string): BatchQueue {
  return {
    send: async (message) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    },
  };
}

/** Secrets are read at most every five minutes per container, so a rotation is picked up without a deploy. */
const SECRET_TTL_MS = 5 * 60_000;

export function secretReader(
  client: SecretsManagerClient,
  now: () => number = Date.now,
): (secretId: string) => Promise<string> {
  const cache = new Map<string, { value: string; at: number }>();
  return async (secretId) => {
    const hit = cache.get(secretId);
    if (hit && now() - hit.at < SECRET_TTL_MS) return hit.value;
    const answer = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (!answer.SecretString) throw new Error(`secret ${secretId} holds no string`);
    cache.set(secretId, { value: answer.SecretString, at: now() });
    return answer.SecretString;
  };
}

/**
 * A secret holding one value, or JSON `{ "current": "...", "previous": "..." }` during a rotation: both are accepted
 * until the previous one is removed.
 */
export function secretValues(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as { current?: unknown; previous?: unknown };
    const values = [parsed.current, parsed.previous].filter(
      (v): v is string => typeof v === 'string' && v.length > 0,
    );
    if (values.length) return values;
  } catch {
    // a plain string
  }
  return [text];
}

/** The database secret Aurora generates: `{ host, port, username, password, dbname }`. TLS to the cluster. */
export function poolFromSecret(text: string, max = 2): Pool {
  const s = JSON.parse(text) as {
    host: string;
    port?: number;
    username: string;
    password: string;
    dbname?: string;
  };
  return new Pool({
    host: s.host,
    port: s.port ?? 5432,
    user: s.username,
    password: s.password,
    database: s.dbname ?? 'history',
    max,
    ssl: { rejectUnauthorized: false },
    connectionTimeoutMillis: 30_000,
  });
}

export function requiredEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
