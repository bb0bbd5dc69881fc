import type { Principal, Role } from '@techsapo/core';
import { identityServices, newTestService } from '@techsapo/testing';
import type { SessionsService } from '../sessions/sessions.service';
import { UserAdminService } from './user-admin.service';

/** What the admin service asks of sessions, recorded (sessions have their own suite). */
class RecordedSessions {
  readonly ended: string[] = [];
  readonly roles = new Map<string, Role[]>();
  async endAllOf(userId: string): Promise<void> {
    this.ended.push(userId);
  }
  async setRoles(userId: string, roles: Role[]): Promise<void> {
    this.roles.set(userId, roles);
  }
}

const setup = () => {
  const sessions = new RecordedSessions();
  const built = newTestService((d) => {
    const { users, apiKeys } = identityServices(d);
    const admin = new UserAdminService(users, sessions as unknown as SessionsService, apiKeys);
    return { users, apiKeys, admin };
  });
  return { ...built, ...built.sut, sessions };
};

const actor: Principal = { id: 'admin-1', username: 'root', roles: ['admin'], method: 'jwt' };

describe('UserAdminService', () => {
  it('refuses to let an admin disable, demote or delete themselves (409 self-lockout)', async () => {
    const { admin } = setup();
    await expect(admin.update(actor, actor.id, { disabled: true })).rejects.toMatchObject({
      status: 409,
      code: 'self-lockout',
    });
    await expect(admin.update(actor, actor.id, { roles: ['viewer'] })).rejects.toMatchObject({
      code: 'self-lockout',
    });
    await expect(admin.delete(actor, actor.id)).rejects.toMatchObject({ code: 'self-lockout' });
  });

  it('disabling a user ends their sessions and revokes their keys', async () => {
    const { admin, apiKeys, sessions } = setup();
    const user = await admin.create({ username: 'ann', password: 'pw', roles: ['analyst'] });
    const { key } = await apiKeys.create({ name: 'ci', role: 'ci', createdBy: user.id });
    await admin.update(actor, user.id, { disabled: true });
    expect(sessions.ended).toEqual([user.id]);
    expect(await apiKeys.validate(key)).toBeUndefined();
  });

  it("a role change reaches the user's sessions and suspends keys beyond the new roles", async () => {
    const { admin, apiKeys, sessions } = setup();
    const user = await admin.create({ username: 'ann', password: 'pw', roles: ['analyst'] });
    const { key } = await apiKeys.create({ name: 'deploy', role: 'analyst', createdBy: user.id });
    await admin.update(actor, user.id, { roles: ['viewer'] });
    expect(sessions.roles.get(user.id)).toEqual(['viewer']);
    expect(sessions.ended).toEqual([]);
    expect(await apiKeys.validate(key)).toBeUndefined();
  });

  it('deleting a user ends their sessions and revokes their keys; ending sessions of nobody is 404', async () => {
    const { admin, apiKeys, sessions, users } = setup();
    const user = await admin.create({ username: 'ann', password: 'pw', roles: ['analyst'] });
    await apiKeys.create({ name: 'ci', role: 'ci', createdBy: user.id });
    await admin.delete(actor, user.id);
    expect(sessions.ended).toEqual([user.id]);
    expect(await apiKeys.list()).toEqual([]);
    await expect(users.get(user.id)).rejects.toMatchObject({ status: 404 });
    await expect(admin.endSessions(user.id)).rejects.toMatchObject({ status: 404 });
  });
});
