/**
 * Loaded with `--require` by `npm run test:node22`: `better-sqlite3` resolves to its Node 22 build
 * (PIPELINE_INSIGHTS_SQLITE_DIR), since node_modules holds the build for the machine's own Node. Both module
 * systems are covered: `require` (Jest, plain Node) and `import` (tsx loads the command line as ES modules).
 */
const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const dir = process.env.PIPELINE_INSIGHTS_SQLITE_DIR;
if (dir) {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, request === 'better-sqlite3' ? dir : request, ...rest);
  };
  const main = pathToFileURL(path.join(dir, 'lib', 'index.js')).href;
  const hooks = `export async function resolve(specifier, context, next) {
    return next(specifier === 'better-sqlite3' ? ${JSON.stringify(main)} : specifier, context);
  }`;
  Module.register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
