import { TokenVerificationCache } from './token-verification-cache';

describe('TokenVerificationCache', () => {
  let now: number;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('keeps a verification until the token expires', () => {
    const cache = new TokenVerificationCache<string>(10, clock);
    cache.set('token-a', 'claims-a', now + 5_000);
    expect(cache.get('token-a')).toBe('claims-a');
    now += 4_999;
    expect(cache.get('token-a')).toBe('claims-a');
    now += 1;
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('knows only the exact token it verified', () => {
    const cache = new TokenVerificationCache<string>(10, clock);
    cache.set('token-a', 'claims-a', now + 5_000);
    expect(cache.get('token-a ')).toBeUndefined();
    expect(cache.get('token-b')).toBeUndefined();
  });

  it('does not keep a token that has already expired', () => {
    const cache = new TokenVerificationCache<string>(10, clock);
    cache.set('token-a', 'claims-a', now);
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('lets the oldest verification go beyond its capacity', () => {
    const cache = new TokenVerificationCache<string>(2, clock);
    cache.set('token-a', 'a', now + 5_000);
    cache.set('token-b', 'b', now + 5_000);
    cache.set('token-c', 'c', now + 5_000);
    expect(cache.size).toBe(2);
    expect(cache.get('token-a')).toBeUndefined();
    expect(cache.get('token-b')).toBe('b');
    expect(cache.get('token-c')).toBe('c');
  });
});
