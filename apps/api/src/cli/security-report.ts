import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  auditConfig,
  AuditTrailService,
  auditTrailProviders,
  buildSecurityReport,
  parseSince,
} from '@techsapo/audit';
import { describeError } from '@techsapo/core';
import { REPORTED_ROUTES } from '../admin/reported-routes';
import { operatorContext } from './operator-context';

const USAGE = `Usage: npm run security:report -- [--since 24h] [--until <ISO time>] [--top 10] [--no-verify]

Prints a Markdown security report from the audit stream (REDIS_URL or REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX;
AUDIT_HMAC_KEY to verify the chain; DATA_DIR for the checkpoints it is compared with). --since takes 30m, 24h, 7d or an ISO 8601 time.
`;

/** AL4: `npm run security:report` — reads the audit stream through the same library code. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({
    options: {
      since: { type: 'string', default: '24h' },
      until: { type: 'string' },
      top: { type: 'string', default: '10' },
      'no-verify': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  const now = new Date();
  const since = parseSince(values.since, now);
  const until = values.until ? parseSince(values.until, now) : now;
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1) throw new Error('--top must be a positive integer');

  const context = await operatorContext([auditConfig], [...auditTrailProviders, AuditTrailService]);
  try {
    const trail = context.get(AuditTrailService);
    const verification = values['no-verify'] ? undefined : await trail.verify();
    const report = await buildSecurityReport(trail.entries(since, until), {
      since,
      until,
      top,
      verification,
      routes: REPORTED_ROUTES,
    });
    process.stdout.write(report);
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`security report failed: ${describeError(error)}\n${USAGE}`);
  process.exit(1);
});
