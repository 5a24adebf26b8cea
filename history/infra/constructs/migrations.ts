/** The numbered SQL migrations, run by a Lambda after every deploy that changes it (a CDK trigger), before traffic. */
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { TriggerFunction } from 'aws-cdk-lib/triggers';
import { Construct } from 'constructs';
import type { CodeFor } from './history-function';
import type { HistoryStorage } from './storage';

export interface HistoryMigrationsProps {
  storage: HistoryStorage;
  vpc: ec2.IVpc;
  lambdaSecurityGroup: ec2.ISecurityGroup;
  code: CodeFor;
}

export class HistoryMigrations extends Construct {
  readonly trigger: TriggerFunction;

  constructor(scope: Construct, id: string, props: HistoryMigrationsProps) {
    super(scope, id);
    this.trigger = new TriggerFunction(this, 'Migrate', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      code: props.code('migrateHandler'),
      handler: 'index.migrateHandler',
      timeout: Duration.minutes(5),
      memorySize: 512,
      logGroup: new logs.LogGroup(this, 'MigrateLogs', { retention: logs.RetentionDays.ONE_MONTH }),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [props.lambdaSecurityGroup],
      environment: {
        DATABASE_SECRET_ARN: props.storage.cluster.secret?.secretArn ?? '',
        HISTORY_MIGRATIONS_DIR: '/var/task/migrations',
      },
      executeAfter: [props.storage.cluster],
    });
    props.storage.cluster.secret?.grantRead(this.trigger);
  }
}
