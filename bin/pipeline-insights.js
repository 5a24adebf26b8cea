#!/usr/bin/env node
// The `pipeline-insights` command: runs the TypeScript sources through tsx (a dependency), so no build step is needed.
require('tsx/cjs');
require('../src/cli/main.ts');
