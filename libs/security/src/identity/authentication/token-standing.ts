import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Block } from '../../blocks/block';
import { BlocksService } from '../../blocks/blocks.service';
import type { ActiveSession } from '../sessions/session';
import { SessionsService } from '../sessions/sessions.service';
import type { AccessClaims } from '../tokens/access-claims';
import { TokenCallerReads } from './token-caller-reads';

/** What Redis says of a verified token on this request: its session, a block on it or its user. */
export interface TokenStanding {
  session: ActiveSession | undefined;
  block: Block | undefined;
}

/**
 * Reads a token's standing once per request, never across requests (an ended session or a
 * new block takes effect on the next request on every instance). The rate limiter starts the
 * read while it sends its counters, so the session check, the user and session blocks and the
 * counters leave in one round trip (one script or MGET per hash slot, ioredis pipelines them),
 * with the reads other libraries start for the caller (TokenCallerReads); the authenticator
 * then takes the answer.
 */
@Injectable()
export class TokenStandingLookup {
  private readonly pending = new WeakMap<object, Promise<TokenStanding>>();

  constructor(
    private readonly sessions: SessionsService,
    private readonly blocks: BlocksService,
    private readonly callerReads: TokenCallerReads,
  ) {}

  /** Sends the reads for this request now, if they have not been sent yet. */
  start(request: FastifyRequest, claims: AccessClaims): void {
    if (this.pending.has(request)) return;
    const read = Promise.all([
      this.sessions.check(claims.sub, claims.sid),
      this.blocks.find({ userId: claims.sub, sessionId: claims.sid }),
    ]).then(([session, block]) => ({ session, block }));
    // A request refused before authentication never asks for the answer: not unhandled.
    read.catch(() => undefined);
    this.pending.set(request, read);
    this.callerReads.start(request, claims.sub);
  }

  /** This request's answer (sent now if the rate limiter did not start it). */
  standingOf(request: FastifyRequest, claims: AccessClaims): Promise<TokenStanding> {
    this.start(request, claims);
    return this.pending.get(request) as Promise<TokenStanding>;
  }
}
