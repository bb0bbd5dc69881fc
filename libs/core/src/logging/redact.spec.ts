import { maskIp, maskUserAgent, REDACTED, redactDeep, redactText } from './redact';

describe('redaction', () => {
  it('redacts secret-named fields at any depth and keeps identifiers', () => {
    const out = redactDeep({
      username: 'alice',
      password: 'hunter2',
      nested: {
        accessToken: 'abc',
        apiKeyId: 'key_1',
        clientSecret: 's',
        authorization: 'Basic x',
      },
      list: [{ privateKey: 'pem' }],
    });
    expect(out).toEqual({
      username: 'alice',
      password: REDACTED,
      nested: {
        accessToken: REDACTED,
        apiKeyId: 'key_1',
        clientSecret: REDACTED,
        authorization: REDACTED,
      },
      list: [{ privateKey: REDACTED }],
    });
  });

  it('redacts secret shapes inside text', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const text = `Authorization: Bearer ${jwt} key tsk_${'a'.repeat(43)} openai sk-${'b'.repeat(40)}`;
    const out = redactText(text);
    expect(out).not.toContain(jwt);
    expect(out).not.toContain('tsk_aaaa');
    expect(out).not.toContain('sk-bbbb');
    expect(out).toContain('Bearer ***REDACTED***');
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----';
    expect(redactText(`x ${pem} y`)).toBe(`x ${REDACTED} y`);
  });

  it('redacts secret assignments inside text and keeps their names', () => {
    expect(redactText('login failed for password=hunter2&user=alice')).toBe(
      `login failed for password=${REDACTED}&user=alice`,
    );
    expect(redactText('{"username":"bob","password":"s3cret!"}')).toBe(
      `{"username":"bob","password":"${REDACTED}"}`,
    );
    expect(redactText('api_key: abc123 token=xyz')).toBe(`api_key: ${REDACTED} token=${REDACTED}`);
    expect(redactText('keyboard layout: us')).toBe('keyboard layout: us');
  });

  it('masks IPv4 to /24, IPv6 to /48 and IPv4-mapped addresses as IPv4', () => {
    expect(maskIp('192.168.1.77')).toBe('192.168.1.***');
    expect(maskIp('::ffff:10.1.2.3')).toBe('10.1.2.***');
    expect(maskIp('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::***');
    expect(maskIp('::1')).toBe('0:0:0::***');
    expect(maskIp('not an ip')).toBe('***');
    expect(maskIp(undefined)).toBe('***');
  });

  it('masks user agents to their family', () => {
    expect(maskUserAgent('Mozilla/5.0 (X11; Linux x86_64) Chrome/120')).toBe('Mozilla/***');
    expect(maskUserAgent('curl/8.5.0')).toBe('curl/***');
    expect(maskUserAgent('')).toBe('***');
  });
});
