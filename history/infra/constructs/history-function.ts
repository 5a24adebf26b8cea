/** One place that says how every history Lambda runs: Node 22, ARM, bounded logs, its handler from the bundle. */
import { Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The handlers of history/src/aws/handlers.ts. */
export type HistoryHandler = 'receiver' | 'worker' | 'api' | 'migrateHandler';

/** Lambda code for a handler: the bundled asset in the app, `Code.fromInline` in the assertion tests. */
export type CodeFor = (handler: HistoryHandler) => lambda.Code;

export interface HistoryFunctionProps extends Omit<lambda.FunctionProps, 'code' | 'handler' | 'runtime'> {
  handler: HistoryHandler;
  code: CodeFor;
}

export function historyFunction(scope: Construct, id: string, props: HistoryFunctionProps): lambda.Function {
  const { handler, code, ...rest } = props;
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_MONTH });
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    code: code(handler),
    handler: `index.${handler}`,
    memorySize: 512,
    timeout: Duration.seconds(30),
    logGroup,
    ...rest,
  });
}
