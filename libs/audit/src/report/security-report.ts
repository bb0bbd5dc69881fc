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
const ALL = Number.MAX_SAFE_INTEGER;
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

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

/** What the report counts, filled by one pass over the entries (oldest first). */
class ReportCounts {
  total = 0;
  denied = 0;
  securityEvents = 0;
  failedLogins = 0;
  readonly byType = new Tally();
  readonly bySeverity = new Tally();
  readonly byEventAndSeverity = new Tally();
  readonly failedLoginsByAddress = new Tally();
  readonly failedLoginsByUser = new Tally();
  readonly refusals = new Tally();
  readonly deniedAddresses = new Tally();
  readonly deniedPrincipals = new Tally();
  /** Table rows of the blocks administrators created. */
  readonly blocks: string[] = [];
  /** Attempt events: one per scanned text and category, exactly what the attempt counter counts. */
  readonly attempts = new Tally();
  /** Table rows of the self-modification attempts. */
  readonly selfModification: string[] = [];

  constructor(private readonly routes: ReportedRoutes) {}

  count(entry: AuditEntry): void {
    this.total += 1;
    const principal = entry.actor?.username ?? entry.actor?.id;
    if (entry.outcome?.decision === 'denied') this.denied += 1;
    if (entry.outcome?.decision === 'denied' || entry.type === 'security') {
      this.deniedAddresses.add(entry.request?.ip);
      this.deniedPrincipals.add(principal);
    }
    if (entry.type === 'security') this.countSecurityEvent(entry, principal);
    else this.countRequest(entry, principal);
  }

  private countSecurityEvent(entry: AuditEntry, principal: string | undefined): void {
    this.securityEvents += 1;
    const details = entry.details ?? {};
    const eventType = String(details.event_type ?? 'UNKNOWN');
    const severity = String(details.severity ?? 'UNKNOWN');
    const violation = String(details.violation_type ?? entry.outcome?.reason ?? 'UNKNOWN');
    this.byType.add(`${eventType} / ${violation}`);
    this.bySeverity.add(severity);
    this.byEventAndSeverity.add(`${eventType}|${severity}`);
    const attemptType = typeof details.attempt_type === 'string' ? details.attempt_type : '';
    if (attemptType) {
      const source = String(details.source ?? '');
      this.attempts.add(`${attemptType}|${source}|${details.blocked === true}`);
      if (attemptType === SELF_MODIFICATION) {
        this.selfModification.push(
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
    if (details.blocked) this.refusals.add(`security event blocked: ${violation}`);
  }

  private countRequest(entry: AuditEntry, principal: string | undefined): void {
    const details = entry.details ?? {};
    const status = entry.outcome?.status;
    if (isRoute(entry, this.routes.login) && (status === 401 || status === 429)) {
      this.failedLogins += 1;
      this.failedLoginsByAddress.add(entry.request?.ip);
      this.failedLoginsByUser.add(
        typeof details.username === 'string' ? details.username : undefined,
      );
    }
    if (status === 429) this.refusals.add(`429 ${entry.outcome.reason ?? 'rate-limited'}`);
    if (status === 403) this.refusals.add(`403 ${entry.outcome.reason ?? 'forbidden'}`);
    if (isRoute(entry, this.routes.createBlock) && status === 201) {
      this.blocks.push(row([entry.timestamp, principal ?? '', entry.request.ip]));
    }
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
  const counts = new ReportCounts(options.routes);
  for await (const entry of entries) counts.count(entry);
  const out = [
    ...heading(options),
    ...summary(counts),
    ...eventsByType(counts),
    ...eventsBySeverity(counts),
    ...failedLogins(counts, top),
    ...bansAndBlocks(counts),
    ...topDenied(counts, top),
    ...attemptsByTypeAndSource(counts),
    ...selfModificationAttempts(counts),
  ];
  return `${out.join('\n')}\n`;
}

function heading(options: SecurityReportOptions): string[] {
  const out = ['# TechSapo security report', ''];
  out.push(`Period: ${options.since.toISOString()} — ${options.until.toISOString()}`, '');
  if (options.verification) out.push(chainVerdict(options.verification), '');
  return out;
}

function summary(c: ReportCounts): string[] {
  const out = [
    '## Summary',
    '',
    table(
      ['measure', 'count'],
      [
        ['audit entries', c.total],
        ['denied requests and blocked events', c.denied],
        ['security events', c.securityEvents],
        ['failed logins', c.failedLogins],
        ['attempts on the service (all types)', c.attempts.total],
        ['self-modification attempts', c.selfModification.length],
      ],
    ),
  ];
  if (c.total === 0) out.push('', '_No audit entries in this period._');
  return out;
}

function eventsByType(c: ReportCounts): string[] {
  return [
    '',
    '## Security events by type',
    '',
    section(c.byType.top(ALL), ['event type / violation', 'count']),
  ];
}

function eventsBySeverity(c: ReportCounts): string[] {
  const out = ['', '## Security events by severity', ''];
  const eventTypes = [...new Set(c.byEventAndSeverity.top(ALL).map(([k]) => k.split('|')[0]))];
  if (eventTypes.length === 0) return [...out, '_None._'];
  return [
    ...out,
    table(
      ['event type', ...SEVERITIES],
      eventTypes.map((t) => [
        t,
        ...SEVERITIES.map((s) => countOf(c.byEventAndSeverity, `${t}|${s}`)),
      ]),
    ),
    '',
    table(['severity', 'count'], c.bySeverity.top(10)),
  ];
}

function failedLogins(c: ReportCounts, top: number): string[] {
  const out = ['', '## Failed logins', '', `${c.failedLogins} failed login(s).`, ''];
  out.push(section(c.failedLoginsByAddress.top(top), ['masked address', 'failed logins']));
  if (c.failedLoginsByUser.total > 0)
    out.push('', section(c.failedLoginsByUser.top(top), ['username', 'failed logins']));
  return out;
}

function bansAndBlocks(c: ReportCounts): string[] {
  const out = ['', '## Bans and blocks', '', section(c.refusals.top(ALL), ['refusal', 'count'])];
  if (c.blocks.length > 0) {
    out.push('', 'Blocks created by administrators:', '');
    out.push(`| time | by | from |\n|---|---|---|\n${c.blocks.join('\n')}`);
  }
  return out;
}

function topDenied(c: ReportCounts, top: number): string[] {
  return [
    '',
    '## Top masked addresses (denied requests and security events)',
    '',
    section(c.deniedAddresses.top(top), ['masked address', 'count']),
    '',
    '## Top principals (denied requests and security events)',
    '',
    section(c.deniedPrincipals.top(top), ['principal', 'count']),
  ];
}

function attemptsByTypeAndSource(c: ReportCounts): string[] {
  const rows = c.attempts.top(ALL).map(([key, count]) => {
    const [type, source, blocked] = key.split('|');
    return [type, source, blocked === 'true' ? 'yes' : 'no', count];
  });
  return [
    '',
    '## Attempts by type and source',
    '',
    'Security events of the content detector, one per scanned text and category: the same count as `techsapo_self_modification_attempts_total{type,source,blocked}`.',
    '',
    rows.length === 0 ? '_None._' : table(['type', 'source', 'blocked', 'count'], rows),
  ];
}

function selfModificationAttempts(c: ReportCounts): string[] {
  return [
    '',
    '## Self-modification attempts',
    '',
    c.selfModification.length === 0
      ? '_None._'
      : `| time | severity | violation | source | blocked | where | address | principal | payload (sanitised) |\n|---|---|---|---|---|---|---|---|---|\n${c.selfModification.join('\n')}`,
  ];
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
  return tally.top(ALL).find(([k]) => k === key)?.[1] ?? 0;
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
