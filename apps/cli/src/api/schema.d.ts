// Written by npm run client (openapi-typescript) from openapi.json, what the CLI uses only; do not edit.
export interface paths {
  '/api/v1/analyses': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** List own analyses (administrators: all), newest first */
    get: operations['AnalysesController_list'];
    put?: never;
    /**
     * Submit content for a multi-LLM analysis
     * @description 202 with the queued analysis and its Location. With `?wait=N` (N ≤ 60 s): 200 with the final analysis if it finishes in time, else 202.
     */
    post: operations['AnalysesController_create'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/analyses/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One analysis (another user’s is 404) */
    get: operations['AnalysesController_get'];
    put?: never;
    post?: never;
    /** Cancel (if queued or running) and erase content and result */
    delete: operations['AnalysesController_delete'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/analyses/{id}/events': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Progress events (SSE)
     * @description Server-sent events in order (`id` is the seq, `event` the type, `data` the JSON event `{ type, analysisId, seq, at, data }`): the stored ones first, then live ones, with `: heartbeat` comments in between; the stream ends after `completed` or `failed`, when the analysis is deleted, or when the serving instance stops. Reconnect with `Last-Event-ID` to receive only what followed.
     *
     *     Event types and their `data`:
     *     - `queued` `{ mode }`
     *     - `started` `{ attempt }`: a worker starts a run; `attempt` > 1 after a worker stopped and another took the analysis over.
     *     - `provider_abandoned` `{ provider, role, step?, attempt, reason }`: a call that an earlier attempt started and never ended (its worker stopped), sent before the next `started`.
     *     - `provider_started` `{ provider, role: peer|refine|review|aggregator, step? }`
     *     - `provider_completed` `{ provider, role, step?, latencyMs, inputTokens, outputTokens }`
     *     - `provider_failed` `{ provider, role, step?, status, reason }`
     *     - `answer` `{ provider, … }`: a peer’s answer as it arrives.
     *     - `review_completed` `{ provider, parsedBy }` (council)
     *     - `aggregating` `{ provider }`
     *     - `answer_delta` `{ provider, … }`: a piece of the final answer as it is written.
     *     - `completed` `{ status, degraded, confidence, consensus, usage, cached?, originalUsage? }`
     *     - `failed` `{ status, error, usage }`
     */
    get: operations['AnalysesController_events'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who the caller is */
    get: operations['AuthController_me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
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
    AnalysisMetadataDto: {
      /**
       * @description Where the content comes from: a path relative to the repository root (a file or a folder, e.g. `src/db.ts`; `..` may be used as long as the path stays inside the root). A path that leaves the root, an absolute path, or one with encoded or look-alike dots and separators is refused (403 `security-pattern-blocked`).
       * @example libs/wall-bounce/src/engine
       */
      source?: string;
      /** @description A reference within the source (e.g. a commit). */
      ref?: string;
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
    CreateAnalysisDto: {
      /** @description The text to analyse, 1 B … 1 MiB. Code is data here: suspicious patterns are flagged in the result, not refused. */
      content: string;
      /**
       * @default parallel
       * @enum {string}
       */
      mode?: 'parallel' | 'sequential' | 'council';
      /** @description Configured provider names (at least 2, each once); default: the configured peers. An unknown or repeated name is refused (400) with field errors naming the configured providers. */
      providers?: string[];
      /** @description The configured provider that writes the final answer (council: the chairman); default: the configured aggregator. */
      aggregator?: string;
      /** @enum {string} */
      taskType?: 'basic' | 'premium' | 'critical';
      /**
       * @description What is asked: a review of code or a change, or a question; default: decided from the content.
       * @enum {string}
       */
      task?: 'review' | 'question';
      /** @description The most this analysis may cost in all, in USD (> 0, at most 1000). No further provider call starts once it is reached; the result is then degraded with the reason. A daily budget may leave less. */
      maxCostUsd?: number;
      /** @description Language of the answer (BCP 47), e.g. en or ja. */
      language?: string;
      /**
       * @description An identical earlier request by the same owner may be answered from its result (never across owners).
       * @default true
       */
      cache?: boolean;
      metadata?: components['schemas']['AnalysisMetadataDto'];
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
    PrincipalDto: {
      id: string;
      /** @description The user name; for an API key `api-key:<name>` (its `id` is the key id). */
      username: string;
      roles: ('admin' | 'analyst' | 'ci' | 'viewer')[];
      sessionId?: string;
      apiKeyId?: string;
      /**
       * @description How the caller authenticated (oidc: a token of the configured OpenID issuer).
       * @enum {string}
       */
      method: 'jwt' | 'basic' | 'api-key' | 'oidc';
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
    UsageDto: {
      inputTokens: number;
      outputTokens: number;
      /** @description From the configured prices, in US dollars. */
      costUsd: number;
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
export interface operations {
  AnalysesController_list: {
    parameters: {
      query?: {
        status?: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
        limit?: number;
        /** @description The nextCursor of the previous page. */
        cursor?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AnalysisListDto'];
        };
      };
      /** @description Invalid query (e.g. a cursor not from this list). */
      400: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not authenticated (problem+json, WWW-Authenticate). */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWW-Authenticate'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not allowed, or a blocked security pattern (problem+json). */
      403: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Rate limited or banned (problem+json, Retry-After). */
      429: {
        headers: {
          'Retry-After': components['headers']['Retry-After'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Unexpected error (no internals shown) */
      500: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Storage failing over, or not ready (Retry-After) */
      503: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
    };
  };
  AnalysesController_create: {
    parameters: {
      query?: {
        /** @description Seconds to wait for the outcome: 200 with the final analysis if it comes in time. */
        wait?: number;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        /**
         * @example {
         *       "content": "export const ttl = 60; // how long should Redis keep this?\n",
         *       "mode": "parallel",
         *       "metadata": {
         *         "source": "src/cache.ts"
         *       }
         *     }
         */
        'application/json': components['schemas']['CreateAnalysisDto'];
      };
    };
    responses: {
      /** @description Finished within `wait` seconds. */
      200: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AnalysisDto'];
        };
      };
      /** @description Accepted (Location names it). */
      202: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          Location: components['headers']['Location'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AnalysisDto'];
        };
      };
      /** @description Invalid input (field errors listed) */
      400: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not authenticated (problem+json, WWW-Authenticate). */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWW-Authenticate'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not allowed, or a blocked security pattern (problem+json). */
      403: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Body too large */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Unsupported media type */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /**
       * @description `budget-exceeded` when the daily budget of the user or API key is spent (problem+json with `budget: { kind, id, dailyUsd, spentUsd, resetsAt }`, Retry-After until midnight UTC): nothing is queued or called. An identical earlier answer from cache costs nothing and is still served.
       *
       *     Rate limited or banned (problem+json, Retry-After).
       */
      429: {
        headers: {
          'Retry-After': components['headers']['Retry-After'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Unexpected error (no internals shown) */
      500: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Storage failing over, or not ready (Retry-After) */
      503: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
    };
  };
  AnalysesController_get: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['AnalysisDto'];
        };
      };
      /** @description Invalid input (field errors listed) */
      400: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not authenticated (problem+json, WWW-Authenticate). */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWW-Authenticate'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not allowed, or a blocked security pattern (problem+json). */
      403: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Rate limited or banned (problem+json, Retry-After). */
      429: {
        headers: {
          'Retry-After': components['headers']['Retry-After'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Unexpected error (no internals shown) */
      500: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Storage failing over, or not ready (Retry-After) */
      503: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
    };
  };
  AnalysesController_delete: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Cancelled and erased. */
      204: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content?: never;
      };
      /** @description Invalid input (field errors listed) */
      400: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not authenticated (problem+json, WWW-Authenticate). */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWW-Authenticate'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not allowed, or a blocked security pattern (problem+json). */
      403: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Rate limited or banned (problem+json, Retry-After). */
      429: {
        headers: {
          'Retry-After': components['headers']['Retry-After'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Unexpected error (no internals shown) */
      500: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Storage failing over, or not ready (Retry-After) */
      503: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
    };
  };
  AnalysesController_events: {
    parameters: {
      query?: never;
      header?: {
        /** @description The `id` (seq) of the last event received: only later events are sent. Anything else than the seq of a stored event of this analysis is refused (400). */
        'Last-Event-ID'?: string;
      };
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description text/event-stream; each `data:` is a JSON AnalysisEvent. */
      200: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'text/event-stream': string;
        };
      };
      /** @description A malformed or unknown Last-Event-ID (problem+json). */
      400: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not authenticated (problem+json, WWW-Authenticate). */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWW-Authenticate'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not allowed, or a blocked security pattern (problem+json). */
      403: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not found */
      404: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Rate limited or banned (problem+json, Retry-After). */
      429: {
        headers: {
          'Retry-After': components['headers']['Retry-After'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Unexpected error (no internals shown) */
      500: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Storage failing over, or not ready (Retry-After) */
      503: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
    };
  };
  AuthController_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PrincipalDto'];
        };
      };
      /** @description Not authenticated (problem+json, WWW-Authenticate). */
      401: {
        headers: {
          'WWW-Authenticate': components['headers']['WWW-Authenticate'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not allowed, or a blocked security pattern (problem+json). */
      403: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Rate limited or banned (problem+json, Retry-After). */
      429: {
        headers: {
          'Retry-After': components['headers']['Retry-After'];
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Unexpected error (no internals shown) */
      500: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Storage failing over, or not ready (Retry-After) */
      503: {
        headers: {
          'RateLimit-Limit': components['headers']['RateLimit-Limit'];
          'RateLimit-Remaining': components['headers']['RateLimit-Remaining'];
          'RateLimit-Reset': components['headers']['RateLimit-Reset'];
          'RateLimit-Policy': components['headers']['RateLimit-Policy'];
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
    };
  };
}
