import { RoutePolicies } from '@techsapo/security';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Every route with the policy it enforces. A change of access rights shows in review as a
 * change of this snapshot; a route without a policy fails the test.
 */
describe('route policies', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'all' });
  });
  afterAll(() => t.close());

  it('lists every route with its policy', () => {
    const lines = t.app.get(RoutePolicies).list();
    expect(lines.filter((l) => l.policy.startsWith('NO POLICY'))).toEqual([]);
    expect(
      lines.map((l) => `${l.method.padEnd(6)} ${l.path.padEnd(56)} ${l.policy}`).join('\n'),
    ).toMatchSnapshot();
  });
});
