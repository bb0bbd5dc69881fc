import { selfTargetTokenSets } from './self-targets';

describe('selfTargetTokenSets', () => {
  it('turns the running service into the token sets its rules use', () => {
    expect(
      selfTargetTokenSets({
        folders: ['/app/', '/app/dist', 'C:\\srv\\gw'],
        files: ['/app/.env'],
        redisKeyPrefix: 'techsapo:',
        processNames: ['techsapo-api', 'x'],
      }),
    ).toEqual({
      'service-paths': ['/app', '/app/dist', 'C:/srv/gw', '/app/.env'],
      'service-redis-keys': ['techsapo:*'],
      'service-processes': ['techsapo-api'],
    });
  });

  it('leaves out what would match nearly everything (a root, a one-letter name)', () => {
    expect(
      selfTargetTokenSets({ folders: ['/', 'a'], redisKeyPrefix: '', processNames: ['x'] }),
    ).toEqual({
      'service-paths': [],
      'service-redis-keys': [],
      'service-processes': [],
    });
  });
});
