import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@techsapo/core';
import { AuditTrailService, AuditType } from '@techsapo/audit';
import { Action, Secured } from '@techsapo/security';
import { Readable } from 'node:stream';
import { AuditPageDto, AuditVerifyDto } from './dto/audit-entry.dto';
import { AuditListQueryDto, AuditRangeQueryDto } from './dto/audit-query.dto';

const date = (value?: string): Date | undefined => (value ? new Date(value) : undefined);

@ApiTags('audit')
@AuditType('admin')
@Controller('api/v1/admin/audit')
@Secured(Action.Read, 'AuditEntry')
export class AuditController {
  constructor(private readonly trail: AuditTrailService) {}

  @Get()
  @ApiOperation({ summary: 'Audit entries, newest first, filtered, with cursor pagination' })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiBadRequestResponse({ description: 'Invalid filter, limit or cursor (field errors listed)' })
  list(@Query() query: AuditListQueryDto): Promise<AuditPageDto> {
    return this.trail.list({ ...query, since: date(query.since), until: date(query.until) });
  }

  @Get('verify')
  @ApiOperation({ summary: 'Verify the hash chain; names the first broken seq' })
  @ApiOkResponse({ type: AuditVerifyDto })
  verify(): Promise<AuditVerifyDto> {
    return this.trail.verify();
  }

  @Get('export')
  @ApiOperation({ summary: 'Export entries oldest first as NDJSON, one AuditEntry a line' })
  @ApiProduces('application/x-ndjson')
  @ApiBadRequestResponse({ description: 'Invalid since or until (field errors listed)' })
  @ApiOkResponse({
    description: 'One AuditEntry (JSON) per line.',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  export(@Query() query: AuditRangeQueryDto): StreamableFile {
    const entries = this.trail.entries(date(query.since), date(query.until));
    const lines = async function* (): AsyncGenerator<string> {
      for await (const entry of entries) yield `${JSON.stringify(entry)}\n`;
    };
    return new StreamableFile(Readable.from(lines()), {
      type: 'application/x-ndjson',
      disposition: 'attachment; filename="audit.ndjson"',
    });
  }
}
