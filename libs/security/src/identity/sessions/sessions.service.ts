import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { maskIp, maskUserAgent, NotFoundError, Role } from '@techsapo/core';
import { randomBytes } from 'node:crypto';
import type { Gauge } from 'prom-client';
import { securityConfig } from '../../config/security.config';
import { ACTIVE_SESSIONS } from '../identity.metrics';
import { ActiveSession, Session, SESSION_PERMISSIONS, SESSION_SECURITY_LEVEL } from './session';
import { activityDue } from './session-activity';
import { SessionKeyLimits, SessionsStore } from './sessions.store';

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
 * Sessions (AU2, AU4): a session ends at its absolute end (SESSION_TTL_SECONDS) or after
 * SESSION_IDLE_SECONDS without an accepted request, whichever comes first; a user keeps at most
 * SESSION_MAX_PER_USER (the oldest end first); refresh replaces a session by a successor that
 * keeps its user, roles and end. Addresses and agents are masked before they are stored. The
 * active-session gauge follows every change. Redis is the SessionsStore's business.
 */
@Injectable()
export class SessionsService implements OnModuleInit, OnModuleDestroy {
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    private readonly store: SessionsStore,
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
    const end = now + this.config.sessions.ttlSeconds * 1000;
    const session: Session = {
      id: newSessionId(),
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
    await this.store.insert(session, this.limits(end - now));
    void this.publishCount();
    return session;
  }

  /**
   * Ends `oldSessionId` and starts its successor atomically: of parallel rotations of one
   * session exactly one gets a successor; the others get undefined. The successor keeps the
   * user, roles and absolute end of the old session.
   */
  async rotate(
    userId: string,
    oldSessionId: string,
    context: SessionContext,
  ): Promise<Session | undefined> {
    const now = Date.now();
    const successor = {
      id: newSessionId(),
      createdAt: now,
      ip: maskIp(context.ip),
      userAgent: maskUserAgent(context.userAgent),
    };
    // The key's TTL is capped at the old session's end by the store's script.
    const limits = this.limits(this.config.sessions.idleSeconds * 1000);
    const rotated = await this.store.rotate(userId, oldSessionId, successor, limits);
    if (!rotated) return undefined;
    void this.publishCount();
    return {
      id: successor.id,
      userId,
      username: rotated.username,
      roles: rotated.roles,
      permissions: [...SESSION_PERMISSIONS],
      securityLevel: SESSION_SECURITY_LEVEL,
      createdAt: new Date(now).toISOString(),
      lastSeenAt: new Date(now).toISOString(),
      expiresAt: new Date(rotated.expiresAt).toISOString(),
      ip: successor.ip,
      userAgent: successor.userAgent,
    };
  }

  /** The per-request check; it records nothing (`recordActivity`, once the request is accepted). */
  check(userId: string, sessionId: string): Promise<ActiveSession | undefined> {
    return this.store.check(userId, sessionId, Date.now());
  }

  /**
   * Records a request that authentication accepted as the session's activity, from which the
   * idle timeout counts; a request refused before or by it (rate limit, block) is not activity.
   * At most once a second per session (`activityDue`).
   */
  async recordActivity(sessionId: string, session: ActiveSession): Promise<void> {
    const now = Date.now();
    const idleMs = this.config.sessions.idleSeconds * 1000;
    if (!activityDue(session.lastSeenAt, now, idleMs)) return;
    await this.store.touch(session.userId, sessionId, now, idleMs);
  }

  async get(sessionId: string): Promise<Session | undefined> {
    const userId = await this.store.ownerOf(sessionId);
    if (!userId) return undefined;
    return this.store.read(userId, sessionId);
  }

  /** The live sessions of a user, or of everyone, oldest first. */
  async list(userId?: string): Promise<Session[]> {
    await this.prune();
    const sessions = await this.store.list(userId);
    return sessions.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Ends one session; false when it does not exist (any more). */
  async end(sessionId: string, userId?: string): Promise<boolean> {
    const owner = userId ?? (await this.store.ownerOf(sessionId));
    if (!owner) return false;
    const existed = await this.store.end(owner, sessionId);
    void this.publishCount();
    return existed;
  }

  async endOrFail(sessionId: string): Promise<void> {
    if (!(await this.end(sessionId))) throw new NotFoundError('Session', 'session-not-found');
  }

  async endAllOf(userId: string): Promise<number> {
    const ended = await this.store.endAllOf(userId);
    void this.publishCount();
    return ended;
  }

  setRoles(userId: string, roles: Role[]): Promise<void> {
    return this.store.setRoles(userId, roles);
  }

  /** Drops index entries of ended sessions and publishes the active count. */
  async prune(): Promise<number> {
    const count = await this.store.prune(Date.now());
    this.active.set(count);
    return count;
  }

  /**
   * A cheap gauge update after each change: sessions not past their absolute end. Idle-ended
   * ones leave the count at the next prune (every 30 s and on each admin listing).
   */
  private async publishCount(): Promise<void> {
    try {
      this.active.set(await this.store.countUnexpired(Date.now()));
    } catch {
      // the next prune corrects it
    }
  }

  private limits(untilEndMs: number): SessionKeyLimits {
    const { idleSeconds, maxPerUser, ttlSeconds } = this.config.sessions;
    return {
      keyTtlMs: Math.min(idleSeconds * 1000, untilEndMs),
      maxPerUser,
      setTtlMs: ttlSeconds * 1000,
    };
  }
}

function newSessionId(): string {
  return randomBytes(18).toString('base64url');
}
