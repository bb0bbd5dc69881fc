import { AuditType } from '@techsapo/audit';
import { Controller, Delete, Get, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@techsapo/core';
import type { Principal } from '@techsapo/core';
import { MCP_RATE_LIMIT_PROFILE, McpEndpoint } from '@techsapo/mcp-proxy';
import {
  Action,
  BodyScannedByHandler,
  CurrentPrincipal,
  ProtectedResource,
  RateLimitProfile,
  Secured,
} from '@techsapo/security';
import type { FastifyReply, FastifyRequest } from 'fastify';

const ABOUT =
  'MCP Streamable HTTP endpoint (JSON-RPC; see the MCP specification). Tools of every upstream appear as `<server>__<tool>` (normalised to 1 to 64 letters, digits, `_` or `-`), only those the policy allows; refusals are tool results with `isError`. Sessions are bound to the principal that opened them. Its rate limits are its own (MCP_RATE_LIMIT_*).';

/**
 * The MCP endpoint for any MCP client. The pipeline (authentication, CASL, content scan,
 * audit) runs as for every route; then the SDK transport takes over the raw response.
 */
@ApiTags('mcp')
@AuditType('mcp')
@Controller('mcp')
@RateLimitProfile(MCP_RATE_LIMIT_PROFILE)
@ProtectedResource('/.well-known/oauth-protected-resource/mcp')
export class McpController {
  constructor(private readonly endpoint: McpEndpoint) {}

  @Post()
  @Secured(Action.Call, 'McpTool')
  @BodyScannedByHandler()
  @ApiOperation({
    summary: 'Send MCP JSON-RPC messages (initialize opens a session)',
    description: ABOUT,
  })
  @ApiOkResponse({ description: 'JSON-RPC response(s), application/json or text/event-stream.' })
  @ApiBadRequestResponse({ description: 'Not an MCP request, or no session (problem+json).' })
  @ApiNotFoundResponse({ description: 'Unknown, ended or foreign Mcp-Session-Id (problem+json).' })
  post(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.endpoint.handle(request, reply, principal);
  }

  @Get()
  @Secured(Action.Call, 'McpTool')
  @ApiOperation({
    summary: 'Open the server-to-client SSE stream of a session',
    description: ABOUT,
  })
  @ApiOkResponse({ description: 'text/event-stream.' })
  @ApiNotFoundResponse({ description: 'Unknown, ended or foreign Mcp-Session-Id (problem+json).' })
  stream(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.endpoint.handle(request, reply, principal);
  }

  @Delete()
  @Secured(Action.Call, 'McpTool')
  @ApiOperation({ summary: 'End a session', description: ABOUT })
  @ApiOkResponse({ description: 'Ended.' })
  @ApiNotFoundResponse({ description: 'Unknown, ended or foreign Mcp-Session-Id (problem+json).' })
  end(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.endpoint.handle(request, reply, principal);
  }
}
