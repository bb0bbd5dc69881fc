import { Injectable, OnModuleInit } from '@nestjs/common';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { type FieldError, type Principal, ValidationFailedError } from '@techsapo/core';
import { type LocalTool, type LocalToolCall, LocalTools } from '@techsapo/mcp-proxy';
import {
  AnalysesService,
  type AnalysisEvent,
  AnalysisProfiles,
  type AnalysisRecord,
  type AnalysisResult,
  PROFILE_PREFIX,
} from '@techsapo/wall-bounce';
import { fromEvent, lastValueFrom, takeUntil, tap } from 'rxjs';
import { MAX_CONTENT_BYTES } from '../bootstrap/body-limit';

export const ANALYZE_TOOL = 'techsapo__analyze';

/** How much of each peer's answer the per-provider summary shows. */
const SUMMARY_CHARS = 280;
const PROVIDER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

interface AnalyzeArguments {
  content: string;
  mode: string;
  peers?: string[];
}

const usageSchema = {
  type: 'object',
  properties: {
    inputTokens: { type: 'number' },
    outputTokens: { type: 'number' },
    costUsd: { type: 'number' },
  },
  required: ['inputTokens', 'outputTokens', 'costUsd'],
};

const OUTPUT_SCHEMA = {
  type: 'object' as const,
  properties: {
    analysisId: { type: 'string' },
    status: { type: 'string', enum: ['completed'] },
    answer: { type: 'string' },
    degraded: { type: 'boolean' },
    degradedReasons: { type: 'array', items: { type: 'string' } },
    consensus: {
      type: 'object',
      description: 'Measured from the peers’ answers.',
      properties: { score: { type: 'number' }, level: { type: 'string' } },
      required: ['score', 'level'],
    },
    confidence: { type: 'number', description: 'Measured.' },
    verdict: { type: 'string' },
    dissent: { type: 'array', items: { type: 'string' } },
    providers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          status: { type: 'string' },
          roles: { type: 'array', items: { type: 'string' } },
          verdict: { type: 'string' },
          summary: { type: 'string' },
          usage: usageSchema,
        },
        required: ['name', 'status', 'roles', 'usage'],
      },
    },
    usage: usageSchema,
    aggregatorClaims: {
      type: 'object',
      description: 'What the aggregator said of itself and the peers: claims, not measurements.',
    },
  },
  required: [
    'analysisId',
    'status',
    'answer',
    'degraded',
    'degradedReasons',
    'consensus',
    'confidence',
    'verdict',
    'dissent',
    'providers',
    'usage',
  ],
};

/**
 * `techsapo__analyze` on /mcp: a wall-bounce analysis for MCP agents, submitted through the
 * same service as POST /api/v1/analyses (the caller's permissions, daily budget, cost caps,
 * cache and audit), counted against the session's own analysis quota. It reports each
 * analysis event as a progress notification and returns the final answer as text plus the
 * measured figures as structured content. Read-only: it reads the content it is given and
 * changes nothing.
 */
@Injectable()
export class AnalyzeTool implements LocalTool, OnModuleInit {
  readonly quota = 'analyses' as const;

  constructor(
    private readonly local: LocalTools,
    private readonly analyses: AnalysesService,
    private readonly profiles: AnalysisProfiles,
  ) {}

  onModuleInit(): void {
    this.local.register(this);
  }

  get definition(): Tool {
    const modes = this.profiles.list().map((p) => p.name);
    return {
      name: ANALYZE_TOOL,
      title: 'TechSapo wall-bounce analysis',
      description:
        'Asks several LLMs the same question or review, measures how far they agree, and has an aggregator write one final answer. Returns the answer, the measured consensus and confidence, the dissent and a summary per provider. Read-only: it analyses the content given and changes nothing. Costs money: every call runs several models.',
      inputSchema: {
        type: 'object',
        properties: {
          content: {
            type: 'string',
            minLength: 1,
            description: 'The question, or the code or change to review (at most 1 MiB).',
          },
          mode: {
            type: 'string',
            enum: modes,
            default: 'parallel',
            description: `The analysis profile: ${this.profiles
              .list()
              .map((p) => `${p.name} (${p.description})`)
              .join('; ')}`,
          },
          peers: {
            type: 'array',
            items: { type: 'string' },
            minItems: 2,
            maxItems: 10,
            description: 'Configured provider names to ask instead of the profile’s peers.',
          },
        },
        required: ['content'],
        additionalProperties: false,
      },
      outputSchema: OUTPUT_SCHEMA,
      annotations: {
        title: 'TechSapo wall-bounce analysis',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    };
  }

  async call({ ctx, arguments: input, progress, signal }: LocalToolCall): Promise<CallToolResult> {
    const args = this.read(input);
    const profile = this.profiles.get(PROFILE_PREFIX + args.mode);
    const principal: Principal = ctx.principal;
    const created = await this.analyses.create(
      principal,
      {
        ...this.profiles.choiceOf(profile),
        content: args.content,
        ...(args.peers ? { providers: args.peers } : {}),
      },
      { requestId: ctx.requestId },
    );
    let step = 0;
    const events = await this.analyses.follow(principal, created.id);
    // Until the analysis ends, or the client cancels (the analysis goes on; REST reads it).
    await lastValueFrom(
      events.pipe(
        takeUntil(fromEvent(signal, 'abort')),
        tap((item) => {
          if ('event' in item && item.event.type !== 'answer_delta')
            progress({ progress: (step += 1), message: describe(item.event) });
        }),
      ),
      { defaultValue: undefined },
    );
    const final = await this.analyses.get(principal, created.id);
    return resultOf(final);
  }

  private read(input: Record<string, unknown>): AnalyzeArguments {
    const errors: FieldError[] = [];
    const { content, mode = 'parallel', peers, ...rest } = input;
    for (const name of Object.keys(rest))
      errors.push({ field: name, message: 'is not a known argument' });
    if (typeof content !== 'string' || content.trim() === '')
      errors.push({ field: 'content', message: 'must be a non-empty string' });
    else if (Buffer.byteLength(content, 'utf8') > MAX_CONTENT_BYTES)
      errors.push({
        field: 'content',
        message: `must be at most ${MAX_CONTENT_BYTES} bytes of UTF-8`,
      });
    const modes = this.profiles.list().map((p) => p.name);
    if (typeof mode !== 'string' || !modes.includes(mode))
      errors.push({ field: 'mode', message: `must be one of ${modes.join(', ')}` });
    if (
      peers !== undefined &&
      (!Array.isArray(peers) ||
        peers.length < 2 ||
        peers.length > 10 ||
        !peers.every((p) => typeof p === 'string' && PROVIDER_NAME.test(p)))
    )
      errors.push({ field: 'peers', message: 'must be 2 to 10 provider names' });
    if (errors.length > 0) throw new ValidationFailedError(errors, 'The arguments are invalid.');
    return {
      content: content as string,
      mode: mode as string,
      ...(peers ? { peers: peers as string[] } : {}),
    };
  }
}

/** One progress line: the event, and the provider and role it concerns. */
function describe(event: AnalysisEvent): string {
  const { provider, role, attempt } = event.data;
  const parts = [event.type.replace(/_/g, ' ')];
  if (typeof provider === 'string') parts.push(provider);
  if (typeof role === 'string') parts.push(`(${role})`);
  if (event.type === 'started' && typeof attempt === 'number') parts.push(`attempt ${attempt}`);
  return parts.join(' ');
}

function resultOf(record: AnalysisRecord): CallToolResult {
  if (record.status !== 'completed' || !record.result) {
    const detail = record.error
      ? `${record.error.title}: ${record.error.detail}`
      : `It is still ${record.status}: read it at /api/v1/analyses/${record.id}.`;
    return {
      isError: true,
      content: [{ type: 'text', text: `Analysis ${record.id} did not complete. ${detail}` }],
    };
  }
  const result: AnalysisResult = record.result;
  const usage = {
    inputTokens: record.usage?.inputTokens ?? 0,
    outputTokens: record.usage?.outputTokens ?? 0,
    costUsd: record.usage?.costUsd ?? 0,
  };
  const figures =
    `Measured consensus ${result.consensus.score} (${result.consensus.level}), confidence ${result.confidence}` +
    (result.degraded ? `; DEGRADED: ${result.degradedReasons.join('; ')}` : '') +
    `. Analysis ${record.id}, ${usage.costUsd} USD.`;
  return {
    content: [{ type: 'text', text: `${result.answer}\n\n---\n${figures}` }],
    structuredContent: {
      analysisId: record.id,
      status: 'completed',
      answer: result.answer,
      degraded: result.degraded,
      degradedReasons: result.degradedReasons,
      consensus: { score: result.consensus.score, level: result.consensus.level },
      confidence: result.confidence,
      verdict: result.verdict,
      dissent: result.dissent,
      providers: result.providers.map((p) => ({
        name: p.name,
        status: p.status,
        roles: p.roles,
        ...(p.answer ? { verdict: p.answer.verdict, summary: summary(p.answer.text) } : {}),
        usage: p.usage,
      })),
      usage,
      ...(result.aggregatorClaims ? { aggregatorClaims: result.aggregatorClaims } : {}),
    },
  };
}

function summary(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SUMMARY_CHARS ? `${flat.slice(0, SUMMARY_CHARS - 1)}…` : flat;
}
