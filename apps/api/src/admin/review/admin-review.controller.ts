import { AuditType } from '@techsapo/audit';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@techsapo/core';
import { Action, PermissionReviewService, Secured } from '@techsapo/security';
import { PermissionReviewDto } from './dto/permission-review.dto';

@ApiTags('admin')
@AuditType('admin')
@Controller('api/v1/admin/review')
export class AdminReviewController {
  constructor(private readonly review: PermissionReviewService) {}

  @Get()
  @Secured(Action.Read, 'PermissionReview')
  @ApiOperation({
    summary: 'Permission review: every user and API key, with what deserves a look',
  })
  @ApiOkResponse({ type: PermissionReviewDto })
  get(): Promise<PermissionReviewDto> {
    return this.review.review();
  }
}
