import { Global, Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { APP_FILTER, APP_GUARD, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { SecurityEventsModule } from '@techsapo/audit';
import { RedisService } from '@techsapo/core';
import { BlocksService } from '../blocks/blocks.service';
import { BlocksStore } from '../blocks/blocks.store';
import { securityConfig } from '../config/security.config';
import { DetectionModule } from '../detection/detection.module';
import { IdentityModule } from '../identity/identity.module';
import { AbilityFactory } from '../policies/ability.factory';
import { RateLimitProfiles } from '../rate-limit/rate-limit-profiles';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard';
import { RateLimitStore } from '../rate-limit/rate-limit.store';
import { throttlerOptions } from '../rate-limit/throttler-options';
import { FileAccessFilter } from '../runtime/file-access.filter';
import { ReadOnlyRuntimeModule } from '../runtime/runtime.module';
import { AuthenticationGuard } from './authentication.guard';
import { PoliciesGuard } from './policies.guard';
import { RequestSecurityGuard } from './request-security.guard';
import { RoutePolicies } from './route-policies';
import { createValidationPipe } from './validation.pipe';

/**
 * The policy pipeline, registered in this one place and run in this order for every request:
 *
 *   1. rate limiting    — the caller's quota and client-address blocks (Redis, fail closed)
 *   2. authentication   — who is calling (JWT, API key, Basic in development), user and
 *                         session blocks
 *   3. authorisation    — may this role do this action on this subject (CASL)
 *   4. content security — structured fields (path, query, headers read, body fields not
 *                         @FreeText) scanned by the ContentDetector: web injection or
 *                         self-modification → 403 security-pattern-blocked; free text flagged
 *   5. validation       — DTOs, unknown properties refused
 *   errors              — one filter turns every failure into problem+json and counts
 *                         permission-model denials (ERR_ACCESS_DENIED)
 *
 * The audit trail and the HTTP metrics listen to the end of every response (RequestLifecycle),
 * so refusals by any stage, the body parser or the router are recorded too.
 *
 * Global: the pipeline runs on every route, and every feature checks records with the
 * AbilityFactory its authorisation stage uses.
 */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    SecurityEventsModule,
    IdentityModule,
    DetectionModule,
    ReadOnlyRuntimeModule,
    ThrottlerModule.forRootAsync({
      inject: [securityConfig.factory.KEY, RedisService],
      useFactory: (config: ConfigType<typeof securityConfig.factory>, redis: RedisService) =>
        throttlerOptions(config, new RateLimitStore(redis)),
    }),
  ],
  providers: [
    AbilityFactory,
    RoutePolicies,
    BlocksStore,
    BlocksService,
    RateLimitProfiles,
    RateLimitGuard,
    AuthenticationGuard,
    PoliciesGuard,
    RequestSecurityGuard,
    FileAccessFilter,
    { provide: APP_GUARD, useExisting: RateLimitGuard },
    { provide: APP_GUARD, useExisting: AuthenticationGuard },
    { provide: APP_GUARD, useExisting: PoliciesGuard },
    { provide: APP_GUARD, useExisting: RequestSecurityGuard },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useExisting: FileAccessFilter },
  ],
  exports: [AbilityFactory, RoutePolicies, BlocksService, RateLimitProfiles],
})
export class SecurityPipelineModule {}
