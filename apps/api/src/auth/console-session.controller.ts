import { AuditType } from '@techsapo/audit';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  ForbiddenError,
  type Principal,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@techsapo/core';
import {
  AuthService,
  consoleCookieToken,
  CurrentPrincipal,
  Public,
  Secured,
} from '@techsapo/security';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  clearConsoleCookie,
  consoleSession,
  principalOfIssued,
  setConsoleCookie,
} from './console-cookie';
import { ConsoleSessionDto } from './dto/console-session.dto';
import { LoginDto } from './dto/login.dto';

/**
 * The console's sign-in: the login use case, its access token kept in an httpOnly,
 * SameSite=Strict cookie, and a CSRF token for the page. Every later request the console
 * makes goes to the public API with that cookie, through the same authentication, roles,
 * limits and audit as a Bearer token.
 */
@ApiTags('auth')
@AuditType('auth')
@Controller('api/v1/auth/console/session')
export class ConsoleSessionController {
  constructor(private readonly auth: AuthService) {}

  @Post()
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Sign in to the console: a session in an httpOnly cookie, and its CSRF token',
    description:
      'The same login as POST /api/v1/auth/login (bans, blocks, audit); the access token is set as the `techsapo_console` cookie (HttpOnly, SameSite=Strict, Path=/, Secure when the request came over TLS) and is not in the body.',
  })
  @ApiOkResponse({ type: ConsoleSessionDto })
  @ApiUnauthorizedResponse({ description: 'Wrong credentials (problem+json).' })
  @ApiTooManyRequestsResponse({ description: 'Temporarily banned or rate limited (Retry-After).' })
  @ApiForbiddenResponse({ description: 'The client address or the user is blocked.' })
  @ApiServiceUnavailableResponse({ description: 'Rate limiting or storage unavailable.' })
  async signIn(
    @Body() body: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsoleSessionDto> {
    const grant = await this.auth.login(body.username, body.password, request);
    setConsoleCookie(request, reply, grant.accessToken, grant.expiresIn);
    return consoleSession(principalOfIssued(grant.accessToken), grant.accessToken);
  }

  @Get()
  @Secured()
  @ApiOperation({
    summary: 'The console session: who is signed in, and the CSRF token (after a reload)',
  })
  @ApiOkResponse({ type: ConsoleSessionDto })
  @ApiForbiddenResponse({
    description: 'Not signed in with the console cookie: not-a-console-session.',
  })
  current(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): ConsoleSessionDto {
    const token = consoleCookieToken(request);
    if (
      !token ||
      request.headers.authorization ||
      request.headers['x-api-key'] ||
      !principal.sessionId
    )
      throw new ForbiddenError('Not signed in with the console cookie.', 'not-a-console-session');
    return consoleSession({ ...principal, sessionId: principal.sessionId }, token);
  }

  @Delete()
  @Secured()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Sign out of the console: the session ends and the cookie is cleared',
    description: 'Needs the X-CSRF-Token header, as every state change made with the cookie.',
  })
  @ApiNoContentResponse({ description: 'Signed out.' })
  async signOut(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(principal);
    clearConsoleCookie(request, reply);
  }
}
