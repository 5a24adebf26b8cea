/**
 * Bundles the Lambda handlers (history/src/aws/handlers.ts) into history/dist/lambda/index.js with esbuild, and
 * copies the SQL migrations next to it: the asset the CDK app deploys. `npm run history:build`.
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const out = path.resolve(__dirname, 'dist/lambda');

async function main(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [path.resolve(__dirname, 'src/aws/handlers.ts')],
    outfile: path.join(out, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    sourcemap: true,
    // pg tries pg-native only when asked to; it is not installed.
    external: ['pg-native'],
  });
  cpSync(path.resolve(__dirname, 'migrations'), path.join(out, 'migrations'), { recursive: true });
  process.stdout.write(`bundled the history Lambdas into ${path.relative(process.cwd(), out)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
