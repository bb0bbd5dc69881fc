import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** Starts a read for a request whose caller a verified token names (its `sub`). */
export type TokenCallerRead = (request: FastifyRequest, callerId: string) => void;

/**
 * Reads that other libraries start for a request as soon as a verified token names its caller,
 * beside the token's session check and blocks (TokenStandingLookup): they leave in the same
 * round trip as the rate limiter's counters, instead of one more after authentication (the MCP
 * endpoint's session touch). A read only starts work; its owner keeps the answer for the
 * request, checks it against the authenticated principal, and reads again when it has none.
 */
@Injectable()
export class TokenCallerReads {
  private readonly reads: TokenCallerRead[] = [];

  register(read: TokenCallerRead): void {
    this.reads.push(read);
  }

  start(request: FastifyRequest, callerId: string): void {
    for (const read of this.reads) read(request, callerId);
  }
}
