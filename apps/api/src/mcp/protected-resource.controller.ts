import { AuditType } from '@techsapo/audit';
import { Controller, Get, Inject, Req } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@techsapo/core';
import { publicBase, Public, securityConfig } from '@techsapo/security';
import type { FastifyRequest } from 'fastify';

export class ProtectedResourceDto {
  @ApiProperty({ description: 'The resource: tokens must name it as their audience.' })
  resource!: string;
  @ApiProperty({
    type: [String],
    description: 'The OpenID Connect issuer whose tokens are accepted (OIDC_ISSUER), if any.',
  })
  authorization_servers!: string[];
  @ApiProperty({ type: [String] }) bearer_methods_supported!: string[];
  @ApiProperty() resource_name!: string;
}

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728) of the MCP endpoint, where MCP clients
 * find the authorization server after a 401 (its WWW-Authenticate names this document).
 */
@ApiTags('mcp')
@AuditType('http')
@Controller('.well-known')
export class ProtectedResourceController {
  constructor(
    @Inject(securityConfig.factory.KEY)
    private readonly config: ConfigType<typeof securityConfig.factory>,
  ) {}

  @Get(['oauth-protected-resource', 'oauth-protected-resource/mcp'])
  @Public()
  @ApiOperation({ summary: 'Protected resource metadata of /mcp (RFC 9728)' })
  @ApiOkResponse({ type: ProtectedResourceDto })
  metadata(@Req() request: FastifyRequest): ProtectedResourceDto {
    const base = publicBase(this.config.publicUrl, request);
    return {
      resource: this.config.oidc?.audience ?? `${base}/mcp`,
      authorization_servers: this.config.oidc ? [this.config.oidc.issuer] : [],
      bearer_methods_supported: ['header'],
      resource_name: 'TechSapo MCP proxy',
    };
  }
}
