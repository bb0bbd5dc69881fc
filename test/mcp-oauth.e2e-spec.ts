import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  connectClient,
  ScriptedUpstream,
  startScriptedUpstream,
  tempDir,
  writeMcpConfig,
} from './support/mcp-upstreams';
import { listenOnLoopback, startTestApp, TestApp } from './support/test-app';

const AUDIENCE = 'https://techsapo.example/mcp';

/**
 * MCP authorization for remote servers: the protected resource metadata (RFC 9728), the 401
 * that points to it, and access tokens of an OpenID Connect issuer — a local one this test
 * starts (discovery document and JWKS over HTTP, keys made here) — bound to this resource.
 */
describe('MCP proxy: OAuth protected resource and OpenID Connect tokens', () => {
  let t: TestApp;
  let base: string;
  let issuer: string;
  let issuerServer: Server;
  let scripted: ScriptedUpstream;
  let sign: (claims: Record<string, unknown>, options?: { audience?: string }) => Promise<string>;
  let signElsewhere: (claims: Record<string, unknown>) => Promise<string>;
  const clients: Client[] = [];

  beforeAll(async () => {
    const jose = await import('jose');
    const keys = await jose.generateKeyPair('RS256');
    const stranger = await jose.generateKeyPair('RS256');
    const jwk = { ...(await jose.exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    issuerServer = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration')
        return void res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      if (req.url === '/jwks') return void res.end(JSON.stringify({ keys: [jwk] }));
      res.writeHead(404).end('{}');
    });
    await new Promise<void>((r) => issuerServer.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}`;
    const signWith =
      (key: typeof keys.privateKey) =>
      (claims: Record<string, unknown>, options: { audience?: string } = {}) =>
        new jose.SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(issuer)
          .setAudience(options.audience ?? AUDIENCE)
          .setSubject('agent-7')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(key);
    sign = signWith(keys.privateKey);
    signElsewhere = signWith(stranger.privateKey);
    scripted = await startScriptedUpstream();
    const config = writeMcpConfig(tempDir('techsapo-mcp-oauth-'), {
      servers: [{ name: 'scripted', transport: 'streamable-http', url: scripted.url }],
    });
    t = await startTestApp({ MCP_CONFIG: config, OIDC_ISSUER: issuer, OIDC_AUDIENCE: AUDIENCE });
    base = await listenOnLoopback(t);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await t?.close();
    await scripted?.close();
    await new Promise((r) => issuerServer?.close(r));
  });

  it('publishes the protected resource metadata and names it in the 401 of /mcp', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      const metadata = await request(t.server).get(path);
      expect(metadata.status).toBe(200);
      expect(metadata.body).toMatchObject({
        resource: AUDIENCE,
        authorization_servers: [issuer],
        bearer_methods_supported: ['header'],
      });
    }
    const refused = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(
      `Bearer realm="techsapo", resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
    );
    // Other routes keep their plain challenge.
    const other = await request(t.server).get('/api/v1/mcp/servers');
    expect(other.headers['www-authenticate']).toBe('Bearer realm="techsapo"');
  });

  it("accepts the issuer's tokens for this resource, with the roles they name", async () => {
    const token = await sign({ roles: ['analyst'], preferred_username: 'agent' });
    const c = await connectClient(`${base}/mcp`, { Authorization: `Bearer ${token}` });
    clients.push(c);
    expect((await c.listTools()).tools.map((x) => x.name)).toContain('scripted__lookup');
    const result = await c.callTool({ name: 'scripted__lookup', arguments: { term: 'pin' } });
    expect(JSON.stringify(result.content)).toContain('definition of pin');
    const me = await request(t.server)
      .get('/api/v1/mcp/servers')
      .set('Authorization', `Bearer ${token}`);
    expect(me.status).toBe(200);
  });

  it('refuses tokens for another audience, signed by another key, or naming no role that may call', async () => {
    const attempts = [
      await sign({ roles: ['analyst'] }, { audience: 'https://other.example/api' }),
      await signElsewhere({ roles: ['analyst'] }),
    ];
    for (const token of attempts) {
      const r = await request(t.server)
        .post('/mcp')
        .set('Authorization', `Bearer ${token}`)
        .send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(r.headers['www-authenticate']).toContain('resource_metadata=');
    }
    // No role claim: a viewer, who may list but not call.
    const viewer = await sign({});
    const r = await request(t.server)
      .post('/mcp')
      .set('Authorization', `Bearer ${viewer}`)
      .send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} });
    expect(r.status).toBe(403);
  });
});
