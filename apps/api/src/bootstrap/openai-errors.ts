import { PROBLEM_CONTENT_TYPE, type ProblemDocument } from '@techsapo/core';
import type { FastifyInstance } from 'fastify';
import {
  NOT_RETRIED,
  OPENAI_BASE,
  problemAsOpenAiError,
  problemCode,
} from '../openai/openai-error';

/**
 * The OpenAI-compatible routes answer every failure in OpenAI's error shape, so that its SDKs
 * raise their usual errors: the pipeline's 401, 403 and 429, the body parser's 400 and 415,
 * an unknown /v1 path's 404 and the routes' own. Errors still become problems in the one
 * global filter (logged, audited with their code); on the way out, a problem under
 * /v1 is rewritten.
 */
export function answerOpenAiErrors(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    // Most responses are not under /v1: decided without splitting the URL.
    if (!request.url.startsWith(OPENAI_BASE)) return done(null, payload);
    const path = request.url.split('?')[0];
    const type = String(reply.getHeader('content-type') ?? '');
    if (
      !(path === OPENAI_BASE || path.startsWith(`${OPENAI_BASE}/`)) ||
      !type.startsWith(PROBLEM_CONTENT_TYPE) ||
      typeof payload !== 'string'
    )
      return done(null, payload);
    let problem: ProblemDocument;
    try {
      problem = JSON.parse(payload) as ProblemDocument;
    } catch {
      return done(null, payload);
    }
    if (NOT_RETRIED.has(problemCode(problem))) reply.header('x-should-retry', 'false');
    reply.header('content-type', 'application/json; charset=utf-8');
    done(null, JSON.stringify(problemAsOpenAiError(problem)));
  });
}
