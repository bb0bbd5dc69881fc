import type { AuditEntry } from '@techsapo/audit';
import { RoutePolicies } from '@techsapo/security';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth } from './support/auth';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Every route declares what its audit entries are (@AuditType on the controller or the
 * handler); the audit library knows no paths. A route without a declaration fails the test, and
 * a change of a route's type shows in review as a change of the snapshot.
 */
describe('route audit types', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'all' });
  });
  afterAll(() => t.close());

  it('lists every route with the audit type it declares', () => {
    const lines = t.app.get(RoutePolicies).list();
    expect(lines.filter((l) => !l.auditType).map((l) => `${l.method} ${l.path}`)).toEqual([]);
    expect(
      lines.map((l) => `${l.method.padEnd(6)} ${l.path.padEnd(56)} ${l.auditType}`).join('\n'),
    ).toMatchSnapshot();
  });

  it('records the type the route declares, also for refusals before the handler, and a fixed one where no route matched', async () => {
    const admin = await adminAuth(t);
    const calls: [request.Test, AuditEntry['type']][] = [
      [request(t.server).get('/api/v1/admin/users').set(admin), 'admin'],
      [request(t.server).get('/api/v1/auth/me'), 'auth'],
      [request(t.server).get('/api/v1/analyses'), 'analysis'],
      [request(t.server).get('/api/v1/mcp/servers'), 'mcp'],
      [request(t.server).get('/v1/models').set(admin), 'http'],
      // Refused by the body parser on a matched route: the route's type.
      [
        request(t.server)
          .delete('/api/v1/admin/users/nobody')
          .set(admin)
          .set('Content-Type', 'application/json')
          .send('{"a":' + '['.repeat(100) + ']'.repeat(100) + '}'),
        'admin',
      ],
      // No route: the fixed type, whatever the path looks like.
      [request(t.server).get('/api/v1/auth/no-such-route'), 'http'],
      [request(t.server).get('/api/v1/admin/no-such-route').set(admin), 'http'],
    ];
    const sent: { id: string; status: number; expected: string }[] = [];
    for (const [call, expected] of calls) {
      const res = await call;
      sent.push({ id: String(res.headers['x-request-id']), status: res.status, expected });
    }
    expect(sent.map((s) => s.status)).toEqual([200, 401, 401, 401, 200, 400, 404, 404]);
    const entries = await auditEntries(t);
    const typeOf = (id: string): string | undefined =>
      entries.find((e) => e.type !== 'security' && e.request.id === id)?.type;
    expect(sent.map((s) => typeOf(s.id))).toEqual(sent.map((s) => s.expected));
  });
});
