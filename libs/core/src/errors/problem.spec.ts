import { BadRequestException, NotFoundException } from '@nestjs/common';
import { DomainError, NotFoundError, ValidationFailedError } from './domain.error';
import { toProblem } from './problem';

describe('toProblem', () => {
  it('maps domain errors with their code, field errors and headers', () => {
    const p = toProblem(
      new ValidationFailedError([{ field: 'content', message: 'is required' }]),
      '/x',
      'r1',
    );
    expect(p.status).toBe(400);
    expect(p.body).toMatchObject({
      type: 'https://techsapo.dev/problems/validation-failed',
      status: 400,
      instance: '/x',
      requestId: 'r1',
      errors: [{ field: 'content', message: 'is required' }],
    });
    expect(
      toProblem(new NotFoundError('Analysis', 'analysis-not-found'), '/a', 'r').body.type,
    ).toMatch(/analysis-not-found$/);
  });

  it('maps Redis failing over to 503 with Retry-After, and other Redis errors to 500', () => {
    for (const message of [
      'CLUSTERDOWN The cluster is down',
      'TRYAGAIN Multiple keys request during rehashing of slot',
      'Too many Cluster redirections. Last error: Error: Connection is closed.',
      'Command timed out',
      'connect ECONNREFUSED 127.0.0.1:7000',
    ]) {
      const p = toProblem(new Error(message), '/x', 'r');
      expect([message, p.status, p.code, p.headers['Retry-After'], p.unexpected]).toEqual([
        message,
        503,
        'storage-unavailable',
        '5',
        false,
      ]);
    }
    const wrong = toProblem(new Error('WRONGTYPE Operation against a key'), '/x', 'r');
    expect([wrong.status, wrong.unexpected]).toEqual([500, true]);
  });

  it('never shows internal detail on 5xx', () => {
    const internal = toProblem(new Error('password=hunter2 at db.ts:12'), '/x', 'r');
    expect(internal.status).toBe(500);
    expect(internal.unexpected).toBe(true);
    expect(JSON.stringify(internal.body)).not.toContain('hunter2');
    const domain5xx = toProblem(
      new DomainError('upstream', 502, 'Bad gateway', 'secret host 10.0.0.1 failed'),
      '/x',
      'r',
    );
    expect(domain5xx.body.detail).not.toContain('10.0.0.1');
  });

  it('maps Nest HTTP exceptions and Fastify errors', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope'), '/nope', 'r').body).toMatchObject({
      status: 404,
      detail: 'Cannot GET /nope',
    });
    expect(toProblem(new BadRequestException(), '/', 'r').status).toBe(400);
    const tooLarge = Object.assign(new Error('too large'), {
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      statusCode: 413,
    });
    expect(toProblem(tooLarge, '/', 'r').body.type).toMatch(/payload-too-large$/);
  });
});
