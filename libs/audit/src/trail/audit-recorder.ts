import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { RequestLifecycle } from '@techsapo/core';
import { auditConfig } from '../config/audit.config';
import { SecurityEventService } from '../security-events/security-event.service';
import { auditPath, httpDraft, securityDraft } from './audit-drafts';
import { AuditWriter } from './audit-writer';

/**
 * AL1: one entry for every response, whatever produced it (handler, guard, filter, body
 * limit, router), taken where every response ends (RequestLifecycle), and one for every
 * security event.
 */
@Injectable()
export class AuditRecorder implements OnModuleInit {
  constructor(
    private readonly lifecycle: RequestLifecycle,
    private readonly securityEvents: SecurityEventService,
    private readonly writer: AuditWriter,
    @Inject(auditConfig.factory.KEY)
    private readonly config: ConfigType<typeof auditConfig.factory>,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onCompleted((request, reply) => {
      if (this.excluded(auditPath(request.url))) return;
      this.writer.record(httpDraft(request, reply));
    });
    this.securityEvents.onEvent((line, input) => this.writer.record(securityDraft(line, input)));
  }

  private excluded(path: string): boolean {
    return this.config.excludePaths.some((prefix) => path.startsWith(prefix));
  }
}
