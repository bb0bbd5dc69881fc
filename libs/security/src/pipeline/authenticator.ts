import type { Principal } from '@techsapo/core';
import type { FastifyRequest } from 'fastify';

/**
 * Establishes who is calling from the request's credentials (JWT, API key, Basic), or throws
 * UnauthenticatedError. Provided by the identity module.
 */
export abstract class Authenticator {
  abstract authenticate(request: FastifyRequest): Promise<Principal>;
}
