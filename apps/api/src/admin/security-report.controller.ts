import { Controller, Get, Header, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@techsapo/core';
import { AuditTrailService, AuditType, buildSecurityReport } from '@techsapo/audit';
import { Action, Secured } from '@techsapo/security';
import { SecurityReportQueryDto } from './dto/security-report-query.dto';
import { REPORTED_ROUTES } from './reported-routes';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The incident-response summary of `npm run security:report`, for a chosen period, over HTTP. */
@ApiTags('audit')
@AuditType('admin')
@Controller('api/v1/admin/security-report')
@Secured(Action.Read, 'AuditEntry')
export class SecurityReportController {
  constructor(private readonly trail: AuditTrailService) {}

  @Get()
  @Header('Content-Type', 'text/markdown; charset=utf-8')
  @ApiOperation({
    summary: 'The security report of a period as Markdown (default: the last 24 hours)',
    description:
      'The same report as `npm run security:report`, without the chain verification (GET /api/v1/admin/audit/verify).',
  })
  @ApiProduces('text/markdown')
  @ApiOkResponse({
    description: 'The report (Markdown).',
    content: { 'text/markdown': { schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({ description: 'Invalid since, until or top (field errors listed)' })
  report(@Query() query: SecurityReportQueryDto): Promise<string> {
    const until = query.until ? new Date(query.until) : new Date();
    const since = query.since ? new Date(query.since) : new Date(until.getTime() - DAY_MS);
    return buildSecurityReport(this.trail.entries(since, until), {
      since,
      until,
      top: query.top,
      routes: REPORTED_ROUTES,
    });
  }
}
