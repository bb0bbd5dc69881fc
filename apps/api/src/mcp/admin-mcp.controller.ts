import { AuditType } from '@techsapo/audit';
import { Body, Controller, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@techsapo/core';
import type { Principal } from '@techsapo/core';
import { McpProxyService } from '@techsapo/mcp-proxy';
import { Action, CurrentPrincipal, Secured } from '@techsapo/security';
import type { FastifyRequest } from 'fastify';
import { ApproveToolDto, ApproveToolResultDto } from './dto/call-tool.dto';
import { restContext } from './mcp-context';

@ApiTags('admin')
@AuditType('admin')
@Controller('api/v1/admin/mcp/servers')
export class AdminMcpController {
  constructor(private readonly proxy: McpProxyService) {}

  @Post(':name/tools/:tool/approve')
  @Secured(Action.Approve, 'McpTool')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Approve the definition of a tool you reviewed (a new tool, or a changed one)',
    description:
      'The body names the hash of the reviewed definition; the upstream is read again and a different definition is refused with 409. The answer says whether the tool is callable now and, if not, why. Prompts are approved as `prompt:<name>` and resource templates as `template:<name>`.',
  })
  @ApiOkResponse({ type: ApproveToolResultDto })
  @ApiNotFoundResponse({ description: 'No such server (problem+json).' })
  @ApiConflictResponse({
    description: 'The definition is not the one reviewed: mcp-approval-mismatch (problem+json).',
  })
  async approve(
    @Param('name') name: string,
    @Param('tool') tool: string,
    @Body() body: ApproveToolDto,
    @Req() request: FastifyRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ApproveToolResultDto> {
    const outcome = await this.proxy.approve(
      restContext(request, principal),
      name,
      tool,
      body.hash,
    );
    return outcome;
  }
}
