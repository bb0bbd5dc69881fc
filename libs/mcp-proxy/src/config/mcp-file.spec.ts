import { parseMcpFile } from './mcp-file';

describe('MCP_CONFIG parsing', () => {
  it('reads YAML with stdio and Streamable HTTP servers and a policy', () => {
    const file = parseMcpFile(
      [
        'servers:',
        '  - { name: fs, transport: stdio, command: node, args: [server.js, /srv], roots: [/srv] }',
        '  - { name: docs, transport: streamable-http, url: "https://docs.expo.dev/mcp", headers: { X-Team: a } }',
        'policy:',
        '  hosts: { allow: [docs.expo.dev] }',
        '  servers:',
        '    docs: { allow: { fetch_page: read }, deny: ["*admin*"] }',
        '    fs: { resources: true, templateSchemes: [Memo] }',
      ].join('\n'),
      'yaml',
      '/etc',
    );
    expect(file.servers[0]).toMatchObject({
      transport: 'stdio',
      env: {},
      network: false,
      roots: ['/srv'],
    });
    expect(file.servers[1]).toMatchObject({
      transport: 'streamable-http',
      network: true,
      headers: { 'X-Team': 'a' },
    });
    expect(file.policy.hosts.block).toContain('*malicious-site.com');
    expect(file.policy.servers.docs).toEqual({
      allow: { fetch_page: 'read' },
      deny: ['*admin*'],
      auto: true,
      // Resources and prompts stay off unless a server's policy turns them on.
      resources: false,
      prompts: false,
      templateSchemes: [],
    });
    // Templates of other schemes than file: only when listed (schemes compare in lower case).
    expect(file.policy.servers.fs).toMatchObject({ resources: true, templateSchemes: ['memo'] });
  });

  it('refuses unknown fields, write operations in allow lists, duplicate and ambiguous names', () => {
    const bad =
      (text: string): (() => void) =>
      () =>
        parseMcpFile(text, 'json', '/');
    expect(
      bad('{"servers":[{"name":"a","transport":"stdio","command":"x","shell":true}]}'),
    ).toThrow(/invalid/);
    expect(
      bad(
        '{"servers":[{"name":"a","transport":"stdio","command":"x"}],"policy":{"servers":{"a":{"allow":{"t":"write"}}}}}',
      ),
    ).toThrow(/invalid/);
    expect(
      bad(
        '{"servers":[{"name":"a","transport":"stdio","command":"x"},{"name":"a","transport":"stdio","command":"y"}]}',
      ),
    ).toThrow(/twice/);
    expect(bad('{"servers":[{"name":"a__b","transport":"stdio","command":"x"}]}')).toThrow(
      /invalid/,
    );
    expect(bad('{"servers":[],"policy":{"servers":{"ghost":{}}}}')).toThrow(/unknown server/);
    expect(bad('{"servers":[{"name":"a","transport":"streamable-http","url":"ftp://x"}]}')).toThrow(
      /invalid/,
    );
  });
});
