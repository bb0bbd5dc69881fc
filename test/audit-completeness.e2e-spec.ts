import { AuditEntry } from '@techsapo/audit';
import request from 'supertest';
import { auditEntries, expectEveryResponseAudited } from './support/audit';
import { adminAuth, signIn } from './support/auth';
import { startTestApp, TestApp } from './support/test-app';

/** `{"a":{"a":…{"a":1}…}}`, `depth` objects deep. */
function nested(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{"a":1}${'}'.repeat(depth - 1)}`;
}

describe('nothing escapes the audit trail', () => {
  let t: TestApp;
  let admin: { Authorization: string };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminAuth(t);
  });
  afterAll(async () => {
    await expectEveryResponseAudited(t);
    await t.close();
  });

  const entryOf = async (res: request.Response): Promise<AuditEntry> => {
    const id = String(res.headers['x-request-id']);
    for (let i = 0; i < 10; i += 1) {
      const found = (await auditEntries(t)).filter(
        (e) => e.type !== 'security' && e.request.id === id,
      );
      if (found.length > 0) {
        expect(found).toHaveLength(1);
        return found[0];
      }
    }
    throw new Error(`no audit entry for request ${id} (${res.status})`);
  };

  it('refuses a deeply nested body before routing, audited, and the user is still there', async () => {
    const victim = await signIn(t, 'viewer');
    const res = await request(t.server)
      .delete(`/api/v1/admin/users/${victim.userId}`)
      .set(admin)
      .set('Content-Type', 'application/json')
      .send(nested(5000));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://techsapo.dev/problems/body-too-deep',
      maxDepth: 64,
    });
    const users = await request(t.server).get('/api/v1/admin/users').set(admin);
    expect(users.body.items.map((u: { id: string }) => u.id)).toContain(victim.userId);
    const entry = await entryOf(res);
    expect(entry.outcome).toMatchObject({
      status: 400,
      decision: 'denied',
      reason: 'body-too-deep',
    });
    expect(entry.request).toMatchObject({ method: 'DELETE' });
    const verify = await request(t.server).get('/api/v1/admin/audit/verify').set(admin);
    expect(verify.body).toMatchObject({ ok: true });
  });

  it('gives the same answer at every depth past the limit, and parses bodies within it', async () => {
    const viewer = await signIn(t, 'viewer');
    const answers = new Set<string>();
    for (const depth of [65, 3000, 5000, 10_000, 100_000]) {
      const res = await request(t.server)
        .post('/api/v1/analyses')
        .set(admin)
        .set('Content-Type', 'application/json')
        .send(`{"content":"x","extra":${nested(depth - 1)}}`);
      const { instance: _instance, requestId: _requestId, ...problem } = res.body;
      answers.add(JSON.stringify({ status: res.status, problem }));
    }
    expect([...answers]).toHaveLength(1);
    expect(JSON.parse([...answers][0])).toMatchObject({
      status: 400,
      problem: { type: 'https://techsapo.dev/problems/body-too-deep' },
    });
    // A viewer's refusal with a deep body is audited as a refusal too.
    const denied = await request(t.server)
      .post('/api/v1/admin/users')
      .set(viewer.auth)
      .set('Content-Type', 'application/json')
      .send(nested(5000));
    expect(denied.status).toBe(400);
    expect((await entryOf(denied)).outcome.reason).toBe('body-too-deep');
    // 64 levels reach the route: the validation names the unknown field.
    const within = await request(t.server)
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send(`{"username":"a","password":"b","extra":${nested(63)}}`);
    expect(within.status).toBe(400);
    expect(within.body.type).toBe('https://techsapo.dev/problems/validation-failed');
    // A string holding brackets is not nesting.
    const brackets = await request(t.server)
      .post('/api/v1/auth/login')
      .send({ username: '[[[[{{{{'.repeat(100), password: '"\\"]]]]' });
    expect(brackets.body.type).not.toBe('https://techsapo.dev/problems/body-too-deep');
  });

  it('audits the refusals of the parser and the router', async () => {
    const malformed = await request(t.server)
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"username":');
    expect(malformed.status).toBe(400);
    expect((await entryOf(malformed)).outcome).toMatchObject({ status: 400, decision: 'denied' });
    const unknown = await request(t.server).get('/api/v1/nowhere');
    expect(unknown.status).toBe(404);
    expect((await entryOf(unknown)).outcome.reason).toBe('not-found');
    const media = await request(t.server)
      .post('/api/v1/auth/login')
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(media.status).toBe(415);
    await entryOf(media);
  });
});
