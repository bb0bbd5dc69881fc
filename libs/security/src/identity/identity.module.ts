import { Global, Module } from '@nestjs/common';
import { SecurityEventsModule } from '@techsapo/audit';
import { Authenticator } from '../pipeline/authenticator';
import { RateLimitTracker } from '../rate-limit/rate-limit-tracker';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ApiKeysStore } from './api-keys/api-keys.store';
import { AuthService } from './auth/auth.service';
import { LoginBansService } from './auth/login-bans.service';
import { LoginBansStore } from './auth/login-bans.store';
import { PasswordLogin } from './auth/password-login';
import { IdentityAuthenticator } from './authentication/identity-authenticator';
import { OidcVerifier } from './tokens/oidc-verifier';
import { IdentityRateLimitTracker } from './authentication/identity-rate-limit-tracker';
import { TokenCallerReads } from './authentication/token-caller-reads';
import { TokenStandingLookup } from './authentication/token-standing';
import { AdminBootstrap } from './bootstrap/admin-bootstrap';
import { PasswordHasher } from './credentials/password-hasher';
import { identityMetricProviders } from './identity.metrics';
import { PermissionReviewService } from './review/permission-review.service';
import { SessionsService } from './sessions/sessions.service';
import { SessionsStore } from './sessions/sessions.store';
import { TokenService } from './tokens/token.service';
import { UserAdminService } from './users/user-admin.service';
import { UsersService } from './users/users.service';
import { UsersStore } from './users/users.store';

/**
 * Users, sessions, tokens and API keys, and the Authenticator the pipeline's authentication
 * stage uses. Global so that the pipeline (and any role that serves authenticated routes)
 * finds the Authenticator: authentication is part of every request, as the logger is.
 */
@Global()
@Module({
  imports: [SecurityEventsModule],
  providers: [
    ...identityMetricProviders,
    PasswordHasher,
    UsersStore,
    UsersService,
    UserAdminService,
    SessionsStore,
    SessionsService,
    TokenService,
    ApiKeysStore,
    ApiKeysService,
    LoginBansStore,
    LoginBansService,
    PasswordLogin,
    AuthService,
    AdminBootstrap,
    PermissionReviewService,
    OidcVerifier,
    TokenCallerReads,
    TokenStandingLookup,
    IdentityAuthenticator,
    { provide: Authenticator, useExisting: IdentityAuthenticator },
    IdentityRateLimitTracker,
    { provide: RateLimitTracker, useExisting: IdentityRateLimitTracker },
  ],
  exports: [
    TokenCallerReads,
    PermissionReviewService,
    RateLimitTracker,
    Authenticator,
    AuthService,
    UserAdminService,
    UsersService,
    SessionsService,
    ApiKeysService,
  ],
})
export class IdentityModule {}
