import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import {
  addressSubject,
  RateLimitSubject,
  RateLimitTracker,
} from '../../rate-limit/rate-limit-tracker';
import { readCredential } from '../credentials/credential';
import { TokenService } from '../tokens/token.service';
import { TokenStandingLookup } from './token-standing';

/**
 * A request's quota belongs to its session (a token whose signature verifies: a forged one
 * cannot pick another's session), its API key, or else its client address.
 */
@Injectable()
export class IdentityRateLimitTracker extends RateLimitTracker {
  constructor(
    private readonly tokens: TokenService,
    private readonly standing: TokenStandingLookup,
  ) {
    super();
  }

  async subjectOf(request: FastifyRequest): Promise<RateLimitSubject> {
    const credential = readCredential(request);
    if (credential.kind === 'jwt') {
      const claims = await this.tokens.verifyFor(request, credential.token).catch(() => undefined);
      if (claims) {
        return {
          tracker: `s:${claims.sid}`,
          sessionId: claims.sid,
          sendReads: () => this.standing.start(request, claims),
        };
      }
    }
    if (credential.kind === 'api-key') {
      return {
        tracker: `k:${createHash('sha256').update(credential.key).digest('hex').slice(0, 32)}`,
      };
    }
    return addressSubject(request);
  }
}
