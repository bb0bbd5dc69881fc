import { DomainError } from '@techsapo/core';
import type { FastifyInstance } from 'fastify';

/** How deeply a JSON body may nest objects and arrays (BODY_MAX_DEPTH); no request needs more. */
export class BodyTooDeepError extends DomainError {
  constructor(maxDepth: number) {
    super(
      'body-too-deep',
      400,
      'Invalid request',
      `The JSON body nests objects and arrays more than ${maxDepth} levels deep.`,
      { extensions: { maxDepth } },
    );
  }
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether `text` nests deeper than `maxDepth`, read in one pass over the characters with no
 * recursion, before anything parses it: a body thousands of levels deep would otherwise reach
 * every later stage (validation, scanning, the audit entry) whose walks recurse.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * JSON bodies are parsed by Fastify's own parser (prototype-poisoning protection included)
 * once they are known to nest at most `maxDepth` levels; a deeper body is refused with 400
 * `body-too-deep`, the same answer at every depth, before any route sees it. The size limit
 * stays Fastify's `bodyLimit` (413). Call after app.init(), which registers Nest's parsers.
 */
export function limitJsonBodies(fastify: FastifyInstance, maxDepth: number): void {
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parse = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  );
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (nestsDeeperThan(text, maxDepth)) {
      done(new BodyTooDeepError(maxDepth), undefined);
      return;
    }
    parse(request, text, done);
  });
}
