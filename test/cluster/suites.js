// The suites `npm run test:cluster` runs against a real 3-master Redis Cluster
// (scripts/redis-cluster.sh). Every capability that keeps state in Redis (sessions, rate
// limits, bans, audit, Bull queues, pins, caches, pub/sub progress) adds its e2e file here,
// so that a cross-slot multi-key command fails CI instead of production. Paths are relative
// to the repository root; test/cluster/*.cluster-spec.ts always run.
module.exports = [
  'test/platform.e2e-spec.ts',
  'test/process.e2e-spec.ts',
  'test/redis-key-slots.e2e-spec.ts',
  'test/mcp-proxy.e2e-spec.ts',
  'test/mcp-proxy-limits.e2e-spec.ts',
];
