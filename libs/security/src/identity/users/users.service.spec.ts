import { newTestService } from '@techsapo/testing';
import { UsersService } from './users.service';

const setup = () => newTestService((d) => new UsersService(d.users, d.hasher));

describe('UsersService', () => {
  it('creates a user with a hashed password and roles without repeats, never showing the hash', async () => {
    const { sut, users } = setup();
    const user = await sut.create({
      username: 'Ada',
      password: 'pw',
      roles: ['analyst', 'analyst'],
    });
    expect(user).toMatchObject({ username: 'Ada', roles: ['analyst'], disabled: false });
    expect(user).not.toHaveProperty('passwordHash');
    expect(users.records.get(user.id)?.passwordHash).toBe('plain$pw');
  });

  it('refuses a taken name, whatever its case, with 409 username-taken', async () => {
    const { sut } = setup();
    await sut.create({ username: 'ada', password: 'pw', roles: ['viewer'] });
    await expect(
      sut.create({ username: 'ADA', password: 'other', roles: ['viewer'] }),
    ).rejects.toMatchObject({ status: 409, code: 'username-taken' });
  });

  it('lists users oldest first, with their last login', async () => {
    const { sut } = setup();
    const first = await sut.create({ username: 'a', password: 'pw', roles: ['viewer'] });
    const second = await sut.create({ username: 'b', password: 'pw', roles: ['viewer'] });
    await sut.recordLogin(second.id, new Date('2026-01-02T00:00:00Z'));
    const listed = await sut.list();
    expect(listed.map((u) => u.id)).toEqual(
      [first, second].sort((x, y) => x.createdAt.localeCompare(y.createdAt)).map((u) => u.id),
    );
    expect(listed.find((u) => u.id === second.id)?.lastLoginAt).toBe('2026-01-02T00:00:00.000Z');
  });

  it('updates roles, disabled and password; an unknown user is 404 user-not-found', async () => {
    const { sut, users } = setup();
    const user = await sut.create({ username: 'a', password: 'pw', roles: ['viewer'] });
    const updated = await sut.update(user.id, {
      roles: ['admin', 'admin'],
      disabled: true,
      password: 'new',
    });
    expect(updated).toMatchObject({ roles: ['admin'], disabled: true });
    expect(users.records.get(user.id)?.passwordHash).toBe('plain$new');
    await expect(sut.update('missing', { disabled: true })).rejects.toMatchObject({
      status: 404,
      code: 'user-not-found',
    });
  });

  it('tells whether an enabled admin exists', async () => {
    const { sut } = setup();
    expect(await sut.hasAdmin()).toBe(false);
    const admin = await sut.create({ username: 'root', password: 'pw', roles: ['admin'] });
    expect(await sut.hasAdmin()).toBe(true);
    await sut.update(admin.id, { disabled: true });
    expect(await sut.hasAdmin()).toBe(false);
  });

  it('deletes a user (its name becomes free); a second delete is 404', async () => {
    const { sut } = setup();
    const user = await sut.create({ username: 'a', password: 'pw', roles: ['viewer'] });
    await sut.delete(user.id);
    await expect(sut.get(user.id)).rejects.toMatchObject({ status: 404 });
    await expect(sut.delete(user.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      sut.create({ username: 'A', password: 'pw', roles: ['viewer'] }),
    ).resolves.toBeDefined();
  });
});
