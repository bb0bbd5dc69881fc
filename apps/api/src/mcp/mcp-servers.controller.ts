import { AuditType } from '@techsapo/audit';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiGatewayTimeoutResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@techsapo/core';
import type { Principal } from '@techsapo/core';
import { McpContentService, McpProxyService } from '@techsapo/mcp-proxy';
import { Action, BodyScannedByHandler, CurrentPrincipal, Secured } from '@techsapo/security';
import type { FastifyRequest } from 'fastify';
import { CallToolDto, CallToolResultDto } from './dto/call-tool.dto';
import { McpServerListDto } from './dto/mcp-server.dto';
import { ListToolsQuery, McpDefinitionListDto, McpToolListDto } from './dto/mcp-tool.dto';
import { restContext } from './mcp-context';

/** REST twins of the MCP endpoint for CI pipelines: the same decisions as /mcp. */
@ApiTags('mcp')
@AuditType('mcp')
@Controller('api/v1/mcp/servers')
export class McpServersController {
  constructor(
    private readonly proxy: McpProxyService,
    private readonly content: McpContentService,
  ) {}

  @Get()
  @Secured(Action.Read, 'McpServer')
  @ApiOperation({
    summary: 'List the upstream MCP servers and how many of their tools are exposed',
  })
  @ApiOkResponse({ type: McpServerListDto })
  list(): McpServerListDto {
    return { items: this.proxy.listServers() };
  }

  @Get(':name/tools')
  @Secured(Action.Read, 'McpTool')
  @ApiOperation({
    summary: "List a server's allowed tools (admin with ?all=true: denied ones too)",
  })
  @ApiOkResponse({ type: McpToolListDto })
  @ApiNotFoundResponse({ description: 'No such server (problem+json).' })
  tools(
    @Param('name') name: string,
    @Query() query: ListToolsQuery,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
  ): McpToolListDto {
    const all = query.all === true && principal.roles.includes('admin');
    return { items: this.proxy.listTools(restContext(request, principal), name, all) };
  }

  @Get(':name/prompts')
  @Secured(Action.Read, 'McpTool')
  @ApiOperation({
    summary: "List a server's exposed prompts (admin with ?all=true: withheld ones too, to review)",
  })
  @ApiOkResponse({ type: McpDefinitionListDto })
  @ApiNotFoundResponse({ description: 'No such server (problem+json).' })
  prompts(
    @Param('name') name: string,
    @Query() query: ListToolsQuery,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
  ): McpDefinitionListDto {
    return this.definitions(name, 'prompts', query, request, principal);
  }

  @Get(':name/templates')
  @Secured(Action.Read, 'McpTool')
  @ApiOperation({
    summary:
      "List a server's exposed resource templates (admin with ?all=true: withheld ones too, to review)",
  })
  @ApiOkResponse({ type: McpDefinitionListDto })
  @ApiNotFoundResponse({ description: 'No such server (problem+json).' })
  templates(
    @Param('name') name: string,
    @Query() query: ListToolsQuery,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
  ): McpDefinitionListDto {
    return this.definitions(name, 'templates', query, request, principal);
  }

  @Post(':name/tools/:tool/call')
  @Secured(Action.Call, 'McpTool')
  @BodyScannedByHandler()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Call an allowed tool; a forbidden one is 403 mcp-operation-forbidden',
    description:
      'The arguments are judged by the MCP argument guard (schema-aware paths, credentials, self-modification), not by the request scan of other routes.',
  })
  @ApiOkResponse({ type: CallToolResultDto })
  @ApiBadRequestResponse({ description: 'Arguments refused (problem+json with field errors).' })
  @ApiNotFoundResponse({ description: 'No such server (problem+json).' })
  @ApiServiceUnavailableResponse({ description: 'The upstream is not connected (problem+json).' })
  @ApiGatewayTimeoutResponse({ description: 'The upstream did not answer in time (problem+json).' })
  async call(
    @Param('name') name: string,
    @Param('tool') tool: string,
    @Body() body: CallToolDto,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CallToolResultDto> {
    const ctx = restContext(request, principal);
    try {
      const result = await this.proxy.callTool(ctx, name, tool, body.arguments);
      return {
        content: result.content,
        isError: result.isError,
        ...(result.structuredContent ? { structuredContent: result.structuredContent } : {}),
        securityFlags: result.flags,
        truncated: result.truncated,
      };
    } finally {
      request.state.upstreamMs += ctx.upstreamMs ?? 0;
    }
  }

  private definitions(
    name: string,
    kind: 'prompts' | 'templates',
    query: ListToolsQuery,
    request: FastifyRequest,
    principal: Principal,
  ): McpDefinitionListDto {
    const all = query.all === true && principal.roles.includes('admin');
    const ctx = restContext(request, principal);
    return { items: this.content.listDefinitions(ctx, name, kind, all) };
  }
}
