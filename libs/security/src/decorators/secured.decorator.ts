import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@techsapo/core';
import { Action, SubjectName } from '../policies/action';

export const POLICY = 'techsapo:policy';

export interface RoutePolicy {
  action?: Action;
  subject?: SubjectName;
}

export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

/**
 * The one decorator a protected route carries: the policy the guard enforces, and the
 * security schemes and error responses the OpenAPI document shows. Without arguments the
 * route needs any authenticated principal.
 */
export function Secured(action?: Action, subject?: SubjectName): MethodDecorator & ClassDecorator {
  const policy: RoutePolicy = action && subject ? { action, subject } : {};
  return applyDecorators(
    SetMetadata(POLICY, policy),
    ApiBearerAuth(BEARER_SCHEME),
    ApiSecurity(API_KEY_SCHEME),
    ApiUnauthorizedResponse({ description: 'Not authenticated (problem+json, WWW-Authenticate).' }),
    ApiForbiddenResponse({
      description: 'Not allowed, or a blocked security pattern (problem+json).',
    }),
    ApiTooManyRequestsResponse({
      description: 'Rate limited or banned (problem+json, Retry-After).',
    }),
  );
}
