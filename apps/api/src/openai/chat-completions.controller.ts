import { AuditType } from '@techsapo/audit';
import { Body, Controller, HttpStatus, Post, Req, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
} from '@techsapo/core';
import type { Principal } from '@techsapo/core';
import { Action, CurrentPrincipal, Secured } from '@techsapo/security';
import { AnalysesService, AnalysisProfiles, isFinal } from '@techsapo/wall-bounce';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestFlags } from '../analyses/request-flags';
import {
  ANALYSIS_ID_HEADER,
  CONSENSUS_HEADER,
  DEGRADED_HEADER,
  toChatCompletion,
} from './chat-completion';
import { chatAnalysisRequest } from './chat-request';
import { pending, streamChatCompletion } from './chat-stream';
import { ChatCompletionChunkDto, ChatCompletionDto } from './dto/chat-completion.dto';
import { CreateChatCompletionDto } from './dto/create-chat-completion.dto';
import { problemAsOpenAiError, problemCode } from './openai-error';

/** As long as OpenAI's SDKs wait by default (10 minutes). */
const MAX_WAIT_SECONDS = 600;

const ABOUT = [
  'OpenAI-compatible: `model` names an analysis profile (GET /v1/models), the messages become the analysis content (each turn labelled with its role), and the answer is the aggregator’s final answer. The same pipeline as POST /api/v1/analyses: authentication (`Authorization: Bearer tsk_…` or a JWT), rate limits, content security, daily budgets and cost caps, cache, audit.',
  '',
  '`usage` is what the whole analysis cost (every peer and aggregator call, measured by the usage ledger; 0 for an answer from cache). The `techsapo` field holds the measured consensus, confidence, verdict, degradation and analysis id (the aggregator’s own figures apart, as `aggregator_claims`); the headers `x-techsapo-analysis-id`, `x-techsapo-consensus` and `x-techsapo-degraded` repeat them. A degraded text answer ends with a visible note.',
  '',
  'With `stream: true`: `chat.completion.chunk` events of the answer as the aggregator writes it, progress as SSE comments, a last chunk with `finish_reason` and `techsapo`, a usage chunk with `stream_options.include_usage`, then `data: [DONE]`; a failed analysis ends with a `data: {"error": …}` event.',
  '',
  'Every failure of this route is OpenAI’s error shape `{ error: { message, type, param, code } }`, not problem+json.',
].join('\n');

@ApiTags('openai')
@AuditType('http')
@Controller('v1')
@ApiExtraModels(ChatCompletionDto, ChatCompletionChunkDto)
export class ChatCompletionsController {
  constructor(
    private readonly analyses: AnalysesService,
    private readonly profiles: AnalysisProfiles,
  ) {}

  @Post('chat/completions')
  @Secured(Action.Create, 'Analysis')
  @ApiOperation({
    summary: 'Chat completion answered by a wall-bounce analysis',
    description: ABOUT,
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({
    description: 'The completion, or (stream) its chunks as server-sent events.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ChatCompletionDto) } },
      'text/event-stream': { schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse({
    description:
      'Invalid, or asks for what an analysis cannot do (tools, images, json_object, a schema outside the strict subset).',
  })
  @ApiNotFoundResponse({ description: '`model_not_found`: no such profile.' })
  @ApiTooManyRequestsResponse({
    description:
      '`insufficient_quota` when the daily budget is spent (`x-should-retry: false`); `rate_limit_exceeded` when rate limited.',
  })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateChatCompletionDto,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const profile = this.profiles.get(body.model);
    const asked = chatAnalysisRequest(body);
    const model = this.profiles.modelOf(profile);
    const json = asked.answerFormat !== undefined;
    const analysis = await this.analyses.create(
      principal,
      { ...this.profiles.choiceOf(profile), ...asked },
      { requestId: request.state.requestId, flags: requestFlags(request) },
    );
    request.state.details.analysisId = analysis.id;
    reply.header(ANALYSIS_ID_HEADER, analysis.id);
    if (body.stream) return this.stream(principal, analysis.id, request, reply, body, model, json);

    const final = await this.analyses.waitFor(principal, analysis.id, MAX_WAIT_SECONDS);
    if (!isFinal(final.status)) {
      request.state.reason = 'analysis-still-running';
      reply.status(HttpStatus.SERVICE_UNAVAILABLE).header('x-should-retry', 'false');
      return void reply.send(pending(final.id));
    }
    if (final.status !== 'completed' || !final.result) {
      const failure = final.error ? problemAsOpenAiError(final.error) : pending(final.id);
      request.state.reason = final.error ? problemCode(final.error) : 'analysis-failed';
      reply.status(final.error?.status ?? HttpStatus.BAD_GATEWAY).header('x-should-retry', 'false');
      return void reply.send(failure);
    }
    reply
      .header(CONSENSUS_HEADER, String(final.result.consensus.score))
      .header(DEGRADED_HEADER, String(final.result.degraded))
      .status(HttpStatus.OK)
      .send(toChatCompletion(final, model, json));
  }

  private async stream(
    principal: Principal,
    id: string,
    request: FastifyRequest,
    reply: FastifyReply,
    body: CreateChatCompletionDto,
    model: string,
    json: boolean,
  ): Promise<void> {
    const events = await this.analyses.follow(principal, id);
    const analysis = await this.analyses.get(principal, id);
    // The response is a stream of our own from here (the audit entry still follows its end).
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(HttpStatus.OK, {
      ...(reply.getHeaders() as Record<string, string>),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const stop = streamChatCompletion(
      events,
      {
        write: (text) => raw.write(text),
        end: () => raw.end(),
        final: () => this.analyses.get(principal, id),
      },
      { analysis, model, json, includeUsage: body.stream_options?.include_usage === true },
    );
    request.raw.on('close', stop);
    raw.on('close', stop);
  }
}
