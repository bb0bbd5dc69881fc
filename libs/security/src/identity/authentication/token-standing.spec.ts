import type { FastifyRequest } from 'fastify';
import { TokenCallerReads } from './token-caller-reads';
import { TokenStandingLookup } from './token-standing';

const newRequest = (): FastifyRequest => ({}) as FastifyRequest;

describe('TokenStandingLookup', () => {
  const claims = { sub: 'user-1', sid: 'session-1', roles: [], name: 'alice' };

  function lookup(check: () => Promise<unknown>) {
    const calls = { sessions: 0, blocks: 0, callers: [] as string[] };
    const sessions = {
      check: () => {
        calls.sessions += 1;
        return check();
      },
    };
    const blocks = {
      find: () => {
        calls.blocks += 1;
        return Promise.resolve(undefined);
      },
    };
    const callerReads = new TokenCallerReads();
    callerReads.register((_request, callerId) => calls.callers.push(callerId));
    return {
      calls,
      standing: new TokenStandingLookup(sessions as never, blocks as never, callerReads),
    };
  }

  it('reads a request once, with the reads started for its caller, and never across requests', async () => {
    const active = { userId: 'user-1', username: 'alice', roles: [], expiresAt: 1 };
    const { calls, standing } = lookup(() => Promise.resolve(active));
    const first = newRequest();
    standing.start(first, claims);
    expect(calls).toEqual({ sessions: 1, blocks: 1, callers: ['user-1'] });
    await expect(standing.standingOf(first, claims)).resolves.toEqual({
      session: active,
      block: undefined,
    });
    expect(calls).toEqual({ sessions: 1, blocks: 1, callers: ['user-1'] });
    await standing.standingOf(newRequest(), claims);
    expect(calls).toEqual({ sessions: 2, blocks: 2, callers: ['user-1', 'user-1'] });
  });

  it('leaves no unhandled rejection when a refused request never asks for its answer', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const { standing } = lookup(() => Promise.reject(new Error('redis is away')));
      const request = newRequest();
      standing.start(request, claims);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
      await expect(standing.standingOf(request, claims)).rejects.toThrow('redis is away');
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
