import { newTestService } from '@techsapo/testing';
import { securityConfig } from '../../config/security.config';
import { LoginBansService } from './login-bans.service';

function setup(env: Record<string, string> = {}) {
  const config = securityConfig.read({
    LOGIN_MAX_FAILURES: '3',
    LOGIN_FAILURE_WINDOW_SECONDS: '600',
    LOGIN_BAN_SECONDS: '90',
    ...env,
  });
  const { sut, loginBans } = newTestService((d) => new LoginBansService(d.loginBans, config));
  return { bans: sut, store: loginBans };
}

describe('LoginBansService', () => {
  it('bans the name and the address at LOGIN_MAX_FAILURES, for LOGIN_BAN_SECONDS', async () => {
    const { bans } = setup();
    expect(await bans.recordFailure('alice', '192.0.2.1')).toBe(false);
    expect(await bans.recordFailure('alice', '192.0.2.1')).toBe(false);
    expect(await bans.bannedFor('alice', '192.0.2.1')).toBe(0);
    expect(await bans.recordFailure('alice', '192.0.2.1')).toBe(true);
    expect(await bans.bannedFor('alice', '192.0.2.1')).toBe(90);
    // Either ban alone refuses: the name from another address, another name from the address.
    expect(await bans.bannedFor('alice', '198.51.100.9')).toBe(90);
    expect(await bans.bannedFor('bob', '192.0.2.1')).toBe(90);
    expect(await bans.bannedFor('bob', '198.51.100.9')).toBe(0);
  });

  it('passes the window, the count and the ban length to the store in ms', async () => {
    const { bans, store } = setup();
    const counted = jest.spyOn(store, 'countFailure');
    await bans.recordFailure('alice', '192.0.2.1');
    expect(counted).toHaveBeenCalledWith('alice', '192.0.2.1', {
      windowMs: 600_000,
      maxFailures: 3,
      banMs: 90_000,
    });
  });

  it('a correct password clears the name’s failures, not the address’s', async () => {
    const { bans } = setup();
    await bans.recordFailure('alice', '192.0.2.1');
    await bans.recordFailure('alice', '192.0.2.1');
    await bans.recordSuccess('alice');
    // The name starts again from zero; the address is one failure from its ban.
    expect(await bans.recordFailure('alice', '198.51.100.9')).toBe(false);
    expect(await bans.recordFailure('carol', '192.0.2.1')).toBe(true);
    expect(await bans.bannedFor('alice', '198.51.100.9')).toBe(0);
    expect(await bans.bannedFor('dave', '192.0.2.1')).toBe(90);
  });

  it('rounds a ban’s time left up to whole seconds', async () => {
    const { bans, store } = setup();
    store.bans.set('ip:192.0.2.1', 1_001);
    expect(await bans.bannedFor('alice', '192.0.2.1')).toBe(2);
    store.bans.set('ip:192.0.2.1', 1);
    expect(await bans.bannedFor('alice', '192.0.2.1')).toBe(1);
  });
});
