// `npm run test:cluster`: the e2e project, limited to the suites listed in
// test/cluster/suites.js plus test/cluster/*.cluster-spec.ts, run with REDIS_CLUSTER_NODES set
// by scripts/redis-cluster.sh.
const base = require('./jest.config');
const suites = require('./test/cluster/suites');

const e2e = base.projects.find((p) => p.displayName === 'e2e');
module.exports = {
  testTimeout: base.testTimeout,
  // ioredis's Cluster can be left with its slots-refresh timer running when it is quit while a
  // refresh is in flight (the refresh's callback schedules the next round after quit cleared
  // it): seen once, the run finished and passed, then never exited. Jest ends the process.
  forceExit: true,
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
