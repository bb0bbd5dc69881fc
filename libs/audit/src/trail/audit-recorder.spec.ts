import { RequestLifecycle, RequestState } from '@techsapo/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Registry } from 'prom-client';
import type { AuditConfig } from '../config/audit.config';
import type { SecurityEventService } from '../security-events/security-event.service';
import type { AuditDraft } from './audit-entry';
import { AuditRecorder } from './audit-recorder';
import type { AuditWriter } from './audit-writer';

/** A recorder listening to a Fastify app's responses, its drafts and failure counter. */
function recordedApp(details: Record<string, unknown>, excludePaths: string[]) {
  const recorded: AuditDraft[] = [];
  const writer = {
    record: (draft: AuditDraft) => recorded.push(draft),
  } as unknown as AuditWriter;
  const failed = new Counter({ name: 'failed', help: 'h', registers: [new Registry()] });
  const lifecycle = new RequestLifecycle();
  const events = { onEvent: () => undefined } as unknown as SecurityEventService;
  const config = { excludePaths } as AuditConfig;
  new AuditRecorder(lifecycle, events, writer, config, failed).onModuleInit();

  const fastify: FastifyInstance = Fastify();
  fastify.decorateRequest('state', null as unknown as RequestState);
  fastify.addHook('onRequest', (request, _reply, done) => {
    request.state = {
      requestId: 'r-1',
      startedAt: process.hrtime.bigint(),
      upstreamMs: 0,
      details: { ...details },
      principal: { id: 'u1', username: 'alice', roles: ['viewer'], method: 'jwt' },
      reason: 'forbidden',
    };
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    lifecycle.completed(request, reply);
    done();
  });
  fastify.get('/*', (_request, reply) => reply.status(403).send());
  return { fastify, recorded, failed };
}

describe('audit recorder', () => {
  it('writes a minimal entry, and counts it, when the full one cannot be built', async () => {
    const { fastify, recorded, failed } = recordedApp({ count: 1n }, ['/metrics']);
    await fastify.inject({ method: 'GET', url: '/x?token=secret' });
    await fastify.close();

    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      actor: { id: 'u1', username: 'alice' },
      request: { id: 'r-1', method: 'GET', path: '/x' },
      outcome: { status: 403, decision: 'denied', reason: 'forbidden' },
      details: { minimal: true, failure: 'TypeError' },
    });
    expect((await failed.get()).values[0].value).toBe(1);
  });

  it('leaves out the paths under an excluded prefix, with or without a query', async () => {
    const { fastify, recorded } = recordedApp({}, ['/health/', '/metrics']);
    for (const url of ['/health/live', '/metrics?x=1', '/healthy', '/api/v1/metrics'])
      await fastify.inject({ method: 'GET', url });
    await fastify.close();

    expect(recorded.map((draft) => draft.request.path)).toEqual(['/healthy', '/api/v1/metrics']);
  });
});
