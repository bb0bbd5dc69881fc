import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { getToken } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { describeError, replicaAcksProvider, ReplicatedWrites } from '@techsapo/core';
import {
  AUDIT_WRITE_FAILURES,
  auditConfig,
  auditTrailProviders,
  AuditWriter,
  auditWriterMetricProviders,
} from '@techsapo/audit';
import { PasswordReset, securityConfig } from '@techsapo/security';
import { operatorContext } from './operator-context';
import { userProviders } from './user-providers';

const USAGE = `Usage: npm run admin:reset-password -- --username NAME

Gives the user a new random password, printed once here, and ends every session of the user;
writes an admin entry to the audit trail (REDIS_URL or REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX,
AUDIT_HMAC_KEY as the service has them).
`;

/** `npm run admin:reset-password -- --username NAME`: the way back in for a lost password. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  if (!values.username) throw new Error('--username is required');
  const context = await operatorContext(
    [securityConfig, auditConfig],
    [
      ...userProviders,
      PasswordReset,
      // Acknowledged means replicated here too, as in the service.
      replicaAcksProvider,
      ReplicatedWrites,
      ...auditWriterMetricProviders,
      ...auditTrailProviders,
      AuditWriter,
    ],
  );
  try {
    const result = await context.get(PasswordReset).reset(values.username);
    const writer = context.get(AuditWriter);
    const failures = context.get<Counter<string>>(getToken(AUDIT_WRITE_FAILURES));
    writer.record({
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      type: 'admin',
      actor: { username: `${userInfo().username}@${hostname()} (admin:reset-password)` },
      request: {
        id: randomUUID(),
        method: 'CLI',
        path: 'admin:reset-password',
        ip: 'local',
        userAgent: 'npm run admin:reset-password',
      },
      outcome: { status: 0, decision: 'allowed' },
      details: {
        action: 'password-reset',
        userId: result.user.id,
        username: result.user.username,
        endedSessions: result.endedSessions,
      },
    });
    await writer.flush();
    if (writer.pending > 0 || (await failures.get()).values.some((v) => v.value > 0)) {
      throw new Error('the password was reset but the audit entry could not be written');
    }
    process.stdout.write(
      `New password for "${result.user.username}": ${result.password}\n` +
        `It is shown only this once; ${result.endedSessions} session(s) ended.\n`,
    );
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`admin:reset-password failed: ${describeError(error)}\n`);
  process.exit(1);
});
