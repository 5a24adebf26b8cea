/**
 * The CDK app: `npx cdk deploy --app "npx tsx history/infra/app.ts"` after `npm run history:build` has bundled the
 * handlers into history/dist/lambda (see history/README.md). Context: `alarmEmail`, `minCapacity`, `maxCapacity`.
 */
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { HistoryStack } from './history-stack';

const app = new App();
const bundle = path.resolve(__dirname, '../dist/lambda');
const num = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));
new HistoryStack(app, 'PipelineInsightsHistory', {
  code: () => lambda.Code.fromAsset(bundle),
  alarmEmail: app.node.tryGetContext('alarmEmail') as string | undefined,
  minCapacity: num(app.node.tryGetContext('minCapacity')),
  maxCapacity: num(app.node.tryGetContext('maxCapacity')),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
