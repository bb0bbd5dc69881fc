import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeError } from '@techsapo/core';
import {
  ApiKeysService,
  ApiKeysStore,
  formatPermissionReview,
  PermissionReviewService,
  securityConfig,
} from '@techsapo/security';
import { operatorContext } from './operator-context';
import { userProviders } from './user-providers';

const USAGE = `Usage: npm run security:review -- [--json]

Prints every user (roles, disabled, last login, active sessions) and every API key (role,
creation, expiry, last use), flagging admins, keys never used or unused for 30 days, keys
without expiry, expired keys still present and users inactive for 30 days
(REDIS_URL or REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX).
`;

/** AU3: `npm run security:review` — the same review as GET /api/v1/admin/review. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  const context = await operatorContext(
    [securityConfig],
    [...userProviders, ApiKeysStore, ApiKeysService, PermissionReviewService],
  );
  try {
    const review = await context.get(PermissionReviewService).review();
    process.stdout.write(
      values.json ? `${JSON.stringify(review, null, 2)}\n` : formatPermissionReview(review),
    );
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`security review failed: ${describeError(error)}\n${USAGE}`);
  process.exit(1);
});
