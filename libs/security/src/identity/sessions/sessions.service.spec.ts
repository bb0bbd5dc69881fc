import { NotFoundError, type Role } from '@techsapo/core';
import type { Gauge } from 'prom-client';
import { securityConfig } from '../../config/security.config';
import { newTestService } from '@techsapo/testing';
import { SessionsService } from './sessions.service';

const owner = { id: 'user-1', username: 'alice', roles: ['analyst'] as Role[] };

function newService(env: Record<string, string> = {}) {
  const gauge = { set: jest.fn() };
  const config = securityConfig.read({
    SESSION_TTL_SECONDS: '3600',
    SESSION_IDLE_SECONDS: '900',
    ...env,
  });
  const { sut: service, sessions: store } = newTestService(
    (d) => new SessionsService(d.sessions, config, gauge as unknown as Gauge<string>),
  );
  return { service, store, gauge };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('SessionsService', () => {
  afterEach(() => jest.restoreAllMocks());

  it('starts a session with masked address and agent, an idle-bounded key and the gauge updated', async () => {
    const { service, store, gauge } = newService();
    const session = await service.create(owner, {
      ip: '203.0.113.57',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
    });
    expect(session).toMatchObject({ userId: 'user-1', username: 'alice', roles: ['analyst'] });
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(session.ip).not.toBe('203.0.113.57');
    expect(Date.parse(session.expiresAt) - Date.parse(session.createdAt)).toBe(3_600_000);
    expect(store.inserted[0].limits).toEqual({
      keyTtlMs: 900_000,
      maxPerUser: expect.any(Number) as number,
      setTtlMs: 3_600_000,
    });
    await flush();
    expect(gauge.set).toHaveBeenLastCalledWith(1);
  });

  it('bounds the key by the session end when the idle timeout is longer', async () => {
    const { service, store } = newService({
      SESSION_TTL_SECONDS: '60',
      SESSION_IDLE_SECONDS: '900',
    });
    await service.create(owner, {});
    expect(store.inserted[0].limits.keyTtlMs).toBe(60_000);
  });

  it('checks a session on each request without writing, and refuses an ended one', async () => {
    const { service, store } = newService();
    const session = await service.create(owner, {});
    await expect(service.check('user-1', session.id)).resolves.toMatchObject({
      username: 'alice',
      roles: ['analyst'],
      lastSeenAt: Date.parse(session.lastSeenAt),
    });
    expect(store.touched).toEqual([]);
    await expect(service.check('user-2', session.id)).resolves.toBeUndefined();
    await service.end(session.id);
    await expect(service.check('user-1', session.id)).resolves.toBeUndefined();
  });

  it('records activity with the idle timeout, at most once a second (a tenth of a shorter idle timeout)', async () => {
    const { service, store } = newService();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now);
    const session = await service.create(owner, {});
    const active = (await service.check('user-1', session.id))!;
    clock.mockReturnValue(now + 999);
    await service.recordActivity(session.id, active);
    expect(store.touched).toEqual([]);
    clock.mockReturnValue(now + 1_000);
    await service.recordActivity(session.id, active);
    expect(store.touched).toEqual([
      { userId: 'user-1', sessionId: session.id, now: now + 1_000, idleMs: 900_000 },
    ]);
    await expect(service.get(session.id)).resolves.toMatchObject({
      lastSeenAt: new Date(now + 1_000).toISOString(),
    });

    const short = newService({ SESSION_IDLE_SECONDS: '2' });
    clock.mockReturnValue(now);
    const brief = await short.service.create(owner, {});
    const briefActive = (await short.service.check('user-1', brief.id))!;
    clock.mockReturnValue(now + 199);
    await short.service.recordActivity(brief.id, briefActive);
    expect(short.store.touched).toEqual([]);
    clock.mockReturnValue(now + 200);
    await short.service.recordActivity(brief.id, briefActive);
    expect(short.store.touched).toMatchObject([{ now: now + 200, idleMs: 2_000 }]);
  });

  it('rotates a session into a successor that keeps its user, roles and end, once', async () => {
    const { service } = newService();
    const first = await service.create(owner, {});
    const next = await service.rotate('user-1', first.id, { ip: '198.51.100.9' });
    expect(next).toMatchObject({ userId: 'user-1', username: 'alice', roles: ['analyst'] });
    expect(next?.id).not.toBe(first.id);
    expect(next?.expiresAt).toBe(first.expiresAt);
    await expect(service.rotate('user-1', first.id, {})).resolves.toBeUndefined();
  });

  it('lists sessions oldest first, after pruning ended ones', async () => {
    const { service, gauge } = newService();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now');
    clock.mockReturnValue(now);
    const older = await service.create(owner, {});
    clock.mockReturnValue(now + 1_000);
    const newer = await service.create(owner, {});
    // An hour-long session started an hour before `now`: it ends as the listing prunes.
    clock.mockReturnValue(now - 3_600_000);
    await service.create({ ...owner, id: 'user-2' }, {});
    clock.mockReturnValue(now + 1_000);
    const listed = await service.list();
    expect(listed.map((s) => s.id)).toEqual([older.id, newer.id]);
    expect(gauge.set).toHaveBeenLastCalledWith(2);
  });

  it('ends one session, or says it is not there', async () => {
    const { service } = newService();
    const session = await service.create(owner, {});
    await expect(service.end(session.id)).resolves.toBe(true);
    await expect(service.end(session.id)).resolves.toBe(false);
    await expect(service.endOrFail(session.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('ends every session of a user and applies role changes to live ones', async () => {
    const { service } = newService();
    const a = await service.create(owner, {});
    await service.create(owner, {});
    await service.setRoles('user-1', ['viewer']);
    await expect(service.get(a.id)).resolves.toMatchObject({ roles: ['viewer'] });
    await expect(service.endAllOf('user-1')).resolves.toBe(2);
    await expect(service.get(a.id)).resolves.toBeUndefined();
  });
});
