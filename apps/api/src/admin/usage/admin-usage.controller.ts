import { AuditType } from '@techsapo/audit';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@techsapo/core';
import { Action, Secured } from '@techsapo/security';
import { UsageService } from '@techsapo/wall-bounce';
import { UsageQueryDto } from './dto/usage-query.dto';
import { UsageReportDto } from './dto/usage-report.dto';

@ApiTags('admin')
@AuditType('admin')
@Controller('api/v1/admin/usage')
export class AdminUsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @Secured(Action.Read, 'Usage')
  @ApiOperation({ summary: 'Usage and cost of analyses per owner (user or API key) and UTC day' })
  @ApiOkResponse({ type: UsageReportDto })
  @ApiBadRequestResponse({
    description: 'Not a date, since after until, or more than 31 days (problem+json).',
  })
  report(@Query() query: UsageQueryDto): Promise<UsageReportDto> {
    return this.usage.report(query);
  }
}
