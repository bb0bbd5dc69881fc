import request from 'supertest';
import { adminAuth, issueApiKey, signIn } from './support/auth';
import { startTestApp, TestApp } from './support/test-app';

describe('identity smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('works end to end', async () => {
    const a = await signIn(t, 'analyst');
    const me = await request(t.server).get('/api/v1/auth/me').set(a.auth);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: a.userId,
      username: a.username,
      roles: ['analyst'],
      sessionId: a.sessionId,
    });
    const k = await issueApiKey(t, 'ci');
    const me2 = await request(t.server).get('/api/v1/auth/me').set(k.auth);
    expect(me2.body).toMatchObject({ apiKeyId: k.id, roles: ['ci'] });
    const me3 = await request(t.server).get('/api/v1/auth/me').set('X-API-Key', k.key);
    expect(me3.status).toBe(200);
    const s = await request(t.server)
      .get('/api/v1/admin/sessions')
      .set(await adminAuth(t));
    expect(s.status).toBe(200);
    const none = await request(t.server).get('/api/v1/auth/me');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBeDefined();
    const out = await request(t.server).post('/api/v1/auth/logout').set(a.auth);
    expect(out.status).toBe(204);
    expect((await request(t.server).get('/api/v1/auth/me').set(a.auth)).status).toBe(401);
    expect(t.contract.violations).toEqual([]);
  });
});
