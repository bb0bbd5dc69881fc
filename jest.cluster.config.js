// `npm run test:cluster`: the e2e project, limited to the suites listed in
// test/cluster/suites.js plus test/cluster/*.cluster-spec.ts, run with REDIS_CLUSTER_NODES set
// by scripts/redis-cluster.sh.
const base = require('./jest.config');
const suites = require('./test/cluster/suites');

const e2e = base.projects.find((p) => p.displayName === 'e2e');
module.exports = {
  testTimeout: base.testTimeout,
  projects: [
    {
      ...e2e,
      displayName: 'cluster',
      testMatch: [
        '<rootDir>/test/cluster/**/*.cluster-spec.ts',
        ...suites.map((file) => `<rootDir>/${file}`),
      ],
    },
  ],
};
