import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { securityConfig } from '../../config/security.config';
import { InvalidTokenError } from './invalid-token.error';
import { TokenService } from './token.service';

const claims = { sub: 'user-1', sid: 'session-1', roles: ['analyst' as const], name: 'alice' };

function service(env: Record<string, string> = {}): TokenService {
  const config = securityConfig.read({
    JWT_SECRET: randomBytes(32).toString('base64url'),
    ...env,
  });
  return new TokenService(config);
}

describe('TokenService', () => {
  afterEach(() => jest.restoreAllMocks());

  it('verifies a token it issued, checking the signature once while it is valid', async () => {
    const tokens = service();
    const { accessToken } = tokens.issue(claims, Date.now() + 60_000);
    const verify = jest.spyOn(JwtService.prototype, 'verify');
    await expect(tokens.verify(accessToken)).resolves.toMatchObject(claims);
    await expect(tokens.verify(accessToken)).resolves.toMatchObject(claims);
    await expect(tokens.verifyFor({}, accessToken)).resolves.toMatchObject(claims);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('refuses a token signed with another key, every time', async () => {
    const { accessToken } = service().issue(claims, Date.now() + 60_000);
    const tokens = service();
    const verify = jest.spyOn(JwtService.prototype, 'verify');
    for (let i = 0; i < 2; i++) {
      await expect(tokens.verify(accessToken)).rejects.toEqual(new InvalidTokenError('invalid'));
    }
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('refuses a token of another issuer or audience', async () => {
    const secret = randomBytes(32).toString('base64url');
    const other = service({ JWT_SECRET: secret, JWT_ISSUER: 'someone-else' });
    const { accessToken } = other.issue(claims, Date.now() + 60_000);
    await expect(service({ JWT_SECRET: secret }).verify(accessToken)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
    const audience = service({ JWT_SECRET: secret, JWT_AUDIENCE: 'another-api' });
    const token = audience.issue(claims, Date.now() + 60_000).accessToken;
    await expect(service({ JWT_SECRET: secret }).verify(token)).rejects.toBeInstanceOf(
      InvalidTokenError,
    );
  });

  it('refuses an expired token, and a kept verification ends with the token', async () => {
    const tokens = service();
    const now = Date.now();
    const { accessToken } = tokens.issue(claims, now + 1_500);
    await expect(tokens.verify(accessToken)).resolves.toMatchObject(claims);
    jest.spyOn(Date, 'now').mockReturnValue(now + 3_000);
    await expect(tokens.verify(accessToken)).rejects.toEqual(new InvalidTokenError('expired'));
  });

  it('refuses a token without an expiry or with unknown roles', async () => {
    const secret = randomBytes(32).toString('base64url');
    const signer = new JwtService({ secret });
    const tokens = service({ JWT_SECRET: secret });
    const base = { issuer: 'techsapo', audience: 'techsapo-api', subject: 'user-1' };
    const noExpiry = signer.sign({ sid: 's', roles: ['analyst'], name: 'a' }, base);
    await expect(tokens.verify(noExpiry)).rejects.toEqual(new InvalidTokenError('invalid'));
    const badRole = signer.sign(
      { sid: 's', roles: ['root'], name: 'a' },
      { ...base, expiresIn: 60 },
    );
    await expect(tokens.verify(badRole)).rejects.toEqual(new InvalidTokenError('invalid'));
  });
});
