/** Rewrites the Bitbucket mapper goldens: `npx tsx test/support/regenerate-goldens.ts`, then review the diff. */
import { writeGoldens } from './bitbucket-goldens';

for (const path of writeGoldens()) console.log(`wrote ${path}`);
