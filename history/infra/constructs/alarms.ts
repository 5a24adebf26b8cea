/**
 * Alarms that need a person, to an SNS topic: a batch in the dead-letter queue (it failed three times and waits to
 * be reprocessed from S3), batches waiting long in the queue, worker or read API errors, receiver failures.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface HistoryAlarmsProps {
  key: kms.IKey;
  queue: sqs.IQueue;
  deadLetters: sqs.IQueue;
  functions: lambda.IFunction[];
  email?: string;
}

export class HistoryAlarms extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: HistoryAlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { masterKey: props.key, enforceSSL: true });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    const notify = new actions.SnsAction(this.topic);
    const alarm = (name: string, metric: cloudwatch.IMetric, threshold: number, description: string) =>
      new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(notify);
    alarm(
      'DeadLetters',
      props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      1,
      'A batch failed three times: see the worker logs, then redrive it',
    );
    alarm(
      'QueueAge',
      props.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) }),
      1800,
      'Batches wait over 30 minutes: the worker is failing or the database is unreachable',
    );
    props.functions.forEach((fn, i) =>
      alarm(
        `Errors${i}`,
        fn.metricErrors({ period: Duration.minutes(5) }),
        3,
        `${fn.node.id}: three or more errors in five minutes`,
      ),
    );
  }
}
