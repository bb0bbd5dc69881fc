import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { maskIp, maskUserAgent, NotFoundError, RedisService, Role } from '@techsapo/core';
import { randomBytes } from 'node:crypto';
import type { Gauge } from 'prom-client';
import { securityConfig } from '../../config/security.config';
import { ACTIVE_SESSIONS } from '../identity.metrics';
import {
  CHECK_SESSION,
  CREATE_SESSION,
  END_SESSION,
  END_USER_SESSIONS,
  ROTATE_SESSION,
  SET_SESSION_ROLES,
} from './session-scripts';
import { ActiveSession, Session, SESSION_PERMISSIONS, SESSION_SECURITY_LEVEL } from './session';

export interface SessionOwner {
  id: string;
  username: string;
  roles: Role[];
}

export interface SessionContext {
  ip?: string;
  userAgent?: string;
}

const PRUNE_INTERVAL_MS = 30_000;

/**
 * Sessions in Redis (AU2, AU4). A session lives under its user's hash tag
 * (`…:u:{<userId>}:session:<sid>`, with the user's set `…:u:{<userId>}:sessions`), so the
 * token's subject finds it without a lookup; an index (`…:{sessions}:*`) serves the admin
 * list and the active-session gauge. The key's TTL is the smaller of the idle timeout and
 * the time left, renewed on every request.
 */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisService,
    @Inject(securityConfig.factory.KEY)
    private readonly config: ConfigType<typeof securityConfig.factory>,
    @InjectMetric(ACTIVE_SESSIONS) private readonly active: Gauge<string>,
  ) {}

  onModuleInit(): void {
    this.pruneTimer = setInterval(
      () => void this.prune().catch(() => undefined),
      PRUNE_INTERVAL_MS,
    );
    this.pruneTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
  }

  /** Starts a session. */
  async create(owner: SessionOwner, context: SessionContext): Promise<Session> {
    const now = Date.now();
    const limits = this.config.sessions;
    const end = now + limits.ttlSeconds * 1000;
    const id = randomBytes(18).toString('base64url');
    const session: Session = {
      id,
      userId: owner.id,
      username: owner.username,
      roles: owner.roles,
      permissions: [...SESSION_PERMISSIONS],
      securityLevel: SESSION_SECURITY_LEVEL,
      createdAt: new Date(now).toISOString(),
      lastSeenAt: new Date(now).toISOString(),
      expiresAt: new Date(end).toISOString(),
      ip: maskIp(context.ip),
      userAgent: maskUserAgent(context.userAgent),
    };
    const fields = {
      id,
      userId: owner.id,
      username: owner.username,
      roles: JSON.stringify(owner.roles),
      permissions: JSON.stringify(session.permissions),
      securityLevel: session.securityLevel,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: end,
      ip: session.ip,
      userAgent: session.userAgent,
    };
    const gone = await CREATE_SESSION.run(
      this.redis.client,
      [this.sessionKey(owner.id, id), this.userSetKey(owner.id)],
      [
        id,
        now,
        Math.min(limits.idleSeconds * 1000, end - now),
        limits.maxPerUser,
        this.sessionKey(owner.id, ''),
        limits.ttlSeconds * 1000,
        ...Object.entries(fields).flat(),
      ],
    );
    const [index, owners] = this.indexKeys();
    await Promise.all([
      this.redis.client.zadd(index, end, id),
      this.redis.client.hset(owners, id, owner.id),
      ...this.forget(gone),
    ]);
    void this.publishCount();
    return session;
  }

  /**
   * Ends `oldSessionId` and starts its successor atomically (one script): of parallel
   * rotations of one session exactly one gets a successor; the others get undefined. The
   * successor keeps the user, roles and absolute end of the old session.
   */
  async rotate(
    userId: string,
    oldSessionId: string,
    context: SessionContext,
  ): Promise<Session | undefined> {
    const now = Date.now();
    const limits = this.config.sessions;
    const id = randomBytes(18).toString('base64url');
    const ip = maskIp(context.ip);
    const userAgent = maskUserAgent(context.userAgent);
    const fields = { id, createdAt: now, lastSeenAt: now, ip, userAgent };
    const result = await ROTATE_SESSION.run(
      this.redis.client,
      [this.sessionKey(userId, id), this.userSetKey(userId), this.sessionKey(userId, oldSessionId)],
      [
        id,
        now,
        limits.idleSeconds * 1000,
        limits.maxPerUser,
        this.sessionKey(userId, ''),
        limits.ttlSeconds * 1000,
        oldSessionId,
        userId,
        ...Object.entries(fields).flat(),
      ],
    );
    if (!result) return undefined;
    const [expiresAt, username, roles, ...gone] = result;
    const end = Number(expiresAt);
    const [index, owners] = this.indexKeys();
    await Promise.all([
      this.redis.client.zadd(index, end, id),
      this.redis.client.hset(owners, id, userId),
      ...this.forget(gone),
    ]);
    void this.publishCount();
    return {
      id,
      userId,
      username,
      roles: JSON.parse(roles) as Role[],
      permissions: [...SESSION_PERMISSIONS],
      securityLevel: SESSION_SECURITY_LEVEL,
      createdAt: new Date(now).toISOString(),
      lastSeenAt: new Date(now).toISOString(),
      expiresAt: new Date(end).toISOString(),
      ip,
      userAgent,
    };
  }

  /** The per-request check: one script call that also records the request as activity. */
  async check(userId: string, sessionId: string): Promise<ActiveSession | undefined> {
    const found = await CHECK_SESSION.run(
      this.redis.client,
      [this.sessionKey(userId, sessionId)],
      [userId, Date.now(), this.config.sessions.idleSeconds * 1000],
    );
    if (!found) return undefined;
    return {
      userId,
      username: found[0],
      roles: JSON.parse(found[1]) as Role[],
      expiresAt: Number(found[2]),
    };
  }

  async get(sessionId: string): Promise<Session | undefined> {
    const userId = await this.redis.client.hget(this.indexKeys()[1], sessionId);
    if (!userId) return undefined;
    return this.read(userId, sessionId);
  }

  async list(userId?: string): Promise<Session[]> {
    await this.prune();
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
    return sessions
      .filter((s): s is Session => s !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Ends one session; false when it does not exist (any more). */
  async end(sessionId: string, userId?: string): Promise<boolean> {
    const owner = userId ?? (await this.redis.client.hget(this.indexKeys()[1], sessionId));
    if (!owner) return false;
    const existed = await END_SESSION.run(
      this.redis.client,
      [this.sessionKey(owner, sessionId), this.userSetKey(owner)],
      [sessionId],
    );
    await Promise.all(this.forget([sessionId]));
    void this.publishCount();
    return existed === 1;
  }

  async endOrFail(sessionId: string): Promise<void> {
    if (!(await this.end(sessionId))) throw new NotFoundError('Session', 'session-not-found');
  }

  async endAllOf(userId: string): Promise<number> {
    const ids = await END_USER_SESSIONS.run(
      this.redis.client,
      [this.userSetKey(userId)],
      [this.sessionKey(userId, '')],
    );
    await Promise.all(this.forget(ids));
    void this.publishCount();
    return ids.length;
  }

  async setRoles(userId: string, roles: Role[]): Promise<void> {
    await SET_SESSION_ROLES.run(
      this.redis.client,
      [this.userSetKey(userId)],
      [this.sessionKey(userId, ''), JSON.stringify(roles)],
    );
  }

  /**
   * A cheap gauge update after each change: sessions not past their absolute end. Idle-ended
   * ones leave the count at the next prune (every 30 s and on each admin listing).
   */
  private async publishCount(): Promise<void> {
    try {
      this.active.set(await this.redis.client.zcount(this.indexKeys()[0], Date.now(), '+inf'));
    } catch {
      // the next prune corrects it
    }
  }

  /** Drops index entries of ended sessions and publishes the active count. */
  async prune(): Promise<number> {
    const [index, owners] = this.indexKeys();
    const expired = await this.redis.client.zrangebyscore(index, '-inf', Date.now());
    const ids = await this.redis.client.zrange(index, 0, -1);
    const users = ids.length > 0 ? await this.redis.client.hmget(owners, ...ids) : [];
    const alive = await Promise.all(
      ids.map((id, i) =>
        users[i] ? this.redis.client.exists(this.sessionKey(users[i], id)) : Promise.resolve(0),
      ),
    );
    const gone = [...new Set([...expired, ...ids.filter((_, i) => alive[i] === 0)])];
    await Promise.all(this.forget(gone));
    const count = ids.length - ids.filter((id, i) => alive[i] === 0 || expired.includes(id)).length;
    this.active.set(count);
    return count;
  }

  private async read(userId: string, sessionId: string): Promise<Session | undefined> {
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
