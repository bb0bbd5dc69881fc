import { Controller, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@techsapo/core';
import { McpProxyService } from '@techsapo/mcp-proxy';
import { Action, CurrentPrincipal, Secured } from '@techsapo/security';
import type { FastifyRequest } from 'fastify';
import { ApproveToolResultDto } from './dto/call-tool.dto';
import { restContext } from './mcp-context';

@ApiTags('admin')
@Controller('api/v1/admin/mcp/servers')
export class AdminMcpController {
  constructor(private readonly proxy: McpProxyService) {}

  @Post(':name/tools/:tool/approve')
  @Secured(Action.Approve, 'McpTool')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Approve a tool's current definition (after it changed since it was pinned)",
  })
  @ApiOkResponse({ type: ApproveToolResultDto })
  @ApiNotFoundResponse({ description: 'No such server (problem+json).' })
  async approve(
    @Param('name') name: string,
    @Param('tool') tool: string,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ApproveToolResultDto> {
    const {
      server,
      tool: approved,
      pin,
      previous,
    } = await this.proxy.approve(restContext(request, principal), name, tool);
    return { server, tool: approved, pin, ...(previous ? { previous } : {}) };
  }
}
