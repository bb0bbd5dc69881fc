import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { canonicalJson, describeError, RequestLifecycle, requestLogger } from '@techsapo/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { auditConfig } from '../config/audit.config';
import { SecurityEventService } from '../security-events/security-event.service';
import { auditPath, httpDraft, minimalHttpDraft, securityDraft } from './audit-drafts';
import { AuditWriter } from './audit-writer';

export const AUDIT_ENTRIES_FAILED = 'techsapo_audit_entries_failed_total';

/**
 * AL1: one entry for every response, whatever produced it (handler, guard, filter, body
 * limit, router), taken where every response ends (RequestLifecycle), and one for every
 * security event. An entry that cannot be built is never dropped: a minimal one (method,
 * path, status, principal, reason) takes its place and `techsapo_audit_entries_failed_total`
 * counts it.
 */
@Injectable()
export class AuditRecorder implements OnModuleInit {
  constructor(
    private readonly lifecycle: RequestLifecycle,
    private readonly securityEvents: SecurityEventService,
    private readonly writer: AuditWriter,
    @Inject(auditConfig.factory.KEY)
    private readonly config: ConfigType<typeof auditConfig.factory>,
    @InjectMetric(AUDIT_ENTRIES_FAILED) private readonly failed: Counter<string>,
  ) {}

  onModuleInit(): void {
    this.lifecycle.onCompleted((request, reply) => this.recordResponse(request, reply));
    this.securityEvents.onEvent((line, input) => this.writer.record(securityDraft(line, input)));
  }

  recordResponse(request: FastifyRequest, reply: FastifyReply): void {
    // Probes and scrapes are left out before any work on the path (redaction runs regexes).
    if (this.excluded(request.url)) return;
    try {
      const draft = httpDraft(request, reply, auditPath(request.url));
      // What stages added must serialise, or the whole batch it joins would fail to seal.
      canonicalJson(draft.details);
      this.writer.record(draft);
    } catch (error) {
      this.failed.inc();
      requestLogger(request, AuditRecorder.name).error(
        `audit entry built minimal: ${describeError(error)}`,
      );
      this.writer.record(minimalHttpDraft(request, reply, error));
    }
  }

  /** Whether the path as called starts with an excluded prefix (AUDIT_EXCLUDE_PATHS). */
  private excluded(url: string): boolean {
    for (const prefix of this.config.excludePaths) if (url.startsWith(prefix)) return true;
    return false;
  }
}
