import { AuditType } from '@techsapo/audit';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  IdParam,
  type Principal,
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@techsapo/core';
import { Action, CurrentPrincipal, Secured } from '@techsapo/security';
import {
  AnalysesService,
  AnalysisRecord,
  isFinal,
  StreamItem,
  toAnalysis,
} from '@techsapo/wall-bounce';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AnalysisDto, AnalysisListDto } from './dto/analysis.dto';
import { CreateAnalysisDto, CreateAnalysisQueryDto } from './dto/create-analysis.dto';
import { ListAnalysesQueryDto } from './dto/list-analyses.query';
import { requestFlags } from './request-flags';

const BASE = '/api/v1/analyses';

const EVENTS_DESCRIPTION = [
  'Server-sent events in order (`id` is the seq, `event` the type, `data` the JSON event `{ type, analysisId, seq, at, data }`): the stored ones first, then live ones, with `: heartbeat` comments in between; the stream ends after `completed` or `failed`, when the analysis is deleted, or when the serving instance stops. Reconnect with `Last-Event-ID` to receive only what followed.',
  '',
  'Event types and their `data`:',
  '- `queued` `{ mode }`',
  '- `started` `{ attempt }`: a worker starts a run; `attempt` > 1 after a worker stopped and another took the analysis over.',
  '- `provider_abandoned` `{ provider, role, step?, attempt, reason }`: a call that an earlier attempt started and never ended (its worker stopped), sent before the next `started`.',
  '- `provider_started` `{ provider, role: peer|refine|review|aggregator, step? }`',
  '- `provider_completed` `{ provider, role, step?, latencyMs, inputTokens, outputTokens }`',
  '- `provider_failed` `{ provider, role, step?, status, reason }`',
  '- `answer` `{ provider, … }`: a peer’s answer as it arrives.',
  '- `review_completed` `{ provider, parsedBy }` (council)',
  '- `aggregating` `{ provider }`',
  '- `answer_delta` `{ provider, … }`: a piece of the final answer as it is written.',
  '- `completed` `{ status, degraded, confidence, consensus, usage, cached?, originalUsage? }`',
  '- `failed` `{ status, error, usage }`',
].join('\n');

@ApiTags('analyses')
@AuditType('analysis')
@Controller('api/v1/analyses')
export class AnalysesController {
  constructor(private readonly analyses: AnalysesService) {}

  @Post()
  @Secured(Action.Create, 'Analysis')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Submit content for a multi-LLM analysis',
    description:
      '202 with the queued analysis and its Location. With `?wait=N` (N ≤ 60 s): 200 with the final analysis if it finishes in time, else 202.',
  })
  @ApiAcceptedResponse({
    type: AnalysisDto,
    description: 'Accepted (Location names it).',
    headers: { Location: { $ref: '#/components/headers/Location' } },
  })
  @ApiOkResponse({ type: AnalysisDto, description: 'Finished within `wait` seconds.' })
  @ApiTooManyRequestsResponse({
    description:
      '`budget-exceeded` when the daily budget of the user or API key is spent (problem+json with `budget: { kind, id, dailyUsd, spentUsd, resetsAt }`, Retry-After until midnight UTC): nothing is queued or called. An identical earlier answer from cache costs nothing and is still served.',
  })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateAnalysisDto,
    @Query() query: CreateAnalysisQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AnalysisDto> {
    let analysis: AnalysisRecord = await this.analyses.create(principal, body, {
      requestId: request.state.requestId,
      flags: requestFlags(request),
    });
    request.state.details.analysisId = analysis.id;
    if (analysis.cached) request.state.details.cached = true;
    if (query.wait) analysis = await this.analyses.waitFor(principal, analysis.id, query.wait);
    reply.header('Location', `${BASE}/${analysis.id}`);
    if (query.wait && isFinal(analysis.status)) reply.status(HttpStatus.OK);
    return toAnalysis(analysis);
  }

  @Get()
  @Secured(Action.Read, 'Analysis')
  @ApiOperation({ summary: 'List own analyses (administrators: all), newest first' })
  @ApiOkResponse({ type: AnalysisListDto })
  @ApiBadRequestResponse({ description: 'Invalid query (e.g. a cursor not from this list).' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListAnalysesQueryDto,
  ): Promise<AnalysisListDto> {
    const page = await this.analyses.list(principal, query);
    return { items: page.items.map(toAnalysis), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @Secured(Action.Read, 'Analysis')
  @ApiOperation({ summary: 'One analysis (another user’s is 404)' })
  @ApiOkResponse({ type: AnalysisDto })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<AnalysisDto> {
    return toAnalysis(await this.analyses.get(principal, id));
  }

  @Get(':id/events')
  @Secured(Action.Read, 'Analysis')
  @ApiOperation({
    summary: 'Progress events (SSE)',
    description: EVENTS_DESCRIPTION,
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description:
      'The `id` (seq) of the last event received: only later events are sent. Anything else than the seq of a stored event of this analysis is refused (400).',
  })
  @ApiBadRequestResponse({ description: 'A malformed or unknown Last-Event-ID (problem+json).' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'text/event-stream; each `data:` is a JSON AnalysisEvent.',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  async events(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // The access and resume checks come first, so a 404 or 400 is an ordinary problem+json.
    const stream = await this.analyses.follow(principal, id, lastEventId);
    // From here the response is a stream of our own (Fastify's onResponse hooks, and so the
    // audit entry, still run when it ends).
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    raw.write(': stream\n\n');
    const subscription = stream.subscribe({
      next: (item) => raw.write(formatSse(item)),
      error: () => raw.end(),
      complete: () => raw.end(),
    });
    raw.on('close', () => subscription.unsubscribe());
  }

  @Delete(':id')
  @Secured(Action.Delete, 'Analysis')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Cancel (if queued or running) and erase content and result' })
  @ApiNoContentResponse({ description: 'Cancelled and erased.' })
  async delete(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    request.state.details.analysisId = id;
    await this.analyses.delete(principal, id);
  }
}

/** One SSE message: an event (`id` is its seq), or a heartbeat comment. */
function formatSse(item: StreamItem): string {
  if ('heartbeat' in item) return `: heartbeat ${item.heartbeat}\n\n`;
  const { event } = item;
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
