import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { securityConfig } from '../../config/security.config';
import { LoginBansStore } from './login-bans.store';

/**
 * AU5: failed logins counted per username and per client address (TRUST_PROXY decides what
 * the address is); at LOGIN_MAX_FAILURES within the window, logins for that name or from that
 * address are refused for the ban period, whatever the password.
 */
@Injectable()
export class LoginBansService {
  constructor(
    private readonly store: LoginBansStore,
    @Inject(securityConfig.factory.KEY)
    private readonly config: ConfigType<typeof securityConfig.factory>,
  ) {}

  /** Seconds left of a ban on the name or the address; 0 when neither is banned. */
  async bannedFor(username: string, ip: string): Promise<number> {
    return Math.ceil((await this.store.longestBanMs(username, ip)) / 1000);
  }

  /** Returns whether this failure started a ban. */
  recordFailure(username: string, ip: string): Promise<boolean> {
    const { windowSeconds, maxFailures, banSeconds } = this.config.loginBan;
    return this.store.countFailure(username, ip, {
      windowMs: windowSeconds * 1000,
      maxFailures,
      banMs: banSeconds * 1000,
    });
  }

  /** A correct password clears the name's count (the address keeps its own). */
  recordSuccess(username: string): Promise<void> {
    return this.store.clearFailures(username);
  }
}
