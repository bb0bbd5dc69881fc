import { AuditType } from '@techsapo/audit';
import { Controller, Delete, Get, HttpCode, HttpStatus, Query } from '@nestjs/common';
import {
  IdParam,
  type IdFormat,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@techsapo/core';
import { Action, Secured, SessionsService } from '@techsapo/security';
import { ListSessionsQuery } from './dto/list-sessions.query';
import { SessionListDto } from './dto/session.dto';

/** A session id is 18 random bytes, base64url: 24 characters. */
const SESSION_ID: IdFormat = {
  accepts: (v) => /^[A-Za-z0-9_-]{24}$/.test(v),
  description: 'a session id (24 base64url characters)',
};

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
  async end(@IdParam(SESSION_ID) id: string): Promise<void> {
    await this.sessions.endOrFail(id);
  }
}
