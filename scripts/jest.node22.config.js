/** The Jest config for `npm run test:node22`: the project's, with better-sqlite3 mapped to its Node 22 build. */
const base = require('../jest.config.js');

module.exports = {
  ...base,
  rootDir: '..',
  moduleNameMapper: {
    ...base.moduleNameMapper,
    '^better-sqlite3$': process.env.PIPELINE_INSIGHTS_SQLITE_DIR,
  },
};
