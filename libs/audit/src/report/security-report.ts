import type { AuditEntry } from '../trail/audit-entry';
import type { VerifyResult } from '../trail/audit-trail.service';

export interface SecurityReportOptions {
  since: Date;
  until: Date;
  /** Rows in each "top" table. */
  top?: number;
  verification?: VerifyResult;
  /** The application's routes whose entries the report reads (the library knows no paths). */
  routes: ReportedRoutes;
}

/** A route of the application, as its audit entries name it (method, route pattern). */
export interface ReportedRoute {
  method: string;
  route: string;
}

export interface ReportedRoutes {
  /** Sign-in: its 401s and 429s are failed logins. */
  login: ReportedRoute;
  /** An administrator's new block: each 201 is listed. */
  createBlock: ReportedRoute;
}

/** The attempt type (detector category) that the self-modification alert pages on. */
const SELF_MODIFICATION = 'self-modification';
/** What locates an attempt, from its event's details, in this order. */
const CONTEXT_KEYS = ['analysisId', 'provider', 'server', 'tool', 'location', 'field'] as const;

function isRoute(entry: AuditEntry, { method, route }: ReportedRoute): boolean {
  return entry.request?.method === method && (entry.request.route ?? entry.request.path) === route;
}

class Tally {
  private readonly counts = new Map<string, number>();
  add(key: string | undefined, by = 1): void {
    if (!key) return;
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }
  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }
  top(n: number): [string, number][] {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, n);
  }
}

/**
 * AL4: the incident-response summary of the audit trail over a period, as Markdown. Reads the
 * entries once, oldest first; everything in it is already masked (addresses, user agents) and
 * sanitised (payload excerpts), so the report can be shared.
 */
export async function buildSecurityReport(
  entries: AsyncIterable<AuditEntry>,
  options: SecurityReportOptions,
): Promise<string> {
  const top = options.top ?? 10;
  const byType = new Tally();
  const bySeverity = new Tally();
  const byEventAndSeverity = new Tally();
  const failedLoginsByAddress = new Tally();
  const failedLoginsByUser = new Tally();
  const refusals = new Tally();
  const deniedAddresses = new Tally();
  const deniedPrincipals = new Tally();
  const blocks: string[] = [];
  // Attempt events: one per scanned text and category, exactly what the attempt counter counts.
  const attempts = new Tally();
  const selfModification: string[] = [];
  let total = 0;
  let denied = 0;
  let securityEvents = 0;
  let failedLogins = 0;

  for await (const entry of entries) {
    total += 1;
    const details = entry.details ?? {};
    const principal = entry.actor?.username ?? entry.actor?.id;
    if (entry.outcome?.decision === 'denied') denied += 1;
    if (entry.outcome?.decision === 'denied' || entry.type === 'security') {
      deniedAddresses.add(entry.request?.ip);
      deniedPrincipals.add(principal);
    }
    if (entry.type === 'security') {
      securityEvents += 1;
      const eventType = String(details.event_type ?? 'UNKNOWN');
      const severity = String(details.severity ?? 'UNKNOWN');
      const violation = String(details.violation_type ?? entry.outcome?.reason ?? 'UNKNOWN');
      byType.add(`${eventType} / ${violation}`);
      bySeverity.add(severity);
      byEventAndSeverity.add(`${eventType}|${severity}`);
      const attemptType = typeof details.attempt_type === 'string' ? details.attempt_type : '';
      if (attemptType) {
        const source = String(details.source ?? '');
        attempts.add(`${attemptType}|${source}|${details.blocked === true}`);
        if (attemptType === SELF_MODIFICATION) {
          selfModification.push(
            row([
              entry.timestamp,
              severity,
              violation,
              source,
              details.blocked === true ? 'yes' : 'no',
              contextOf(entry.request?.id, details),
              entry.request?.ip,
              principal ?? '',
              String(details.payload ?? ''),
            ]),
          );
        }
      }
      if (details.blocked) refusals.add(`security event blocked: ${violation}`);
      continue;
    }
    const status = entry.outcome?.status;
    const { login, createBlock } = options.routes;
    if (isRoute(entry, login) && (status === 401 || status === 429)) {
      failedLogins += 1;
      failedLoginsByAddress.add(entry.request?.ip);
      failedLoginsByUser.add(typeof details.username === 'string' ? details.username : undefined);
    }
    if (status === 429) refusals.add(`429 ${entry.outcome.reason ?? 'rate-limited'}`);
    if (status === 403) refusals.add(`403 ${entry.outcome.reason ?? 'forbidden'}`);
    if (isRoute(entry, createBlock) && status === 201) {
      blocks.push(row([entry.timestamp, principal ?? '', entry.request.ip]));
    }
  }

  const out: string[] = [];
  out.push('# TechSapo security report', '');
  out.push(`Period: ${options.since.toISOString()} — ${options.until.toISOString()}`, '');
  if (options.verification) {
    const v = options.verification;
    out.push(chainVerdict(v), '');
  }
  out.push('## Summary', '');
  out.push(
    table(
      ['measure', 'count'],
      [
        ['audit entries', total],
        ['denied requests and blocked events', denied],
        ['security events', securityEvents],
        ['failed logins', failedLogins],
        ['attempts on the service (all types)', attempts.total],
        ['self-modification attempts', selfModification.length],
      ],
    ),
  );
  if (total === 0) out.push('', '_No audit entries in this period._');

  out.push('', '## Security events by type', '');
  out.push(section(byType.top(Number.MAX_SAFE_INTEGER), ['event type / violation', 'count']));
  out.push('', '## Security events by severity', '');
  const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
  const eventTypes = [
    ...new Set(byEventAndSeverity.top(Number.MAX_SAFE_INTEGER).map(([k]) => k.split('|')[0])),
  ];
  if (eventTypes.length === 0) out.push('_None._');
  else {
    out.push(
      table(
        ['event type', ...severities],
        eventTypes.map((t) => [
          t,
          ...severities.map((s) => countOf(byEventAndSeverity, `${t}|${s}`)),
        ]),
      ),
      '',
      table(['severity', 'count'], bySeverity.top(10)),
    );
  }

  out.push('', '## Failed logins', '');
  out.push(`${failedLogins} failed login(s).`, '');
  out.push(section(failedLoginsByAddress.top(top), ['masked address', 'failed logins']));
  if (failedLoginsByUser.total > 0)
    out.push('', section(failedLoginsByUser.top(top), ['username', 'failed logins']));

  out.push('', '## Bans and blocks', '');
  out.push(section(refusals.top(Number.MAX_SAFE_INTEGER), ['refusal', 'count']));
  if (blocks.length > 0) {
    out.push('', 'Blocks created by administrators:', '');
    out.push(`| time | by | from |\n|---|---|---|\n${blocks.join('\n')}`);
  }

  out.push('', '## Top masked addresses (denied requests and security events)', '');
  out.push(section(deniedAddresses.top(top), ['masked address', 'count']));
  out.push('', '## Top principals (denied requests and security events)', '');
  out.push(section(deniedPrincipals.top(top), ['principal', 'count']));

  out.push('', '## Attempts by type and source', '');
  out.push(
    'Security events of the content detector, one per scanned text and category: the same count as `techsapo_self_modification_attempts_total{type,source,blocked}`.',
    '',
  );
  const attemptRows = attempts.top(Number.MAX_SAFE_INTEGER).map(([key, count]) => {
    const [type, source, blocked] = key.split('|');
    return [type, source, blocked === 'true' ? 'yes' : 'no', count];
  });
  out.push(
    attemptRows.length === 0
      ? '_None._'
      : table(['type', 'source', 'blocked', 'count'], attemptRows),
  );

  out.push('', '## Self-modification attempts', '');
  out.push(
    selfModification.length === 0
      ? '_None._'
      : `| time | severity | violation | source | blocked | where | address | principal | payload (sanitised) |\n|---|---|---|---|---|---|---|---|---|\n${selfModification.join('\n')}`,
  );
  return `${out.join('\n')}\n`;
}

/** Where an attempt was seen: its request and what its reporter named (analysis, provider, …). */
function contextOf(requestId: string | undefined, details: Record<string, unknown>): string {
  const parts = requestId && requestId !== '-' ? [`request ${requestId}`] : [];
  for (const key of CONTEXT_KEYS) {
    if (typeof details[key] === 'string' && details[key]) parts.push(`${key} ${details[key]}`);
  }
  return parts.join(', ');
}

function countOf(tally: Tally, key: string): number {
  return tally.top(Number.MAX_SAFE_INTEGER).find(([k]) => k === key)?.[1] ?? 0;
}

function section(rows: [string, number][], header: [string, string]): string {
  return rows.length === 0 ? '_None._' : table(header, rows);
}

function table(header: string[], rows: (string | number)[][]): string {
  return [row(header), `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => row(r))].join(
    '\n',
  );
}

/** One Markdown table row; cell text cannot break the table. */
function row(cells: (string | number | undefined)[]): string {
  return `| ${cells
    .map((c) =>
      String(c ?? '')
        .replace(/[|\n\r]/g, ' ')
        .slice(0, 200),
    )
    .join(' | ')} |`;
}

/** `24h`, `7d`, `30m`, `3600s` or an ISO 8601 instant. */
export function parseSince(value: string, now = new Date()): Date {
  const relative = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (relative) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
      relative[2] as 's' | 'm' | 'h' | 'd'
    ];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime()))
    throw new Error(`not a duration (24h, 7d) or an ISO 8601 time: ${value}`);
  return at;
}

function chainVerdict(v: VerifyResult): string {
  const seen = v.checkpoint
    ? ` The latest checkpoint outside Redis saw seq ${v.checkpoint.seq} at ${v.checkpoint.time}.`
    : '';
  if (v.ok)
    return `Audit chain: **intact** (${v.checked} entries checked${v.anchoredAt ? `, anchored after seq ${v.anchoredAt}` : ''}).${seen}`;
  if (v.checkpoint && !v.checkpoint.authentic)
    return `Audit chain: **UNVERIFIED**: the latest checkpoint outside Redis (seq ${v.checkpoint.seq}) is not authentic — investigate before trusting this report.`;
  if (v.truncated)
    return `Audit chain: **TRUNCATED: entries from seq ${v.firstBrokenSeq} are missing** (${v.checked} entries checked).${seen} Investigate before trusting this report.`;
  return `Audit chain: **BROKEN at seq ${v.firstBrokenSeq}** (${v.checked} entries checked) — investigate before trusting this report.`;
}
