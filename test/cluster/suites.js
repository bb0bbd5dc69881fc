// The suites `npm run test:cluster` runs against a real Redis Cluster of 3 masters and 3
// replicas (scripts/redis-cluster.sh). Every capability that keeps state in Redis (sessions,
// rate limits, bans, audit, Bull queues, pins, caches, pub/sub progress) adds its e2e file
// here, so that a cross-slot multi-key command fails CI instead of production. Paths are
// relative to the repository root; test/cluster/*.cluster-spec.ts always run.
module.exports = [
  'test/platform.e2e-spec.ts',
  'test/process.e2e-spec.ts',
  'test/redis-key-slots.e2e-spec.ts',
  // Every store held to the contract its in-memory fake passes.
  'test/store-contracts.e2e-spec.ts',
  // Identity: sessions, login bans, API keys, refresh rotation, the production profile.
  'test/auth.e2e-spec.ts',
  'test/production-profile.e2e-spec.ts',
  // Rate limits (burst, minute, hour; the hourly block of a session), blocks of addresses.
  'test/rate-limits.e2e-spec.ts',
  'test/content-security.e2e-spec.ts',
  // Admin: users, sessions, API keys, blocks; the permission review.
  'test/admin.e2e-spec.ts',
  'test/permission-review.e2e-spec.ts',
  // Audit: the chained trail, its writer, security events, logs, the security report.
  'test/audit-trail.e2e-spec.ts',
  'test/audit-chain.e2e-spec.ts',
  'test/audit-writer.e2e-spec.ts',
  'test/audit-logs.e2e-spec.ts',
  'test/audit-checkpoints.e2e-spec.ts',
  'test/audit-completeness.e2e-spec.ts',
  'test/security-report.e2e-spec.ts',
  // Two API processes sharing the cluster (needs `npm run build`).
  'test/multi-instance.e2e-spec.ts',
  // MCP proxy: pins and baselines, sessions, per-user quotas, its own rate-limit profile.
  'test/mcp-proxy.e2e-spec.ts',
  'test/mcp-proxy-limits.e2e-spec.ts',
  'test/mcp-proxy-hostile.e2e-spec.ts',
  'test/mcp-oauth.e2e-spec.ts',
  // Analyses: encrypted store, owner indexes, cache, Bull queue (hash-tagged prefix), pub/sub
  // progress and SSE; api and worker as separate processes (needs `npm run build`).
  'test/analyses.e2e-spec.ts',
  'test/analyses-processes.e2e-spec.ts',
  // Usage ledger (per owner hash tag), daily budgets, the usage report and its retention.
  'test/usage-budgets.e2e-spec.ts',
];
