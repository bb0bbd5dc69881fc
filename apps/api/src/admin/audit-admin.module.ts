import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { SecurityReportController } from './security-report.controller';

/** The audit trail's admin endpoints (the trail itself is recorded by AuditModule in every role). */
@Module({ controllers: [AuditController, SecurityReportController] })
export class AuditAdminModule {}
