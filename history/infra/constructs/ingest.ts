/**
 * Storage-first ingest: API Gateway (HTTP API) `POST /batches` → receiver Lambda (signature, replay window,
 * schema; raw batch to S3) → SQS (encrypted, with a dead-letter queue after three failed tries) → worker Lambda
 * (partial batch failures reported) → PostgreSQL. Writers stay few (a paused Aurora resumes in ~15 s), so no proxy.
 */
import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { historyFunction, type CodeFor } from './history-function';
import type { HistoryStorage } from './storage';

export interface HistoryIngestProps {
  api: apigw.HttpApi;
  storage: HistoryStorage;
  vpc: ec2.IVpc;
  lambdaSecurityGroup: ec2.ISecurityGroup;
  code: CodeFor;
}

export class HistoryIngest extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly receiver: lambda.Function;
  readonly worker: lambda.Function;

  constructor(scope: Construct, id: string, props: HistoryIngestProps) {
    super(scope, id);
    const { storage } = props;
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: storage.key,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Batches', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: storage.key,
      // Six times the worker's timeout, as Lambda asks of an event source queue.
      visibilityTimeout: Duration.minutes(6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: 3 },
      enforceSSL: true,
    });
    this.receiver = historyFunction(this, 'Receiver', {
      handler: 'receiver',
      code: props.code,
      environment: {
        SIGNING_SECRET_ARN: storage.signingSecret.secretArn,
        RAW_BUCKET: storage.rawBucket.bucketName,
        QUEUE_URL: this.queue.queueUrl,
      },
    });
    storage.signingSecret.grantRead(this.receiver);
    storage.rawBucket.grantPut(this.receiver, 'batches/*');
    this.queue.grantSendMessages(this.receiver);
    props.api.addRoutes({
      path: '/batches',
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration('ReceiveBatches', this.receiver),
    });

    this.worker = historyFunction(this, 'Worker', {
      handler: 'worker',
      code: props.code,
      timeout: Duration.minutes(1),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [props.lambdaSecurityGroup],
      environment: {
        DATABASE_SECRET_ARN: storage.cluster.secret?.secretArn ?? '',
        RAW_BUCKET: storage.rawBucket.bucketName,
      },
    });
    storage.cluster.secret?.grantRead(this.worker);
    storage.rawBucket.grantRead(this.worker, 'batches/*');
    storage.cluster.connections.allowDefaultPortFrom(props.lambdaSecurityGroup, 'history Lambdas');
    this.worker.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 5, reportBatchItemFailures: true, maxConcurrency: 2 }),
    );
  }
}
