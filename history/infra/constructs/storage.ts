/**
 * Where the history is kept: Aurora PostgreSQL Serverless v2 (encrypted, credentials generated into Secrets
 * Manager, scaling to zero when idle), the raw batches in S3 (encrypted, private, TLS only, moved to cheaper
 * classes as they age and deleted after two years), and the two shared secrets: the signing secret the app and the
 * receiver share, and the read API's key.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface HistoryStorageProps {
  vpc: ec2.IVpc;
  /** Aurora capacity units: 0 lets an idle database pause (about 15 s to resume). */
  minCapacity?: number;
  maxCapacity?: number;
}

export class HistoryStorage extends Construct {
  readonly key: kms.Key;
  readonly cluster: rds.DatabaseCluster;
  readonly rawBucket: s3.Bucket;
  readonly signingSecret: secretsmanager.Secret;
  readonly apiKeySecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: HistoryStorageProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: 'Pipeline Insights history: data at rest',
    });
    this.cluster = new rds.DatabaseCluster(this, 'Database', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_4 }),
      writer: rds.ClusterInstance.serverlessV2('writer'),
      serverlessV2MinCapacity: props.minCapacity ?? 0,
      serverlessV2MaxCapacity: props.maxCapacity ?? 4,
      credentials: rds.Credentials.fromGeneratedSecret('history_admin', { encryptionKey: this.key }),
      defaultDatabaseName: 'history',
      storageEncrypted: true,
      storageEncryptionKey: this.key,
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      backup: { retention: Duration.days(14) },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    this.rawBucket = new s3.Bucket(this, 'RawBatches', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'age-raw-batches',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(90) },
          ],
          expiration: Duration.days(730),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
    this.signingSecret = new secretsmanager.Secret(this, 'SigningSecret', {
      description:
        'Shared with the Pipeline Insights app: Standard Webhooks signing secret of export batches',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    this.apiKeySecret = new secretsmanager.Secret(this, 'ApiKey', {
      description: 'Key of the history read API (authorization: Bearer <key>)',
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
  }
}
