import { ContractChecker } from './support/contract';
import { startTestApp, TestApp } from './support/test-app';
import request from 'supertest';

describe('contract checker', () => {
  const document = {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/things/{id}': {
        get: {
          responses: {
            '200': {
              description: 'ok',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['id'],
                    properties: { id: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
  };

  it('reports undocumented statuses and bodies that break the schema', () => {
    const checker = new ContractChecker(document as never);
    checker.check('GET', '/things/:id', 200, 'application/json', '{"id":"a"}');
    expect(checker.violations).toEqual([]);
    checker.check('GET', '/things/:id', 200, 'application/json', '{"id":7}');
    checker.check('GET', '/things/:id', 418, 'application/json', '{}');
    checker.check('POST', '/things/:id', 200, 'application/json', '{}');
    expect(checker.violations).toHaveLength(3);
    expect(checker.violations[1]).toContain('418');
  });

  it('checks every response the real app gives in the e2e tests', async () => {
    const t: TestApp = await startTestApp();
    try {
      await request(t.server).get('/health/ready');
      await request(t.server).get('/health/live');
      expect(t.contract.checked.responses).toBe(2);
      expect(t.contract.violations).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
