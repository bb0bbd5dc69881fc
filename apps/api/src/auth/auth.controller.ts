import { AuditType } from '@techsapo/audit';
import { Body, Controller, Get, HttpCode, HttpStatus, Post, Req } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@techsapo/core';
import type { Principal } from '@techsapo/core';
import { AuthService, CurrentPrincipal, Public, Secured } from '@techsapo/security';
import type { FastifyRequest } from 'fastify';
import { LoginDto } from './dto/login.dto';
import { PrincipalDto } from './dto/principal.dto';
import { TokenDto } from './dto/token.dto';

@ApiTags('auth')
@AuditType('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Log in: a session and its access token' })
  @ApiOkResponse({ type: TokenDto })
  @ApiUnauthorizedResponse({ description: 'Wrong credentials (problem+json).' })
  @ApiTooManyRequestsResponse({ description: 'Temporarily banned or rate limited (Retry-After).' })
  @ApiForbiddenResponse({
    description:
      'The client address or the user is blocked (`blocked`, the block’s kind, reason and end named).',
  })
  @ApiServiceUnavailableResponse({ description: 'Rate limiting or storage unavailable.' })
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<TokenDto> {
    return this.auth.login(body.username, body.password, request);
  }

  @Post('refresh')
  @Secured()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Rotate the session: a new session and token; the old ones end',
    description:
      'The old session is claimed atomically: of parallel refreshes with one token exactly one gets a new session; the others, like any later use of the old token, get 401 (`error="invalid_token"`, the session has ended).',
  })
  @ApiOkResponse({ type: TokenDto })
  refresh(
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<TokenDto> {
    return this.auth.refresh(principal, request);
  }

  @Post('logout')
  @Secured()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End the session; its token stops working' })
  @ApiNoContentResponse({ description: 'Logged out.' })
  async logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    await this.auth.logout(principal);
  }

  @Get('me')
  @Secured()
  @ApiOperation({ summary: 'Who the caller is' })
  @ApiOkResponse({ type: PrincipalDto })
  me(@CurrentPrincipal() principal: Principal): PrincipalDto {
    return { ...principal };
  }
}
