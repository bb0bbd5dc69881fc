import { Injectable } from '@nestjs/common';
import { RedisService, Role } from '@techsapo/core';
import { ActiveSession, Session } from './session';
import {
  CHECK_SESSION,
  CREATE_SESSION,
  END_SESSION,
  END_USER_SESSIONS,
  ROTATE_SESSION,
  SET_SESSION_ROLES,
  TOUCH_SESSION,
} from './session-scripts';

/** How long a session's keys live and how many sessions a user keeps. */
export interface SessionKeyLimits {
  /** The session key's TTL from now (idle timeout, never past its end). */
  keyTtlMs: number;
  /** Sessions kept per user; the oldest end first. */
  maxPerUser: number;
  /** The TTL of the user's set of sessions. */
  setTtlMs: number;
}

/** What a successor takes over from the session it replaces. */
export interface RotatedSession {
  username: string;
  roles: Role[];
  expiresAt: number;
}

/** The new parts of a successor session. */
export interface SuccessorSession {
  id: string;
  createdAt: number;
  ip: string;
  userAgent: string;
}

/**
 * Sessions in Redis (keys, scripts, serialisation). A session lives under its user's hash tag
 * (`…:u:{<userId>}:session:<sid>`, with the user's set `…:u:{<userId>}:sessions`), so the
 * token's subject finds it without a lookup and each script touches one slot; an index
 * (`…:{sessions}:*`) serves the admin list and the active-session count.
 */
@Injectable()
export class SessionsStore {
  constructor(private readonly redis: RedisService) {}

  /** Stores a new session and keeps the user's set to its limit. */
  async insert(session: Session, limits: SessionKeyLimits): Promise<void> {
    const now = Date.parse(session.createdAt);
    const end = Date.parse(session.expiresAt);
    const fields = {
      id: session.id,
      userId: session.userId,
      username: session.username,
      roles: JSON.stringify(session.roles),
      permissions: JSON.stringify(session.permissions),
      securityLevel: session.securityLevel,
      createdAt: now,
      lastSeenAt: Date.parse(session.lastSeenAt),
      expiresAt: end,
      ip: session.ip,
      userAgent: session.userAgent,
    };
    const gone = await CREATE_SESSION.run(
      this.redis.client,
      [this.sessionKey(session.userId, session.id), this.userSetKey(session.userId)],
      [
        session.id,
        now,
        limits.keyTtlMs,
        limits.maxPerUser,
        this.sessionKey(session.userId, ''),
        limits.setTtlMs,
        ...Object.entries(fields).flat(),
      ],
    );
    await this.index(session.userId, session.id, end, gone);
  }

  /**
   * Ends `oldSessionId` and stores its successor atomically (one script): of parallel
   * rotations of one session exactly one gets a successor; the others get undefined.
   */
  async rotate(
    userId: string,
    oldSessionId: string,
    successor: SuccessorSession,
    limits: SessionKeyLimits,
  ): Promise<RotatedSession | undefined> {
    const fields = {
      id: successor.id,
      createdAt: successor.createdAt,
      lastSeenAt: successor.createdAt,
      ip: successor.ip,
      userAgent: successor.userAgent,
    };
    const result = await ROTATE_SESSION.run(
      this.redis.client,
      [
        this.sessionKey(userId, successor.id),
        this.userSetKey(userId),
        this.sessionKey(userId, oldSessionId),
      ],
      [
        successor.id,
        successor.createdAt,
        limits.keyTtlMs,
        limits.maxPerUser,
        this.sessionKey(userId, ''),
        limits.setTtlMs,
        oldSessionId,
        userId,
        ...Object.entries(fields).flat(),
      ],
    );
    if (!result) return undefined;
    const [expiresAt, username, roles, ...gone] = result;
    const end = Number(expiresAt);
    await this.index(userId, successor.id, end, gone);
    return { username, roles: JSON.parse(roles) as Role[], expiresAt: end };
  }

  /** The per-request check (one script call); it records nothing (`touch` does). */
  async check(userId: string, sessionId: string, now: number): Promise<ActiveSession | undefined> {
    const found = await CHECK_SESSION.run(
      this.redis.client,
      [this.sessionKey(userId, sessionId)],
      [userId, now],
    );
    if (!found) return undefined;
    return {
      userId,
      username: found[0],
      roles: JSON.parse(found[1]) as Role[],
      expiresAt: Number(found[2]),
      lastSeenAt: Number(found[3]),
    };
  }

  /**
   * Records activity at `now` and renews the idle expiry (never past the session's end); false
   * when the session has ended. An ended session is not brought back.
   */
  async touch(userId: string, sessionId: string, now: number, idleMs: number): Promise<boolean> {
    const live = await TOUCH_SESSION.run(
      this.redis.client,
      [this.sessionKey(userId, sessionId)],
      [userId, now, idleMs],
    );
    return live === 1;
  }

  /** The owner of a session, from the index. */
  ownerOf(sessionId: string): Promise<string | null> {
    return this.redis.client.hget(this.indexKeys()[1], sessionId);
  }

  async read(userId: string, sessionId: string): Promise<Session | undefined> {
    const h = await this.redis.client.hgetall(this.sessionKey(userId, sessionId));
    if (!h.id) return undefined;
    const iso = (ms: string): string => new Date(Number(ms)).toISOString();
    return {
      id: h.id,
      userId: h.userId,
      username: h.username,
      roles: JSON.parse(h.roles) as Role[],
      permissions: JSON.parse(h.permissions) as string[],
      securityLevel: h.securityLevel,
      createdAt: iso(h.createdAt),
      lastSeenAt: iso(h.lastSeenAt),
      expiresAt: iso(h.expiresAt),
      ip: h.ip,
      userAgent: h.userAgent,
    };
  }

  /** The sessions of one user, or of everyone; in no particular order. */
  async list(userId?: string): Promise<Session[]> {
    const [index, owners] = this.indexKeys();
    let pairs: [string, string][];
    if (userId) {
      const ids = await this.redis.client.zrange(this.userSetKey(userId), 0, -1);
      pairs = ids.map((id) => [userId, id]);
    } else {
      const ids = await this.redis.client.zrange(index, 0, -1);
      const users = ids.length > 0 ? await this.redis.client.hmget(owners, ...ids) : [];
      pairs = ids.flatMap((id, i) => (users[i] ? [[users[i], id] as [string, string]] : []));
    }
    const sessions = await Promise.all(pairs.map(([u, id]) => this.read(u, id)));
    return sessions.filter((s): s is Session => s !== undefined);
  }

  /**
   * Ends one session of its owner; true if it existed. A session of another user is left
   * alone, in the index too.
   */
  async end(userId: string, sessionId: string): Promise<boolean> {
    const existed = await END_SESSION.run(
      this.redis.client,
      [this.sessionKey(userId, sessionId), this.userSetKey(userId)],
      [sessionId],
    );
    if (existed !== 1) return false;
    await Promise.all(this.forget([sessionId]));
    return true;
  }

  /**
   * Ends every session of a user; returns how many were alive (ids whose keys had already
   * expired leave the index without being counted).
   */
  async endAllOf(userId: string): Promise<number> {
    const [ended, ids] = await END_USER_SESSIONS.run(
      this.redis.client,
      [this.userSetKey(userId)],
      [this.sessionKey(userId, '')],
    );
    await Promise.all(this.forget(ids));
    return ended;
  }

  /** Role changes apply to the user's live sessions. */
  async setRoles(userId: string, roles: Role[]): Promise<void> {
    await SET_SESSION_ROLES.run(
      this.redis.client,
      [this.userSetKey(userId)],
      [this.sessionKey(userId, ''), JSON.stringify(roles)],
    );
  }

  /**
   * Sessions in the index before their absolute end (idle-ended ones until the next prune); a
   * session at its end has ended, as its check and the prune have it.
   */
  countUnexpired(now: number): Promise<number> {
    return this.redis.client.zcount(this.indexKeys()[0], `(${now}`, '+inf');
  }

  /** Drops index entries of ended sessions; returns how many sessions are alive. */
  async prune(now: number): Promise<number> {
    const [index, owners] = this.indexKeys();
    const expired = await this.redis.client.zrangebyscore(index, '-inf', now);
    const ids = await this.redis.client.zrange(index, 0, -1);
    const users = ids.length > 0 ? await this.redis.client.hmget(owners, ...ids) : [];
    const alive = await Promise.all(
      ids.map((id, i) =>
        users[i] ? this.redis.client.exists(this.sessionKey(users[i], id)) : Promise.resolve(0),
      ),
    );
    const gone = [...new Set([...expired, ...ids.filter((_, i) => alive[i] === 0)])];
    await Promise.all(this.forget(gone));
    return ids.length - ids.filter((id, i) => alive[i] === 0 || expired.includes(id)).length;
  }

  /** Adds a session to the index and drops the ones that ended meanwhile. */
  private async index(userId: string, sessionId: string, end: number, gone: string[]) {
    const [index, owners] = this.indexKeys();
    await Promise.all([
      this.redis.client.zadd(index, end, sessionId),
      this.redis.client.hset(owners, sessionId, userId),
      ...this.forget(gone),
    ]);
  }

  private forget(ids: string[]): Promise<unknown>[] {
    if (ids.length === 0) return [];
    const [index, owners] = this.indexKeys();
    return [this.redis.client.zrem(index, ...ids), this.redis.client.hdel(owners, ...ids)];
  }

  private sessionKey(userId: string, sessionId: string): string {
    return this.redis.key('u', this.redis.hashTag(userId), 'session', sessionId);
  }

  private userSetKey(userId: string): string {
    return this.redis.key('u', this.redis.hashTag(userId), 'sessions');
  }

  private indexKeys(): [index: string, owners: string] {
    const tag = this.redis.hashTag('sessions');
    return [this.redis.key(tag, 'index'), this.redis.key(tag, 'owners')];
  }
}
