/**
 * The history backend as one stack: network, storage, ingest, read API, migrations, alarms, each its own construct.
 * Outputs: the receiver URL and the secrets a person copies into the app and their tools.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import { HistoryAlarms } from './constructs/alarms';
import type { CodeFor } from './constructs/history-function';
import { HistoryIngest } from './constructs/ingest';
import { HistoryMigrations } from './constructs/migrations';
import { HistoryNetwork } from './constructs/network';
import { HistoryReadApi } from './constructs/read-api';
import { HistoryStorage } from './constructs/storage';

export interface HistoryStackProps extends StackProps {
  code: CodeFor;
  alarmEmail?: string;
  minCapacity?: number;
  maxCapacity?: number;
}

export class HistoryStack extends Stack {
  readonly storage: HistoryStorage;
  readonly ingest: HistoryIngest;
  readonly readApi: HistoryReadApi;

  constructor(scope: Construct, id: string, props: HistoryStackProps) {
    super(scope, id, props);
    const network = new HistoryNetwork(this, 'Network');
    this.storage = new HistoryStorage(this, 'Storage', {
      vpc: network.vpc,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
    });
    const api = new apigw.HttpApi(this, 'Api', {
      description: 'Pipeline Insights history: receiver and read API',
      createDefaultStage: false,
    });
    new apigw.HttpStage(this, 'Stage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 20, burstLimit: 40 },
    });
    const inVpc = { vpc: network.vpc, lambdaSecurityGroup: network.lambdaSecurityGroup, code: props.code };
    this.ingest = new HistoryIngest(this, 'Ingest', { api, storage: this.storage, ...inVpc });
    this.readApi = new HistoryReadApi(this, 'ReadApi', { api, storage: this.storage, ...inVpc });
    new HistoryMigrations(this, 'Migrations', { storage: this.storage, ...inVpc });
    new HistoryAlarms(this, 'Alarms', {
      key: this.storage.key,
      queue: this.ingest.queue,
      deadLetters: this.ingest.deadLetters,
      functions: [this.ingest.receiver, this.ingest.worker, this.readApi.handler],
      email: props.alarmEmail,
    });
    new CfnOutput(this, 'ReceiverUrl', {
      value: `${api.apiEndpoint}/batches`,
      description: 'The endpoint URL for the app settings page',
    });
    new CfnOutput(this, 'SigningSecretArn', {
      value: this.storage.signingSecret.secretArn,
      description: 'Copy its value into the app (shown once there)',
    });
    new CfnOutput(this, 'ApiKeySecretArn', { value: this.storage.apiKeySecret.secretArn });
    new CfnOutput(this, 'RawBucket', { value: this.storage.rawBucket.bucketName });
  }
}
