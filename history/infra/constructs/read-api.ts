/**
 * The read API: `GET /api/v1/{proxy+}` on the same HTTP API, answered by one Lambda in the VPC that checks the API
 * key (kept in Secrets Manager) and reads PostgreSQL. Throttled at the stage.
 */
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { historyFunction, type CodeFor } from './history-function';
import type { HistoryStorage } from './storage';

export interface HistoryReadApiProps {
  api: apigw.HttpApi;
  storage: HistoryStorage;
  vpc: ec2.IVpc;
  lambdaSecurityGroup: ec2.ISecurityGroup;
  code: CodeFor;
}

export class HistoryReadApi extends Construct {
  readonly handler: lambda.Function;

  constructor(scope: Construct, id: string, props: HistoryReadApiProps) {
    super(scope, id);
    this.handler = historyFunction(this, 'Api', {
      handler: 'api',
      code: props.code,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [props.lambdaSecurityGroup],
      environment: {
        DATABASE_SECRET_ARN: props.storage.cluster.secret?.secretArn ?? '',
        API_KEY_SECRET_ARN: props.storage.apiKeySecret.secretArn,
      },
    });
    props.storage.cluster.secret?.grantRead(this.handler);
    props.storage.apiKeySecret.grantRead(this.handler);
    props.api.addRoutes({
      path: '/api/v1/{proxy+}',
      methods: [apigw.HttpMethod.GET],
      integration: new HttpLambdaIntegration('ReadApi', this.handler),
    });
  }
}
