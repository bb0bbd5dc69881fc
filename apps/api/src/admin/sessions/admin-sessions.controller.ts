import { AuditType } from '@techsapo/audit';
import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Action, Secured, SessionsService } from '@techsapo/security';
import { ListSessionsQuery } from './dto/list-sessions.query';
import { SessionListDto } from './dto/session.dto';

@ApiTags('admin')
@AuditType('admin')
@Controller('api/v1/admin/sessions')
export class AdminSessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @Secured(Action.Read, 'Session')
  @ApiOperation({ summary: 'List active sessions (addresses and agents masked)' })
  @ApiOkResponse({ type: SessionListDto })
  async list(@Query() query: ListSessionsQuery): Promise<SessionListDto> {
    return { items: await this.sessions.list(query.userId) };
  }

  @Delete(':id')
  @Secured(Action.Delete, 'Session')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End a session; its token stops working at once' })
  @ApiNoContentResponse({ description: 'Ended.' })
  async end(@Param('id') id: string): Promise<void> {
    await this.sessions.endOrFail(id);
  }
}
