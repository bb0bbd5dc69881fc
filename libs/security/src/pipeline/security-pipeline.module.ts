import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { ProblemDetailsFilter } from '@techsapo/core';
import { DetectionModule } from '../detection/detection.module';
import { AbilityFactory } from '../policies/ability.factory';
import { FileAccessInterceptor } from '../runtime/file-access.interceptor';
import { ReadOnlyRuntimeModule } from '../runtime/runtime.module';
import { AuthenticationGuard } from './authentication.guard';
import { PoliciesGuard } from './policies.guard';
import { RequestSecurityGuard } from './request-security.guard';
import { RoutePolicies } from './route-policies';
import { createValidationPipe } from './validation.pipe';

/**
 * The policy pipeline, registered in this one place and run in this order for every request:
 *
 *   1. authentication   — who is calling (JWT, API key, Basic in development)
 *   2. authorisation    — may this role do this action on this subject (CASL)
 *   3. content security — structured fields (path, query, headers read, body fields not
 *                         @FreeText) scanned by the ContentDetector: web injection or
 *                         self-modification → 403 security-pattern-blocked; free text flagged
 *   4. validation       — DTOs, unknown properties refused
 *   file access         — an interceptor counts permission-model denials (ERR_ACCESS_DENIED)
 *   errors              — one filter turns every failure into problem+json
 *
 * The audit trail and the HTTP metrics listen to the end of every response (RequestLifecycle),
 * so refusals by any stage, the body parser or the router are recorded too.
 */
@Global()
@Module({
  imports: [DiscoveryModule, DetectionModule, ReadOnlyRuntimeModule],
  providers: [
    AbilityFactory,
    RoutePolicies,
    AuthenticationGuard,
    PoliciesGuard,
    RequestSecurityGuard,
    ProblemDetailsFilter,
    { provide: APP_GUARD, useExisting: AuthenticationGuard },
    { provide: APP_GUARD, useExisting: PoliciesGuard },
    { provide: APP_GUARD, useExisting: RequestSecurityGuard },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_INTERCEPTOR, useClass: FileAccessInterceptor },
    { provide: APP_FILTER, useExisting: ProblemDetailsFilter },
  ],
  exports: [AbilityFactory, RoutePolicies, DetectionModule],
})
export class SecurityPipelineModule {}
