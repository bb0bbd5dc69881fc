import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  MessageEvent,
  Param,
  Post,
  Query,
  Req,
  Res,
  Sse,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Principal } from '@techsapo/core';
import { Action, CurrentPrincipal, Secured } from '@techsapo/security';
import {
  AnalysesService,
  AnalysisRecord,
  isFinal,
  SecurityFlag,
  toAnalysis,
} from '@techsapo/wall-bounce';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { AnalysisDto, AnalysisListDto } from './dto/analysis.dto';
import { CreateAnalysisDto, CreateAnalysisQueryDto } from './dto/create-analysis.dto';
import { ListAnalysesQueryDto } from './dto/list-analyses.query';

const BASE = '/api/v1/analyses';

@ApiTags('analyses')
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
  @ApiAcceptedResponse({ type: AnalysisDto, description: 'Accepted (Location names it).' })
  @ApiOkResponse({ type: AnalysisDto, description: 'Finished within `wait` seconds.' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateAnalysisDto,
    @Query() query: CreateAnalysisQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AnalysisDto> {
    const { cache, ...input } = body;
    let analysis: AnalysisRecord = await this.analyses.create(
      principal,
      { ...input, cache },
      { requestId: request.state.requestId, flags: requestFlags(request) },
    );
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
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<AnalysisDto> {
    return toAnalysis(await this.analyses.get(principal, id));
  }

  @Sse(':id/events')
  @Secured(Action.Read, 'Analysis')
  @ApiOperation({
    summary: 'Progress events (SSE)',
    description:
      'Server-sent events in order (`id` is the seq): the stored ones first, then live ones; a `heartbeat` comment in between; the stream ends after `completed` or `failed`, or when the analysis is deleted.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'text/event-stream; each `data:` is a JSON AnalysisEvent.',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
  ): Promise<Observable<MessageEvent>> {
    const stream = await this.analyses.follow(principal, id);
    return stream.pipe(
      map((item): MessageEvent =>
        'event' in item
          ? { type: item.event.type, id: String(item.event.seq), data: item.event }
          : // A comment-only message: clients ignore it, proxies see traffic.
            ({ comment: `heartbeat ${item.heartbeat}` } as MessageEvent),
      ),
    );
  }

  @Delete(':id')
  @Secured(Action.Delete, 'Analysis')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Cancel (if queued or running) and erase content and result' })
  @ApiNoContentResponse({ description: 'Cancelled and erased.' })
  async delete(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    request.state.details.analysisId = id;
    await this.analyses.delete(principal, id);
  }
}

/** The request guard's findings on the free-text content, as result flags. */
function requestFlags(request: FastifyRequest): SecurityFlag[] {
  const findings = request.state.details.securityFlags;
  if (!Array.isArray(findings)) return [];
  return (findings as { rule: string; category: string; severity: string; action: string }[]).map(
    (f) => ({
      rule: f.rule,
      category: f.category,
      severity: f.severity,
      action: f.action,
      source: 'request',
    }),
  );
}
