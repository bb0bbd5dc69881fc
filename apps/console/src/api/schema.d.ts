// Written by npm run client (openapi-typescript) from openapi.json, what the console uses only; do not edit.
export type paths = Record<string, never>;
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    AggregateRankDto: {
      provider: string;
      meanRank: number;
    };
    AggregatorClaimsDto: {
      agreement?: number;
      confidence?: number;
      verdict?: string;
      dissent: string[];
    };
    AggregatorDto: {
      provider: string;
      /** @description The fallback aggregator wrote the answer. */
      fallback: boolean;
      /** @enum {string} */
      structured: 'native' | 'prompt' | 'none';
    };
    AnalysisDto: {
      id: string;
      /** @enum {string} */
      status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
      /** @enum {string} */
      mode: 'parallel' | 'sequential' | 'council';
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      startedAt?: string;
      /** Format: date-time */
      completedAt?: string;
      ownerId: string;
      /** @description Answered from an identical earlier request of the same owner. */
      cached: boolean;
      result?: components['schemas']['AnalysisResultDto'];
      /** @description Why the analysis failed (problem details). */
      error?: components['schemas']['AnalysisProblemDto'];
      /** @description What the analysis has cost so far: every billed provider call of every attempt, also while it runs and when it failed. An answer from cache cost nothing (its result.originalUsage tells what the original cost). */
      usage: components['schemas']['AnalysisUsageDto'];
    };
    AnalysisListDto: {
      items: components['schemas']['AnalysisDto'][];
      /** @description Pass as `cursor` for the next page; null on the last one. */
      nextCursor: string | null;
    };
    AnalysisProblemDto: {
      /** @example https://techsapo.dev/problems/insufficient-providers */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance: string;
      requestId: string;
    };
    AnalysisResultDto: {
      /** @description The aggregator's final answer ('' when the cost cap stopped it). */
      answer: string;
      /** @description Measured (see confidenceSignals). */
      confidence: number;
      consensus: components['schemas']['ConsensusDto'];
      degraded: boolean;
      degradedReasons: string[];
      providers: components['schemas']['ProviderReportDto'][];
      /** @description Measured: the peers against the majority, as "name (verdict): summary". */
      dissent: string[];
      security: components['schemas']['ResultSecurityDto'];
      usage: components['schemas']['UsageDto'];
      /** @enum {string} */
      task: 'review' | 'question';
      /** @description The peers' majority verdict. review: no-issues | minor-issues | serious-issues | cannot-tell; question: yes | depends | no | open | cannot-tell. */
      verdict: string;
      /** @description Absent when the cost cap stopped the aggregation (answer is then empty). */
      aggregator?: components['schemas']['AggregatorDto'];
      /** @description What the aggregator said of the peers: claims, never measurements. */
      aggregatorClaims?: components['schemas']['AggregatorClaimsDto'];
      confidenceSignals: components['schemas']['MeasuredSignalDto'][];
      council?: components['schemas']['CouncilReportDto'];
      /** @description A cached result: what the original analysis cost (this request cost nothing). */
      originalUsage?: components['schemas']['UsageDto'];
    };
    AnalysisUsageDto: {
      inputTokens: number;
      outputTokens: number;
      /** @description From the configured prices, in US dollars. */
      costUsd: number;
      /** @description Billed provider calls recorded. */
      calls: number;
      /** @description Calls that gave no usable reply (still billed). */
      failedCalls: number;
      /** @description Calls whose provider reported no usage: their figures are estimated. */
      estimatedCalls: number;
      /** @description Per provider, in the order they were first called. */
      providers: components['schemas']['ProviderUsageDto'][];
    };
    ApiKeyDto: {
      id: string;
      name: string;
      /** @enum {string} */
      role: 'admin' | 'analyst' | 'ci' | 'viewer';
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      expiresAt: string | null;
      /** @description The id of the admin who created it. The key acts only within that user’s rights: it is revoked when they are deleted or disabled, and suspended while they lack its role. */
      createdBy: string;
      /** Format: date-time */
      lastUsedAt: string | null;
      /** @description True while its creator lacks the key’s role: the key is refused (401). */
      suspended: boolean;
    };
    ApiKeyListDto: {
      items: components['schemas']['ApiKeyDto'][];
    };
    AuditActorDto: {
      id?: string;
      username?: string;
      roles?: string[];
      sessionId?: string;
      apiKeyId?: string;
    };
    AuditCheckpointCheckDto: {
      /** @description The head seq the checkpoint saw. */
      seq: number;
      /** @description The hash of that entry. */
      hash: string;
      /**
       * Format: date-time
       * @description When the checkpoint was taken.
       */
      time: string;
      /** @description False when its signature does not match (the checkpoint was altered). */
      authentic: boolean;
    };
    AuditEntryDto: {
      id: string;
      /** @description Position in the chain, from 1, without gaps. */
      seq: number;
      /** Format: date-time */
      timestamp: string;
      /** @enum {string} */
      type: 'http' | 'auth' | 'security' | 'admin' | 'analysis' | 'mcp';
      actor: components['schemas']['AuditActorDto'];
      request: components['schemas']['AuditRequestDto'];
      outcome: components['schemas']['AuditOutcomeDto'];
      /** @description Facts stages recorded (never raw bodies or secrets). */
      details: {
        [key: string]: unknown;
      };
      /** @description Hash of the previous entry (64 zeros for the first). */
      prevHash: string;
      /** @description HMAC-SHA-256 of this entry and prevHash. */
      hash: string;
    };
    AuditOutcomeDto: {
      /** @description HTTP status; 0 for security events. */
      status: number;
      /** @enum {string} */
      decision: 'allowed' | 'denied';
      /** @description Problem code or violation type. */
      reason?: string;
    };
    AuditPageDto: {
      items: components['schemas']['AuditEntryDto'][];
      /** @description Pass as `cursor` for the next page; null at the end. */
      nextCursor: string | null;
    };
    AuditRequestDto: {
      /** @description The server’s request id (the X-Request-Id header of its response). */
      id: string;
      /** @description The X-Request-Id the client sent, when short and of safe characters: the client’s claim, kept apart. */
      clientRequestId?: string;
      /** @description HTTP method; "-" for security events. */
      method: string;
      /** @description Path without query string; "-" for security events. */
      path: string;
      /** @description Matched route pattern. */
      route?: string;
      /**
       * @description Masked client address (IPv4 /24, IPv6 /48).
       * @example 192.168.1.***
       */
      ip: string;
      /**
       * @description Masked user agent.
       * @example Mozilla/***
       */
      userAgent: string;
    };
    AuditVerifyDto: {
      ok: boolean;
      /** @description Entries checked. */
      checked: number;
      /** @description The first seq missing, out of order or altered. */
      firstBrokenSeq?: number;
      /** @description The seq the kept chain starts after (retention). */
      anchoredAt?: number;
      /** @description True when entries a checkpoint saw are gone (the stream truncated, or wiped and begun again); `firstBrokenSeq` is then the first missing seq. */
      truncated?: boolean;
      /** @description The latest signed checkpoint kept outside Redis that the chain was compared with. */
      checkpoint?: components['schemas']['AuditCheckpointCheckDto'];
    };
    BlockDto: {
      id: string;
      /** @enum {string} */
      kind: 'ip' | 'user' | 'session';
      value: string;
      reason: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      expiresAt: string;
      /** @description The admin who set it, or "rate-limiter". */
      createdBy: string;
    };
    BlockListDto: {
      items: components['schemas']['BlockDto'][];
    };
    CheckDto: {
      /** @enum {string} */
      status: 'up' | 'down';
    };
    ConsensusDto: {
      score: number;
      /** @enum {string} */
      level: 'strong' | 'moderate' | 'weak';
      /** @description How the score was measured: measured-peer-agreement, or measured-chain-agreement for a sequential chain. */
      method: string;
      /** @description False for a sequential chain: each step saw the earlier answers. */
      independent: boolean;
      signals: components['schemas']['MeasuredSignalDto'][];
    };
    ConsoleSessionDto: {
      id: string;
      username: string;
      roles: ('admin' | 'analyst' | 'ci' | 'viewer')[];
      sessionId: string;
      /** @description Send it as X-CSRF-Token on every state change (POST, PUT, PATCH, DELETE) made with the cookie. */
      csrfToken: string;
      /** @description Seconds until the cookie (the access token) expires. */
      expiresIn: number;
    };
    CouncilReportDto: {
      reviews: components['schemas']['CouncilReviewDto'][];
      /** @description Best first. */
      aggregateRanking: components['schemas']['AggregateRankDto'][];
      rankingAgreement: components['schemas']['RankingAgreementDto'];
    };
    CouncilReviewDto: {
      reviewer: string;
      /** @description Provider names, best first. */
      ranking: string[];
      critique?: string;
      /** @enum {string} */
      parsedBy: 'json' | 'fallback' | 'none';
    };
    CreatedApiKeyDto: {
      id: string;
      name: string;
      /** @enum {string} */
      role: 'admin' | 'analyst' | 'ci' | 'viewer';
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      expiresAt: string | null;
      /** @description The id of the admin who created it. The key acts only within that user’s rights: it is revoked when they are deleted or disabled, and suspended while they lack its role. */
      createdBy: string;
      /** Format: date-time */
      lastUsedAt: string | null;
      /** @description True while its creator lacks the key’s role: the key is refused (401). */
      suspended: boolean;
      /**
       * @description The key itself (tsk_…), shown only in this response.
       * @example tsk_…
       */
      key: string;
    };
    McpServerDto: {
      /** @example fs */
      name: string;
      /** @enum {string} */
      transport: 'stdio' | 'streamable-http';
      /**
       * @description unresponsive: it did not answer a liveness ping and is being restarted.
       * @enum {string}
       */
      status: 'connecting' | 'connected' | 'unresponsive' | 'error' | 'closed';
      /** @description Tools the upstream offers. */
      toolCount: number;
      /** @description Tools the policy exposes. */
      allowedToolCount: number;
      /** @description How often the proxy restarted or re-initialised it. */
      restarts: number;
      /** @description Why it is not connected. */
      lastError?: string;
    };
    McpServerListDto: {
      items: components['schemas']['McpServerDto'][];
    };
    McpToolDto: {
      /**
       * @description The upstream name.
       * @example read_text_file
       */
      name: string;
      /**
       * @description The name MCP clients call it by: `<server>__<name>`, or when that is not 1 to 64 letters, digits, `_` or `-`, cleaned, cut and suffixed with a digest of the upstream name.
       * @example fs__read_text_file
       */
      clientName: string;
      description: string;
      /**
       * @description The allowed operation it performs; null when denied.
       * @enum {string|null}
       */
      operation: 'search' | 'read' | 'analyze' | 'suggest' | null;
      /** @description MCP tool annotations (readOnlyHint…), as the upstream declared them. */
      annotations: {
        [key: string]: unknown;
      };
      /** @description JSON Schema of the arguments. */
      inputSchema: {
        [key: string]: unknown;
      };
      /** @description SHA-256 of the definition (name, description, schemas, annotations). */
      hash: string;
      /** @description Invisible or bidirectional characters found in the definition (stripped here). */
      hiddenText?: ('tag' | 'bidi' | 'zero-width')[];
      /**
       * @description Why it is not exposed (admin, ?all=true).
       * @enum {string}
       */
      deniedReason?:
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
      /** @description Admin, ?all=true, for a `definition-changed` tool: the definition as it was pinned (name, title, description, schemas, annotations), to review against `definition`. */
      pinnedDefinition?: {
        [key: string]: unknown;
      };
      /** @description Admin, ?all=true, beside `pinnedDefinition`: the definition as the server declares it now (what approving pins). */
      definition?: {
        [key: string]: unknown;
      };
    };
    McpToolListDto: {
      items: components['schemas']['McpToolDto'][];
    };
    MeasuredSignalDto: {
      name: string;
      /** @description Null when it could not be measured (e.g. no peer gave a verdict). */
      value: number | null;
      /** @description Its weight in the score it feeds (docs/wall-bounce.md). */
      weight: number;
      detail?: string;
    };
    PeerAnswerDto: {
      /** @description The answer as the peer gave it (screened, secrets redacted). */
      text: string;
      /** @description review: no-issues | minor-issues | serious-issues | cannot-tell; question: yes | depends | no | open | cannot-tell. */
      verdict: string;
      findings: components['schemas']['PeerFindingDto'][];
      /** @description What the peer said of its own answer (a claim). */
      confidence?: number;
      /**
       * @description none: it answered in prose.
       * @enum {string}
       */
      structured: 'native' | 'prompt' | 'none';
    };
    PeerFindingDto: {
      title: string;
      /** @enum {string} */
      severity: 'info' | 'low' | 'medium' | 'high' | 'critical';
      /** @description E.g. src/db.ts:42. */
      location: string | null;
    };
    /** @description RFC 9457 problem details (application/problem+json). */
    ProblemDetails: {
      /**
       * Format: uri
       * @example https://techsapo.dev/problems/validation-failed
       */
      type: string;
      title: string;
      /** @example 400 */
      status: number;
      detail: string;
      instance: string;
      requestId: string;
      errors?: {
        field: string;
        message: string;
      }[];
    } & {
      [key: string]: unknown;
    };
    ProviderReportDto: {
      name: string;
      model: string;
      /** @enum {string} */
      status: 'ok' | 'failed' | 'timeout' | 'blocked' | 'late';
      latencyMs: number;
      /** @description Every call of it, failed ones included. */
      usage: components['schemas']['UsageDto'];
      /** @description Why the provider did not count. */
      error?: string;
      roles: ('peer' | 'refine' | 'review' | 'aggregator')[];
      answer?: components['schemas']['PeerAnswerDto'];
      /** @description Why its answer is left out of the consensus (it is still shown). */
      excluded?: string;
    };
    ProviderUsageDto: {
      inputTokens: number;
      outputTokens: number;
      /** @description From the configured prices, in US dollars. */
      costUsd: number;
      /** @description Billed provider calls recorded. */
      calls: number;
      /** @description Calls that gave no usable reply (still billed). */
      failedCalls: number;
      /** @description Calls whose provider reported no usage: their figures are estimated. */
      estimatedCalls: number;
      name: string;
      model: string;
      /** @description The roles it was billed in, in the order first seen. */
      roles: ('peer' | 'refine' | 'review' | 'aggregator')[];
    };
    RankingAgreementDto: {
      /** @description Kendall's W with the tie correction; null when not measurable. */
      kendallW: number | null;
      reviewers: number;
      answers: number;
    };
    ReadinessDto: {
      /** @enum {string} */
      status: 'ok' | 'error';
      /** @description One entry per check: redis, queue, integrity, providers (as configured). Only for an admin or the metrics token. */
      checks?: {
        [key: string]: components['schemas']['CheckDto'];
      };
    };
    ResultSecurityDto: {
      flags: components['schemas']['SecurityFlagDto'][];
      allowedOperations: ('read' | 'analyze' | 'suggest')[];
      deniedOperations: ('write' | 'execute' | 'modify')[];
    };
    SecurityFlagDto: {
      /** @description The detector rule, e.g. `self-modification.write-own-code`, `risk.eval`. */
      rule: string;
      /**
       * @description `attempt`: content that tries to change or subvert TechSapo itself, or to inject into a field it interprets (blocked or flagged, and reported as a security event). `risk`: a risky pattern in the code under review, informational only. `secret`: a credential (redacted in answers).
       * @enum {string}
       */
      kind: 'attempt' | 'risk' | 'secret';
      category: string;
      severity: string;
      action: string;
      /** @description Where the text came from: `request` or `provider:<name>`. */
      source: string;
    };
    SessionDto: {
      id: string;
      userId: string;
      username: string;
      roles: ('admin' | 'analyst' | 'ci' | 'viewer')[];
      /**
       * @example [
       *       "read",
       *       "analyze"
       *     ]
       */
      permissions: string[];
      /** @example restricted */
      securityLevel: string;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      lastSeenAt: string;
      /**
       * Format: date-time
       * @description Absolute end of the session.
       */
      expiresAt: string;
      /**
       * @description Masked client address.
       * @example 192.168.1.***
       */
      ip: string;
      /**
       * @description Masked user agent.
       * @example Mozilla/***
       */
      userAgent: string;
    };
    SessionListDto: {
      items: components['schemas']['SessionDto'][];
    };
    UsageDto: {
      inputTokens: number;
      outputTokens: number;
      /** @description From the configured prices, in US dollars. */
      costUsd: number;
    };
    UserDto: {
      id: string;
      username: string;
      roles: ('admin' | 'analyst' | 'ci' | 'viewer')[];
      disabled: boolean;
      /** Format: date-time */
      createdAt: string;
      /** Format: date-time */
      updatedAt: string;
      /** Format: date-time */
      lastLoginAt?: string;
    };
    UserListDto: {
      items: components['schemas']['UserDto'][];
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: {
    /** @description Seconds to wait before trying again (RFC 9110). */
    'Retry-After': number;
    /** @description The authentication scheme to use (RFC 9110). */
    'WWW-Authenticate': string;
    /** @description The address of the created resource. */
    Location: string;
    /** @description Requests allowed in the window closest to its limit. */
    'RateLimit-Limit': number;
    /** @description Requests left in that window. */
    'RateLimit-Remaining': number;
    /** @description Seconds until that window resets. */
    'RateLimit-Reset': number;
    /** @description Every window in force: limit;w=seconds, comma-separated. */
    'RateLimit-Policy': string;
  };
  pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
