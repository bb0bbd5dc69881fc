import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import type { AuditEntry } from '@techsapo/audit';
import { auditEntriesUntil, expectEveryResponseAudited } from './support/audit';
import { adminAuth, signIn } from './support/auth';
import { startTestApp, TestApp } from './support/test-app';

const DIST = join(__dirname, '..', 'dist');
const SESSION = '/api/v1/auth/console/session';

/** The console's sign-in cookie and CSRF token over the real app and Redis. */
describe('console session (cookie + CSRF)', () => {
  let t: TestApp;

  beforeAll(async () => {
    if (!existsSync(join(DIST, 'console', 'index.html')))
      throw new Error('dist/console is missing: run `npm run build` first');
    t = await startTestApp({ TRUST_PROXY: 'true' });
  });
  afterAll(() => t?.close());

  async function consoleSignIn(username = t.admin.username, password = t.admin.password) {
    const res = await request(t.server).post(SESSION).send({ username, password });
    expect(res.status).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    const cookie = setCookie.split(';')[0];
    return { res, setCookie, cookie, csrf: res.body.csrfToken as string };
  }

  it('sets an httpOnly, SameSite=Strict cookie that holds no more than the session, and no token in the body', async () => {
    const { res, setCookie, cookie } = await consoleSignIn();
    expect(setCookie).toMatch(/^techsapo_console=[^;]+;/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).not.toMatch(/; Secure/i); // plain HTTP
    expect(res.body).toMatchObject({ username: t.admin.username, roles: ['admin'] });
    expect(res.body.csrfToken).toMatch(/^[\w-]{43}$/);
    expect(res.body.expiresIn).toBeGreaterThan(0);
    expect(JSON.stringify(res.body)).not.toContain(cookie.split('=')[1]);
    // The session is a real one: the admin API lists it.
    const sessions = await request(t.server)
      .get('/api/v1/admin/sessions')
      .set(await adminAuth(t));
    expect(sessions.body.items.map((s: { id: string }) => s.id)).toContain(res.body.sessionId);
  });

  it('marks the cookie Secure when the request came over TLS (a trusted proxy says https)', async () => {
    const res = await request(t.server)
      .post(SESSION)
      .set('X-Forwarded-Proto', 'https')
      .send(t.admin);
    expect(res.status).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/i);
  });

  it('refuses wrong credentials with problem+json and sets no cookie', async () => {
    const res = await request(t.server)
      .post(SESSION)
      .send({ username: t.admin.username, password: 'not-the-password' });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('reads with the cookie alone; the same session says who it is after a reload', async () => {
    const { cookie, csrf, res } = await consoleSignIn();
    const me = await request(t.server).get('/api/v1/auth/me').set('Cookie', cookie);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: t.admin.username, sessionId: res.body.sessionId });
    const again = await request(t.server).get(SESSION).set('Cookie', cookie);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ csrfToken: csrf, sessionId: res.body.sessionId });
    // A Bearer caller has no console session.
    const bearer = await request(t.server)
      .get(SESSION)
      .set(await adminAuth(t));
    expect(bearer.status).toBe(403);
    expect(bearer.body.type).toMatch(/not-a-console-session$/);
  });

  it('refuses a state change made with the cookie without its CSRF token, or with a wrong one, and records it', async () => {
    const { cookie, csrf } = await consoleSignIn();
    const block = { kind: 'ip', value: '203.0.113.77', reason: 'csrf test', ttlSeconds: 60 };
    const missing = await request(t.server)
      .post('/api/v1/admin/blocks')
      .set('Cookie', cookie)
      .send(block);
    expect(missing.status).toBe(403);
    expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(missing.body.type).toMatch(/csrf-token-missing$/);
    const forged = await request(t.server)
      .post('/api/v1/admin/blocks')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', createHash('sha256').update('guess').digest('base64url'))
      .send(block);
    expect(forged.status).toBe(403);
    expect(forged.body.type).toMatch(/csrf-token-invalid$/);
    const blocks = await request(t.server).get('/api/v1/admin/blocks').set('Cookie', cookie);
    expect(blocks.body.items.map((b: { value: string }) => b.value)).not.toContain(block.value);

    const made = await request(t.server)
      .post('/api/v1/admin/blocks')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf)
      .send(block);
    expect(made.status).toBe(201);
    const lifted = await request(t.server)
      .delete(`/api/v1/admin/blocks/${made.body.id}`)
      .set('Cookie', cookie)
      .set('X-CSRF-Token', csrf);
    expect(lifted.status).toBe(204);

    const isCsrfEvent = (e: AuditEntry) =>
      e.type === 'security' && String(e.details.violation_type).startsWith('CSRF_TOKEN_');
    const entries = await auditEntriesUntil(
      t,
      (all) =>
        all.filter(isCsrfEvent).length >= 2 &&
        all.some((e) => e.request.id === made.headers['x-request-id']),
    );
    const refused = entries.filter(
      (e) =>
        e.type === 'admin' &&
        [missing.body.requestId, forged.body.requestId].includes(e.request.id),
    );
    expect(refused.map((e) => [e.outcome.status, e.outcome.decision])).toEqual([
      [403, 'denied'],
      [403, 'denied'],
    ]);
    const events = entries.filter(isCsrfEvent);
    expect(events.map((e) => e.details.violation_type).sort()).toEqual([
      'CSRF_TOKEN_INVALID',
      'CSRF_TOKEN_MISSING',
    ]);
    // The cookie's requests are the admin's, as a Bearer token's would be.
    const made201 = entries.find((e) => e.request.id === made.headers['x-request-id']);
    expect(made201?.actor.username).toBe(t.admin.username);
  });

  it('the CSRF token of one session does not open another', async () => {
    const first = await consoleSignIn();
    const second = await consoleSignIn();
    const res = await request(t.server)
      .post('/api/v1/auth/logout')
      .set('Cookie', second.cookie)
      .set('X-CSRF-Token', first.csrf);
    expect(res.status).toBe(403);
    expect(res.body.type).toMatch(/csrf-token-invalid$/);
  });

  it('keeps the same roles as the API: a viewer’s cookie cannot reach admin routes', async () => {
    const viewer = await signIn(t, 'viewer');
    const { cookie } = await consoleSignIn(viewer.username, viewer.password);
    const res = await request(t.server).get('/api/v1/admin/sessions').set('Cookie', cookie);
    expect(res.status).toBe(403);
    const own = await request(t.server).get('/api/v1/analyses').set('Cookie', cookie);
    expect(own.status).toBe(200);
  });

  it('stops working once its session ends: an admin ends it, or sign-out (which clears the cookie)', async () => {
    const ended = await consoleSignIn();
    const del = await request(t.server)
      .delete(`/api/v1/admin/sessions/${ended.res.body.sessionId}`)
      .set(await adminAuth(t));
    expect(del.status).toBe(204);
    const refused = await request(t.server).get('/api/v1/auth/me').set('Cookie', ended.cookie);
    expect(refused.status).toBe(401);

    const out = await consoleSignIn();
    const signOut = await request(t.server)
      .delete(SESSION)
      .set('Cookie', out.cookie)
      .set('X-CSRF-Token', out.csrf);
    expect(signOut.status).toBe(204);
    expect(String(signOut.headers['set-cookie'])).toMatch(/^techsapo_console=; Max-Age=0/);
    const after = await request(t.server).get('/api/v1/auth/me').set('Cookie', out.cookie);
    expect(after.status).toBe(401);
  });

  it('gives an admin’s cookie the readiness details, as an admin’s token', async () => {
    const { cookie } = await consoleSignIn();
    const res = await request(t.server).get('/health/ready').set('Cookie', cookie);
    expect(res.body.checks).toBeDefined();
    const anonymous = await request(t.server).get('/health/ready');
    expect(anonymous.body.checks).toBeUndefined();
  });

  it('serves the built console at /console/ with its own CSP (no inline scripts), every file in the integrity manifest', async () => {
    const redirect = await request(t.server).get('/console');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/console/');
    const page = await request(t.server).get('/console/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    // No inline script: every <script> has a src on this service.
    const scripts = [...page.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/console\/assets\/[^"]+\.js"/);
      expect(body.trim()).toBe('');
    }
    const manifest = JSON.parse(readFileSync(join(DIST, 'integrity-manifest.json'), 'utf8')) as {
      files: Record<string, string>;
    };
    const assets = [...page.text.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of ['index.html', ...assets]) {
      const served = await request(t.server)
        .get(`/console/${asset}`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(served.status).toBe(200);
      const digest = createHash('sha256')
        .update(served.body as Buffer)
        .digest('hex');
      expect(manifest.files[`console/${asset}`]).toBe(digest);
    }
    const missing = await request(t.server).get('/console/assets/nothing-here.js');
    expect(missing.status).toBe(404);
  });

  it('gives the security report of a chosen period over HTTP, CSRF refusals included (admin only)', async () => {
    const auth = await adminAuth(t);
    const res = await request(t.server).get('/api/v1/admin/security-report').set(auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/markdown/);
    expect(res.text).toMatch(/^# TechSapo security report/);
    expect(res.text).toContain('SUSPICIOUS_ACTIVITY / CSRF_TOKEN_MISSING');
    // A period before any of it: nothing in it.
    const before = await request(t.server)
      .get('/api/v1/admin/security-report')
      .query({ since: '2020-01-01T00:00:00Z', until: '2020-01-02T00:00:00Z' })
      .set(auth);
    expect(before.status).toBe(200);
    expect(before.text).toContain('Period: 2020-01-01T00:00:00.000Z — 2020-01-02T00:00:00.000Z');
    expect(before.text).toContain('_No audit entries in this period._');
    const bad = await request(t.server)
      .get('/api/v1/admin/security-report')
      .query({ since: 'yesterday', top: 0 })
      .set(auth);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    const viewer = await signIn(t, 'viewer');
    const refused = await request(t.server).get('/api/v1/admin/security-report').set(viewer.auth);
    expect(refused.status).toBe(403);
  });

  it('audits every response, the console’s included', async () => {
    await expectEveryResponseAudited(t);
  });
});
