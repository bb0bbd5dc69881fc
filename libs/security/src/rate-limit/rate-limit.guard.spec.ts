import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { SecurityEventService } from '@techsapo/audit';
import { RedisUnavailableError, type RedisService } from '@techsapo/core';
import type { BlocksService } from '../blocks/blocks.service';
import { RateLimitProfiles } from './rate-limit-profiles';
import { RateLimitTracker, type RateLimitSubject } from './rate-limit-tracker';
import { RateLimitGuard } from './rate-limit.guard';
import type { HitResult, RateWindow, RateLimitStore } from './rate-limit.store';

/** A pending answer the test releases, so it can see what was sent before anything came back. */
function pending<T>() {
  let release!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (release = resolve));
  return { promise, release };
}

class Route {
  handle(): void {}
}

function contextFor(request: object, reply: object): ExecutionContext {
  return {
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
    getHandler: () => Route.prototype.handle,
    getClass: () => Route,
    getType: () => 'http',
  } as unknown as ExecutionContext;
}

describe('RateLimitGuard', () => {
  it("sends the counters, the address block and the token's reads before any answer comes back", async () => {
    const sent: string[] = [];
    const counts = pending<HitResult>();
    const blockAnswer = pending<undefined>();
    const counters = {
      hit: (_tracker: string, windows: RateWindow[]) => {
        sent.push('counters');
        return counts.promise.then(() => ({
          allowed: true,
          windows: windows.map((w) => ({ ...w, used: 1, resetMs: 500 })),
        }));
      },
    };
    const blocks = {
      find: () => {
        sent.push('address block');
        return blockAnswer.promise;
      },
    };
    class Tracker extends RateLimitTracker {
      subjectOf(): Promise<RateLimitSubject> {
        return Promise.resolve({
          tracker: 's:session-1',
          sessionId: 'session-1',
          sendReads: () => sent.push('session and its blocks'),
        });
      }
    }
    const guard = new RateLimitGuard(
      { throttlers: [{ name: 'burst', ttl: 1_000, limit: 10 }] },
      counters as unknown as RateLimitStore,
      new Reflector(),
      blocks as unknown as BlocksService,
      { report: jest.fn() } as unknown as SecurityEventService,
      { connected: true } as unknown as RedisService,
      new RateLimitProfiles(),
      new Tracker(),
    );
    await guard.onModuleInit();
    const headers: Record<string, string> = {};
    const reply = { header: (name: string, value: string) => (headers[name] = value) };
    const request = { ip: '192.0.2.1', headers: {}, state: { requestId: 'r' } };

    const decided = guard.canActivate(contextFor(request, reply));
    await new Promise((resolve) => setImmediate(resolve));
    // Everything the request needs from Redis is on its way, and nothing has answered yet.
    expect(sent).toEqual(['counters', 'address block', 'session and its blocks']);
    counts.release({ allowed: true, windows: [] });
    blockAnswer.release(undefined);
    await expect(decided).resolves.toBe(true);
    expect(headers['RateLimit-Policy']).toBe('10;w=1');
    expect(headers['RateLimit-Remaining']).toBe('9');
  });

  describe('when the reads fail, the request is refused', () => {
    function guardFailingWith(error: Error): RateLimitGuard {
      return new RateLimitGuard(
        { throttlers: [{ name: 'burst', ttl: 1_000, limit: 10 }] },
        { hit: () => Promise.reject(error) } as unknown as RateLimitStore,
        new Reflector(),
        { find: () => Promise.resolve(undefined) } as unknown as BlocksService,
        { report: jest.fn() } as unknown as SecurityEventService,
        { connected: true } as unknown as RedisService,
        new RateLimitProfiles(),
      );
    }
    const request = { ip: '192.0.2.1', headers: {}, state: { requestId: 'r' } };
    const reply = { header: () => undefined };

    it("passes the connection's command timeout on as 503 storage-unavailable", async () => {
      const guard = guardFailingWith(
        new RedisUnavailableError('Storage did not answer in time; try again shortly.'),
      );
      await guard.onModuleInit();
      await expect(guard.canActivate(contextFor(request, reply))).rejects.toMatchObject({
        status: 503,
        code: 'storage-unavailable',
      });
    });

    it('answers any other failure with 503 rate-limit-unavailable', async () => {
      const guard = guardFailingWith(new Error('ERR unknown command'));
      await guard.onModuleInit();
      await expect(guard.canActivate(contextFor(request, reply))).rejects.toMatchObject({
        status: 503,
        code: 'rate-limit-unavailable',
      });
    });
  });
});
