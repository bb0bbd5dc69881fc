import { DomainError, FieldError } from '@techsapo/core';
import type { QuotaKind } from '../session/mcp-quotas';

/** MCP_CONFIG cannot be used: the process refuses to start. */
export class McpConfigError extends Error {
  constructor(detail: string) {
    super(`MCP_CONFIG ${detail}`);
    this.name = 'McpConfigError';
  }
}

/** Why a tool is not exposed, or a call was refused: stable codes for audits and clients. */
export type DenialReason =
  | 'unknown-tool'
  | 'explicit-deny'
  | 'not-read-only'
  | 'write-like-name'
  | 'write-like-schema'
  | 'definition-changed'
  | 'pending-approval'
  | 'not-enabled'
  | 'outside-roots'
  | 'scheme-not-enabled'
  | 'poisoned-description'
  | 'invalid-schema';

/** MCP1: the tool is not one of the allowed operations (or does not exist): 403. */
export class McpOperationForbiddenError extends DomainError {
  constructor(
    readonly server: string,
    readonly tool: string,
    readonly reason: DenialReason,
  ) {
    super(
      'mcp-operation-forbidden',
      403,
      'Operation forbidden',
      `The tool "${tool}" of "${server}" is not available: ${reason}. Only search, read, analyze and suggest tools are exposed.`,
      { extensions: { reason, allowedOperations: ['search', 'read', 'analyze', 'suggest'] } },
    );
  }
}

export class McpServerNotFoundError extends DomainError {
  constructor(server: string) {
    super(
      'mcp-server-not-found',
      404,
      'MCP server not found',
      `No MCP server named "${server.slice(0, 60)}".`,
    );
  }
}

/** MCP2/MCP3: arguments refused before anything reaches the upstream. */
export class McpArgumentsRejectedError extends DomainError {
  constructor(
    readonly check: string,
    errors: FieldError[],
  ) {
    super(
      'mcp-arguments-rejected',
      400,
      'Arguments rejected',
      `The tool arguments were refused (${check}).`,
      {
        errors,
        extensions: { check },
      },
    );
  }
}

const QUOTA_NAMES: Record<QuotaKind, string> = {
  'file-reads': 'file reads',
  'network-calls': 'network-reaching calls',
  analyses: 'analyses',
};

export class McpQuotaExceededError extends DomainError {
  constructor(
    readonly quota: QuotaKind,
    limit: number,
    windowSeconds: number,
    retryAfterSeconds: number,
  ) {
    super(
      'mcp-quota-exceeded',
      429,
      'Quota exceeded',
      `You have used your ${limit} ${QUOTA_NAMES[quota]} of this ${windowSeconds}-second window; try again in ${retryAfterSeconds} s.`,
      {
        headers: { 'Retry-After': String(retryAfterSeconds) },
        extensions: { quota, limit, windowSeconds, retryAfterSeconds },
      },
    );
  }
}

/** An approval names the definition it approves: another one is refused (409). */
export class McpApprovalMismatchError extends DomainError {
  constructor(server: string, tool: string, expectedHash: string, currentHash: string) {
    super(
      'mcp-approval-mismatch',
      409,
      'Definition changed',
      `The tool "${tool}" of "${server}" is not the definition you reviewed: its hash is ${currentHash}. Review it again and approve that hash.`,
      { extensions: { expectedHash, currentHash } },
    );
  }
}

export class McpUpstreamTimeoutError extends DomainError {
  constructor(server: string, ms: number) {
    super(
      'mcp-upstream-timeout',
      504,
      'Upstream timeout',
      `"${server}" did not answer within ${ms} ms.`,
    );
  }
}

export class McpUpstreamUnavailableError extends DomainError {
  constructor(server: string) {
    super('mcp-upstream-unavailable', 503, 'Upstream unavailable', `"${server}" is not connected.`);
  }
}

export class McpSessionNotFoundError extends DomainError {
  constructor() {
    super('mcp-session-not-found', 404, 'MCP session not found', 'No such MCP session.');
  }
}

export class McpRequestRefusedError extends DomainError {
  constructor(
    code: 'mcp-host-not-allowed' | 'mcp-origin-not-allowed' | 'mcp-bad-request',
    detail: string,
    status = 403,
  ) {
    super(code, status, status === 403 ? 'Forbidden' : 'Bad request', detail);
  }
}
