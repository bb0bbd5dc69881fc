import { ExecutionContext, Injectable, Optional, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerModuleOptions,
} from '@nestjs/throttler';
import { SecurityEventService } from '@techsapo/audit';
import {
  DomainError,
  RedisService,
  ServiceUnavailableError,
  TooManyRequestsError,
  describeError,
  requestLogger,
} from '@techsapo/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BlockedError } from '../blocks/blocked.error';
import { BlocksService } from '../blocks/blocks.service';
import { Handler, isThrottleSkipped } from '../pipeline/nest-internals';
import { readOnce } from '../pipeline/read-once';
import { RATE_LIMIT_PROFILE, RateLimitProfiles } from './rate-limit-profiles';
import { addressSubject, RateLimitSubject, RateLimitTracker } from './rate-limit-tracker';
import { HitResult, RateWindow, RateLimitStore, WindowState } from './rate-limit.store';
import { HOUR_WINDOW } from './throttler-options';

/** A route's declared limits: a named profile, or the default windows it does not skip. */
interface RouteLimits {
  profile?: string;
  windows: RateWindow[];
  /** @SkipThrottle(): no window at all, whatever the profile. */
  skipped: boolean;
}

/**
 * The first stage (RL1, RL2): every window of the subject's quota is checked and counted in
 * one Redis script, run together with the client-address block check (auto-pipelined, one
 * round trip). 429 with Retry-After and RateLimit-* headers; passing the hourly limit blocks
 * the session; when Redis cannot answer, 503 with Retry-After — the gate never opens by
 * failing. While the connection is down the refusal is immediate; a Redis that is connected
 * but silent is waited for at most the connection's command timeout (REDIS_COMMAND_TIMEOUT_MS),
 * whose error is 503 storage-unavailable.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() private readonly counters: RateLimitStore,
    reflector: Reflector,
    private readonly blocks: BlocksService,
    private readonly events: SecurityEventService,
    private readonly redis: RedisService,
    private readonly profiles: RateLimitProfiles,
    @Optional() private readonly trackerSource?: RateLimitTracker,
  ) {
    super(options, counters, reflector);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const route = this.routeLimits(context.getHandler(), context.getClass());
    if (route.skipped) return true;
    const profile = route.profile ? this.profiles.get(route.profile) : undefined;
    const windows = profile ?? route.windows;
    if (windows.length === 0) return true;
    const caller = this.trackerSource
      ? await this.trackerSource.subjectOf(request)
      : addressSubject(request);
    if (!this.redis.connected) throw unavailable();
    // A profile counts apart from the caller's other requests.
    const subject = profile ? { ...caller, tracker: `${caller.tracker}|${route.profile}` } : caller;
    const counted = Promise.all([
      this.counters.hit(subject.tracker, windows),
      this.blocks.find({ ip: request.ip }),
    ]);
    caller.sendReads?.();
    const [result, block] = await failingClosed(counted, request);
    if (block) throw new BlockedError(block);
    const shown = this.shownWindow(result);
    reply.header('RateLimit-Limit', String(shown.limit));
    reply.header('RateLimit-Remaining', String(Math.max(0, shown.limit - shown.used)));
    reply.header('RateLimit-Reset', String(Math.ceil(shown.resetMs / 1000)));
    reply.header('RateLimit-Policy', this.policyOf(windows));
    if (!result.allowed) await this.refuse(request, subject, shown);
    return true;
  }

  /**
   * Every window in force, so a client (and an operator) can see the whole quota; written once
   * per set of windows (a route's defaults, a profile).
   */
  private readonly policyOf = readOnce((windows: readonly RateWindow[]): string =>
    windows.map((w) => `${w.limit};w=${Math.round(w.ttlMs / 1000)}`).join(', '),
  );

  /** What the route declares (profile, windows it skips), read once per handler. */
  private readonly routeLimits = readOnce(
    (handler: Handler, controller: Type<unknown>): RouteLimits => {
      const skipped = (name: string): boolean =>
        isThrottleSkipped(this.reflector, controller, handler, name);
      return {
        profile: this.reflector.getAllAndOverride<string | undefined>(RATE_LIMIT_PROFILE, [
          handler,
          controller,
        ]),
        // @SkipThrottle() (its "default" key) opts a route out of every window.
        windows: skipped('default')
          ? []
          : this.throttlers
              .filter((t) => !skipped(t.name ?? 'default'))
              .map((t) => ({
                name: t.name ?? 'default',
                limit: Number(t.limit),
                ttlMs: Number(t.ttl),
              })),
        skipped: skipped('default'),
      };
    },
  );

  private async refuse(
    request: FastifyRequest,
    subject: RateLimitSubject,
    window: WindowState,
  ): Promise<never> {
    const retryAfter = Math.ceil(window.resetMs / 1000);
    let blocked = false;
    if (window.name === HOUR_WINDOW && subject.sessionId) {
      blocked = !!(await this.blocks
        .create(
          {
            kind: 'session',
            value: subject.sessionId,
            reason: 'Hourly rate limit exceeded',
            ttlSeconds: retryAfter,
            createdBy: 'rate-limiter',
          },
          true,
        )
        .catch(() => undefined));
    }
    this.events.report({
      eventType: 'RATE_LIMIT_EXCEEDED',
      severity: window.name === HOUR_WINDOW ? 'HIGH' : 'MEDIUM',
      violationType: 'RATE_LIMIT',
      blocked: true,
      source: 'request',
      sessionId: subject.sessionId,
      requestId: request.state?.requestId,
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      details: { window: window.name, limit: window.limit, sessionBlocked: blocked },
    });
    throw new TooManyRequestsError(
      retryAfter,
      `Rate limit exceeded (${window.limit} per ${window.name}).`,
    );
  }

  /** The refusing window with the longest wait, else the one closest to its limit. */
  private shownWindow(result: HitResult): WindowState {
    const refusing = result.windows.filter((w) => w.used + (result.allowed ? 0 : 1) > w.limit);
    if (!result.allowed && refusing.length > 0) {
      return refusing.reduce((a, b) => (b.resetMs > a.resetMs ? b : a));
    }
    return result.windows.reduce((a, b) => (b.limit - b.used < a.limit - a.used ? b : a));
  }
}

/** Any failure of the reads refuses the request: a domain error as it is, anything else as 503. */
async function failingClosed<T>(work: Promise<T>, request: FastifyRequest): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    requestLogger(request, RateLimitGuard.name).warn(
      `rate limit unavailable, refusing: ${describeError(error)}`,
    );
    throw unavailable();
  }
}

function unavailable(): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'Rate limiting is unavailable; the request was refused.',
    'rate-limit-unavailable',
  );
}
