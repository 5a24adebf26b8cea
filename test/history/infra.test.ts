/**
 * The CDK app's assertions, synthesised offline (aws-cdk-lib/assertions, Lambda code inline): one block per
 * construct, and least privilege checked on the synthesised policies themselves.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HistoryStack } from '../../history/infra/history-stack';

let template: Template;

beforeAll(() => {
  const app = new App();
  const stack = new HistoryStack(app, 'History', {
    code: (handler) => lambda.Code.fromInline(`exports.${handler} = async () => ({})`),
    alarmEmail: 'ops@example.com',
    env: { account: '111111111111', region: 'eu-west-1' },
  });
  template = Template.fromStack(stack);
}, 60_000);

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Every statement of the inline policies attached to the role of the function whose handler is `handler`. */
function statementsOf(handler: string): Statement[] {
  const fns = template.findResources('AWS::Lambda::Function', {
    Properties: { Handler: `index.${handler}` },
  });
  const [fn] = Object.values(fns) as { Properties: { Role: { 'Fn::GetAtt': [string, string] } } }[];
  const role = fn?.Properties.Role['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) =>
      (p as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles.some((r) => r.Ref === role),
    )
    .flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
}

const actionsOf = (statements: Statement[]): string[] =>
  statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

describe('storage', () => {
  it('runs Aurora PostgreSQL Serverless v2, encrypted, able to pause, with generated credentials', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4 },
      DeletionProtection: true,
      DatabaseName: 'history',
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.serverless',
      PubliclyAccessible: false,
    });
  });

  it('keeps raw batches private, encrypted, TLS only, and ages them out', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            ExpirationInDays: 730,
            Transitions: [
              { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
              { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
            ],
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keeps the signing secret, the API key and the database credentials in Secrets Manager under the stack key', () => {
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toHaveLength(3);
    for (const s of Object.values(secrets))
      expect((s as { Properties: { KmsKeyId?: unknown } }).Properties.KmsKeyId).toBeDefined();
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});

describe('ingest', () => {
  it('queues batches in an encrypted SQS queue with a dead-letter queue after three tries', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
      VisibilityTimeout: 360,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('routes POST /batches to the receiver and GET /api/v1/{proxy+} to the read API, throttled', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /batches' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /api/v1/{proxy+}' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it('runs the receiver outside the VPC and the database writers inside it', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    const byHandler = Object.fromEntries(
      Object.values(fns).map((f) => {
        const p = (f as { Properties: { Handler: string; VpcConfig?: unknown } }).Properties;
        return [p.Handler, p.VpcConfig !== undefined];
      }),
    );
    expect(byHandler).toMatchObject({
      'index.receiver': false,
      'index.worker': true,
      'index.api': true,
      'index.migrateHandler': true,
    });
  });
});

describe('least privilege', () => {
  it('lets the receiver only read its secret, put raw batches and send to the queue', () => {
    const actions = actionsOf(statementsOf('receiver'));
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual(expect.arrayContaining(['s3:PutObject']));
    expect(actions.some((a) => /^s3:(Get|Delete)/.test(a))).toBe(false);
    expect(actions).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue', 'sqs:SendMessage']));
    expect(actions.some((a) => a.startsWith('sqs:Receive') || a.startsWith('rds'))).toBe(false);
    const puts = statementsOf('receiver').filter((s) => actionsOf([s]).includes('s3:PutObject'));
    expect(JSON.stringify(puts.map((s) => s.Resource))).toContain('/batches/*');
  });

  it('lets the worker read raw batches and consume the queue, but not write S3, send messages or read the API key', () => {
    const actions = actionsOf(statementsOf('worker'));
    expect(actions).toEqual(
      expect.arrayContaining(['s3:GetObject*', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    expect(actions.some((a) => a === 's3:PutObject' || a === 'sqs:SendMessage')).toBe(false);
    expect(JSON.stringify(statementsOf('worker'))).not.toMatch(/ApiKey|SigningSecret/);
  });

  it('grants no wildcard action to any function', () => {
    for (const handler of ['receiver', 'worker', 'api', 'migrateHandler']) {
      expect(actionsOf(statementsOf(handler)).filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    }
  });
});

describe('migrations and alarms', () => {
  it('runs the migrations after the database exists, on every deploy that changes them', () => {
    template.resourceCountIs('Custom::Trigger', 1);
  });

  it('alarms on dead letters, queue age and function errors, to an encrypted topic with an email subscriber', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmActions: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 1800,
    });
    expect(
      Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Errors' } })),
    ).toHaveLength(3);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});
