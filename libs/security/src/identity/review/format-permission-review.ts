import type { PermissionReview } from './permission-review';

const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : 'never');

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The review as a terminal page (`npm run security:review`). */
export function formatPermissionReview(review: PermissionReview): string {
  const { summary } = review;
  const users = table(
    ['USER', 'ROLES', 'DISABLED', 'LAST LOGIN', 'SESSIONS', 'FLAGS'],
    review.users.map((u) => [
      u.username,
      u.roles.join(','),
      u.disabled ? 'yes' : 'no',
      day(u.lastLoginAt),
      String(u.activeSessions),
      u.flags.join(', '),
    ]),
  );
  const keys = table(
    ['API KEY', 'ROLE', 'CREATED', 'EXPIRES', 'LAST USED', 'FLAGS'],
    review.apiKeys.map((k) => [
      k.name,
      k.role,
      day(k.createdAt),
      k.expiresAt ? day(k.expiresAt) : 'no expiry',
      day(k.lastUsedAt),
      k.flags.join(', '),
    ]),
  );
  return [
    `Permission review, ${review.generatedAt}`,
    `${summary.users} users (${summary.flaggedUsers} flagged), ${summary.apiKeys} API keys (${summary.flaggedApiKeys} flagged)`,
    '',
    users,
    '',
    keys,
    '',
  ].join('\n');
}
