import type { Role } from '@techsapo/core';
import type {
  ActiveSession,
  ApiKeysStore,
  Block,
  BlocksStore,
  BlockTarget,
  KeyLookup,
  RotatedSession,
  Session,
  SessionKeyLimits,
  SessionsStore,
  StoredApiKey,
  StoredUser,
  SuccessorSession,
  UsersStore,
  BanRule,
  LoginBansStore,
} from '@techsapo/security';
import type { McpQuotasStore, McpSessionsStore, ToolPin, ToolPinsStore } from '@techsapo/mcp-proxy';
import type { RetentionLockStore } from '@techsapo/audit';
import type {
  AnalysisEvent,
  AnalysisEventsStore,
  AnalysisSignal,
  StoredAnalysisEvent,
} from '@techsapo/wall-bounce';

// Each fake passes its store's contract (test/contracts/), as the Redis store does.

/** The public face of a store: what a fake must offer in its place. */
export type Fake<T> = { [K in keyof T]: T[K] };

const copy = <T>(value: T): T => structuredClone(value);
const nameKey = (username: string): string => username.normalize('NFKC').toLowerCase();

/** Users in memory, with the Redis store's rules: unique names, replace only what exists. */
export class InMemoryUsersStore implements Fake<UsersStore> {
  readonly records = new Map<string, StoredUser>();
  readonly logins = new Map<string, string>();

  async insert(user: StoredUser): Promise<boolean> {
    const name = nameKey(user.username);
    if ([...this.records.values()].some((u) => nameKey(u.username) === name)) return false;
    this.records.set(user.id, copy(user));
    return true;
  }

  async all(): Promise<StoredUser[]> {
    return [...this.records.values()].map((u) => ({
      ...copy(u),
      lastLoginAt: this.logins.get(u.id),
    }));
  }

  async find(id: string): Promise<StoredUser | undefined> {
    const user = this.records.get(id);
    return user ? { ...copy(user), lastLoginAt: this.logins.get(id) } : undefined;
  }

  async findByUsername(username: string): Promise<StoredUser | undefined> {
    const name = nameKey(username);
    const user = [...this.records.values()].find((u) => nameKey(u.username) === name);
    return user ? copy(user) : undefined;
  }

  async replace(user: StoredUser): Promise<boolean> {
    if (!this.records.has(user.id)) return false;
    this.records.set(user.id, { ...copy(user), lastLoginAt: undefined });
    return true;
  }

  async recordLogin(id: string, at: Date): Promise<void> {
    this.logins.set(id, at.toISOString());
  }

  async remove(user: StoredUser): Promise<boolean> {
    this.logins.delete(user.id);
    return this.records.delete(user.id);
  }
}

/** API keys in memory: records, last uses and lookups by hash (expiry checked by the service). */
export class InMemoryApiKeysStore implements Fake<ApiKeysStore> {
  readonly records = new Map<string, StoredApiKey>();
  readonly lookups = new Map<string, KeyLookup>();
  readonly uses = new Map<string, string>();

  async insert(stored: StoredApiKey, lookup: KeyLookup): Promise<void> {
    this.records.set(stored.id, copy(stored));
    this.lookups.set(stored.hash, copy(lookup));
  }

  async all(): Promise<StoredApiKey[]> {
    return [...this.records.values()].map(copy);
  }

  async get(id: string): Promise<StoredApiKey | undefined> {
    const stored = this.records.get(id);
    return stored ? copy(stored) : undefined;
  }

  async lastUses(): Promise<Record<string, string>> {
    return Object.fromEntries(this.uses);
  }

  async recordUses(uses: Record<string, string>): Promise<void> {
    for (const [id, at] of Object.entries(uses)) this.uses.set(id, at);
  }

  async remove(stored: StoredApiKey): Promise<void> {
    this.lookups.delete(stored.hash);
    this.records.delete(stored.id);
    this.uses.delete(stored.id);
  }

  async setSuspended(stored: StoredApiKey, suspended: boolean): Promise<void> {
    if (!this.records.has(stored.id)) return;
    this.records.set(stored.id, { ...copy(stored), suspended });
    const lookup = this.lookups.get(stored.hash);
    if (lookup) this.lookups.set(stored.hash, { ...lookup, suspended });
  }

  async lookup(hash: string): Promise<KeyLookup | undefined> {
    const found = this.lookups.get(hash);
    return found ? copy(found) : undefined;
  }
}

/** Blocks in memory; a block stays in force until removed (the tests set no clock). */
export class InMemoryBlocksStore implements Fake<BlocksStore> {
  readonly records = new Map<string, Block>();
  readonly active = new Map<string, Block>();

  async insert(block: Block, _ttlMs: number, onlyIfAbsent: boolean): Promise<boolean> {
    const target = targetKey(block);
    if (onlyIfAbsent && this.active.has(target)) return false;
    this.records.set(block.id, copy(block));
    this.active.set(target, copy(block));
    return true;
  }

  async all(): Promise<Block[]> {
    return [...this.records.values()].map(copy);
  }

  async forget(ids: string[]): Promise<void> {
    for (const id of ids) this.records.delete(id);
  }

  async get(id: string): Promise<Block | undefined> {
    const block = this.records.get(id);
    return block ? copy(block) : undefined;
  }

  async remove(block: Block): Promise<void> {
    this.records.delete(block.id);
    if (this.active.get(targetKey(block))?.id === block.id) this.active.delete(targetKey(block));
  }

  async inForce(targets: BlockTarget[]): Promise<Block | undefined> {
    for (const target of targets) {
      const block = this.active.get(targetKey(target));
      if (block) return copy(block);
    }
    return undefined;
  }
}

const targetKey = (target: BlockTarget): string => `${target.kind}\0${target.value}`;

/** Tool pins in memory, per server. */
export class InMemoryToolPinsStore implements Fake<ToolPinsStore> {
  readonly pins = new Map<string, Map<string, ToolPin>>();
  readonly baselines = new Set<string>();

  async all(server: string): Promise<Map<string, ToolPin>> {
    return new Map(
      [...(this.pins.get(server) ?? new Map<string, ToolPin>())].map(([t, p]) => [t, copy(p)]),
    );
  }

  async get(server: string, tool: string): Promise<ToolPin | undefined> {
    const pin = this.pins.get(server)?.get(tool);
    return pin ? copy(pin) : undefined;
  }

  async markBaseline(server: string): Promise<boolean> {
    if (this.baselines.has(server)) return false;
    this.baselines.add(server);
    return true;
  }

  async insert(server: string, tool: string, pin: ToolPin): Promise<boolean> {
    if (this.pins.get(server)?.has(tool)) return false;
    await this.put(server, tool, pin);
    return true;
  }

  async put(server: string, tool: string, pin: ToolPin): Promise<void> {
    const pins = this.pins.get(server) ?? new Map<string, ToolPin>();
    pins.set(tool, copy(pin));
    this.pins.set(server, pins);
  }
}

/**
 * Sessions in memory as the Redis store keeps them: the sessions themselves (the keys), and
 * the index of owners and ends that serves the owner lookup, the list of everyone's sessions and
 * the count until a prune. No clock: a session ends when checked at or after its end.
 */
export class InMemorySessionsStore implements Fake<SessionsStore> {
  readonly sessions = new Map<string, Session>();
  readonly index = new Map<string, { userId: string; end: number }>();
  readonly inserted: { session: Session; limits: SessionKeyLimits }[] = [];
  readonly touched: { userId: string; sessionId: string; now: number; idleMs: number }[] = [];

  async insert(session: Session, limits: SessionKeyLimits): Promise<void> {
    this.inserted.push({ session, limits });
    this.admit(copy(session), limits.maxPerUser);
  }

  async rotate(
    userId: string,
    oldSessionId: string,
    successor: SuccessorSession,
    limits: SessionKeyLimits,
  ): Promise<RotatedSession | undefined> {
    const old = this.sessions.get(oldSessionId);
    const end = old ? Date.parse(old.expiresAt) : 0;
    if (!old || old.userId !== userId || end <= successor.createdAt) return undefined;
    this.drop(oldSessionId);
    const createdAt = new Date(successor.createdAt).toISOString();
    this.admit(
      {
        ...old,
        id: successor.id,
        createdAt,
        lastSeenAt: createdAt,
        ip: successor.ip,
        userAgent: successor.userAgent,
      },
      limits.maxPerUser,
    );
    return { username: old.username, roles: copy(old.roles), expiresAt: end };
  }

  async check(userId: string, sessionId: string, now: number): Promise<ActiveSession | undefined> {
    const s = this.sessions.get(sessionId);
    if (!s || s.userId !== userId) return undefined;
    if (Date.parse(s.expiresAt) <= now) {
      this.sessions.delete(sessionId);
      return undefined;
    }
    return {
      userId,
      username: s.username,
      roles: copy(s.roles),
      expiresAt: Date.parse(s.expiresAt),
      lastSeenAt: Date.parse(s.lastSeenAt),
    };
  }

  async touch(userId: string, sessionId: string, now: number, idleMs: number): Promise<boolean> {
    this.touched.push({ userId, sessionId, now, idleMs });
    const s = this.sessions.get(sessionId);
    if (!s || s.userId !== userId || Date.parse(s.expiresAt) <= now) return false;
    if (Date.parse(s.lastSeenAt) < now) s.lastSeenAt = new Date(now).toISOString();
    return true;
  }

  async ownerOf(sessionId: string): Promise<string | null> {
    return this.index.get(sessionId)?.userId ?? null;
  }

  async read(userId: string, sessionId: string): Promise<Session | undefined> {
    const s = this.sessions.get(sessionId);
    return s?.userId === userId ? copy(s) : undefined;
  }

  async list(userId?: string): Promise<Session[]> {
    const ids = userId ? this.idsOf(userId) : [...this.index.keys()];
    return ids.flatMap((id) => {
      const s = this.sessions.get(id);
      return s ? [copy(s)] : [];
    });
  }

  async end(userId: string, sessionId: string): Promise<boolean> {
    if (this.sessions.get(sessionId)?.userId !== userId) return false;
    this.drop(sessionId);
    return true;
  }

  async endAllOf(userId: string): Promise<number> {
    const live = this.idsOf(userId);
    live.forEach((id) => this.drop(id));
    for (const [id, entry] of this.index) if (entry.userId === userId) this.index.delete(id);
    return live.length;
  }

  async setRoles(userId: string, roles: Role[]): Promise<void> {
    for (const id of this.idsOf(userId)) this.sessions.get(id)!.roles = copy(roles);
  }

  /** Index entries whose end is after `now`, whether idle-ended or not (as ZCOUNT counts). */
  async countUnexpired(now: number): Promise<number> {
    return [...this.index.values()].filter((entry) => entry.end > now).length;
  }

  async prune(now: number): Promise<number> {
    for (const [id, entry] of this.index)
      if (entry.end <= now || !this.sessions.has(id)) this.index.delete(id);
    return this.index.size;
  }

  /** Stores a session, then ends the user's oldest beyond the limit (oldest by creation). */
  private admit(session: Session, maxPerUser: number): void {
    this.sessions.set(session.id, session);
    this.index.set(session.id, { userId: session.userId, end: Date.parse(session.expiresAt) });
    const ids = this.idsOf(session.userId);
    ids.slice(0, Math.max(0, ids.length - maxPerUser)).forEach((id) => this.drop(id));
  }

  /** The user's live sessions, oldest first (ties by id, as a sorted set orders them). */
  private idsOf(userId: string): string[] {
    return [...this.sessions.values()]
      .filter((s) => s.userId === userId)
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.id < b.id ? -1 : 1))
      .map((s) => s.id);
  }

  private drop(sessionId: string): void {
    this.sessions.delete(sessionId);
    this.index.delete(sessionId);
  }
}

/** Failure counts and bans per name (case- and width-folded) and per address; no clock. */
export class InMemoryLoginBansStore implements Fake<LoginBansStore> {
  readonly failures = new Map<string, number>();
  /** Ban length in ms per banned name or address (a ban stays until the test clears it). */
  readonly bans = new Map<string, number>();

  async longestBanMs(username: string, ip: string): Promise<number> {
    return Math.max(0, ...targetsOf(username, ip).map((t) => this.bans.get(t) ?? 0));
  }

  async countFailure(username: string, ip: string, rule: BanRule): Promise<boolean> {
    let started = false;
    for (const target of targetsOf(username, ip)) {
      const count = (this.failures.get(target) ?? 0) + 1;
      this.failures.set(target, count);
      if (count >= rule.maxFailures) {
        this.bans.set(target, rule.banMs);
        this.failures.delete(target);
        started = true;
      }
    }
    return started;
  }

  async clearFailures(username: string): Promise<void> {
    this.failures.delete(targetsOf(username, '')[0]);
  }
}

const targetsOf = (username: string, ip: string): [string, string] => [
  `user:${nameKey(username)}`,
  `ip:${ip}`,
];

/** MCP sessions per principal with their last activity (ms), as the sorted sets hold them. */
export class InMemoryMcpSessionsStore implements Fake<McpSessionsStore> {
  readonly sessions = new Map<string, Map<string, number>>();

  async add(
    principalId: string,
    sessionId: string,
    now: number,
    idleMs: number,
  ): Promise<string[]> {
    const live = this.live(principalId, now, idleMs);
    live.set(sessionId, now);
    return [...live].sort(([a, at], [b, bt]) => at - bt || a.localeCompare(b)).map(([id]) => id);
  }

  async touch(
    principalId: string,
    sessionId: string,
    now: number,
    idleMs: number,
  ): Promise<boolean> {
    const live = this.live(principalId, now, idleMs);
    if (!live.has(sessionId)) return false;
    live.set(sessionId, now);
    return true;
  }

  async isLive(
    principalId: string,
    sessionId: string,
    now: number,
    idleMs: number,
  ): Promise<boolean> {
    const at = this.sessions.get(principalId)?.get(sessionId);
    return at !== undefined && at > now - idleMs;
  }

  async remove(principalId: string, sessionIds: string[]): Promise<void> {
    for (const id of sessionIds) this.sessions.get(principalId)?.delete(id);
  }

  async count(principalId: string, since: number): Promise<number> {
    return [...(this.sessions.get(principalId)?.values() ?? [])].filter((at) => at >= since).length;
  }

  /** The principal's sessions, those idle since `now - idleMs` dropped. */
  private live(principalId: string, now: number, idleMs: number): Map<string, number> {
    const sessions = this.sessions.get(principalId) ?? new Map<string, number>();
    for (const [id, at] of sessions) if (at <= now - idleMs) sessions.delete(id);
    this.sessions.set(principalId, sessions);
    return sessions;
  }
}

/** Quota counts per principal, window and kind. */
export class InMemoryMcpQuotasStore implements Fake<McpQuotasStore> {
  readonly counts = new Map<string, number>();

  async increment(principalId: string, kind: string, window: number): Promise<number> {
    const key = `${principalId}|${window}|${kind}`;
    const used = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, used);
    return used;
  }
}

/** Event logs per analysis, and subscriptions that hear every append and erasure at once. */
export class InMemoryAnalysisEventsStore implements Fake<AnalysisEventsStore> {
  readonly logs = new Map<string, StoredAnalysisEvent[]>();
  readonly subscriptions: {
    wanted: (analysisId: string) => boolean;
    onSignal: (signal: AnalysisSignal) => void;
  }[] = [];
  closed = 0;

  async append(analysisId: string, event: StoredAnalysisEvent): Promise<number> {
    const log = this.logs.get(analysisId) ?? [];
    log.push(copy(event));
    this.logs.set(analysisId, log);
    const seq = log.length;
    this.publish(analysisId, { kind: 'event', event: { ...copy(event), analysisId, seq } });
    return seq;
  }

  async publishErased(analysisId: string): Promise<void> {
    this.publish(analysisId, { kind: 'erased', analysisId });
  }

  async read(analysisId: string, from: number): Promise<AnalysisEvent[]> {
    return (this.logs.get(analysisId) ?? [])
      .map((event, index) => ({ ...copy(event), analysisId, seq: index + 1 }))
      .slice(from - 1);
  }

  async count(analysisId: string): Promise<number> {
    return this.logs.get(analysisId)?.length ?? 0;
  }

  async subscribe(
    wanted: (analysisId: string) => boolean,
    onSignal: (signal: AnalysisSignal) => void,
  ): Promise<void> {
    this.subscriptions.push({ wanted, onSignal });
  }

  async close(): Promise<void> {
    this.subscriptions.length = 0;
    this.closed += 1;
  }

  private publish(analysisId: string, signal: AnalysisSignal): void {
    for (const s of [...this.subscriptions]) if (s.wanted(analysisId)) s.onSignal(copy(signal));
  }
}

/** The retention lock: who holds it (their token) and for how long it was taken; no clock. */
export class InMemoryRetentionLockStore implements Fake<RetentionLockStore> {
  heldBy: string | undefined;
  ttlMs: number | undefined;

  async acquire(holder: string, ttlMs: number): Promise<boolean> {
    if (this.heldBy !== undefined) return false;
    this.heldBy = holder;
    this.ttlMs = ttlMs;
    return true;
  }

  async release(holder: string): Promise<void> {
    if (this.heldBy === holder) this.heldBy = undefined;
  }
}
