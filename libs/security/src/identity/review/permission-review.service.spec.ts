import { identityServices, newTestService } from '@techsapo/testing';
import type { SessionsService } from '../sessions/sessions.service';
import { PermissionReviewService } from './permission-review.service';

const DAY = 86_400_000;

const setup = (sessionsOf: string[] = []) => {
  // Only the listing is asked of sessions: one row per active session.
  const sessions = { list: async () => sessionsOf.map((userId) => ({ userId })) };
  const built = newTestService((d) => {
    const { users, apiKeys } = identityServices(d);
    const review = new PermissionReviewService(
      users,
      sessions as unknown as SessionsService,
      apiKeys,
    );
    return { users, apiKeys, review };
  });
  return { ...built, ...built.sut };
};

describe('PermissionReviewService', () => {
  it('flags admins and users inactive for 30 days', async () => {
    const { users, review } = setup([]);
    await users.create({ username: 'root', password: 'pw', roles: ['admin'] });
    const ann = await users.create({ username: 'ann', password: 'pw', roles: ['analyst'] });
    const later = new Date(Date.now() + 31 * DAY);
    await users.recordLogin(ann.id, new Date(later.getTime() - DAY));
    const result = await review.review(later);
    const byName = new Map(result.users.map((u) => [u.username, u]));
    expect(byName.get('root')?.flags).toEqual(['admin', 'inactive-30-days']);
    expect(byName.get('ann')?.flags).toEqual([]);
    expect(result.summary).toMatchObject({ users: 2, flaggedUsers: 1 });
  });

  it('counts each user’s active sessions', async () => {
    const { users, apiKeys, review } = setup([]);
    const ann = await users.create({ username: 'ann', password: 'pw', roles: ['analyst'] });
    const counted = new PermissionReviewService(
      users,
      { list: async () => [{ userId: ann.id }, { userId: ann.id }] } as unknown as SessionsService,
      apiKeys,
    );
    expect((await counted.review()).users[0].activeSessions).toBe(2);
    expect((await review.review()).users[0].activeSessions).toBe(0);
  });

  it('flags keys never used, without expiry, expired, of a gone creator, suspended', async () => {
    const { users, apiKeys, review } = setup([]);
    const ann = await users.create({ username: 'ann', password: 'pw', roles: ['analyst'] });
    await apiKeys.create({ name: 'open', role: 'analyst', createdBy: ann.id });
    const dated = await apiKeys.create({
      name: 'dated',
      role: 'ci',
      createdBy: ann.id,
      expiresInDays: 1,
    });
    await apiKeys.create({ name: 'orphan', role: 'ci', createdBy: 'gone' });
    await apiKeys.validate(dated.key);
    await apiKeys.alignWithCreator(ann.id, { id: ann.id, roles: ['viewer'], disabled: false });
    const result = await review.review(new Date(Date.now() + 2 * DAY));
    const flags = new Map(result.apiKeys.map((k) => [k.name, k.flags]));
    expect(flags.get('open')).toEqual(['suspended', 'never-used', 'no-expiry']);
    expect(flags.get('dated')).toEqual(['suspended', 'expired']);
    expect(flags.get('orphan')).toEqual(['creator-gone', 'never-used', 'no-expiry']);
    expect(result.summary).toMatchObject({ apiKeys: 3, flaggedApiKeys: 3 });
  });
});
