import { AuditType } from '@techsapo/audit';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@techsapo/core';
import { Secured } from '@techsapo/security';
import { type AnalysisProfile, AnalysisProfiles } from '@techsapo/wall-bounce';
import { ModelDto, ModelListDto } from './dto/chat-completion.dto';

/** When the profiles came to be: they are configuration, so the process start stands in. */
const STARTED = Math.floor(Date.now() / 1000);

/** The analysis profiles as OpenAI's model list (any authenticated caller may read it). */
@ApiTags('openai')
@AuditType('http')
@Controller('v1/models')
export class ModelsController {
  constructor(private readonly profiles: AnalysisProfiles) {}

  @Get()
  @Secured()
  @ApiOperation({
    summary: 'The analysis profiles, as OpenAI models',
    description:
      'Each profile is a model `techsapo/<name>`; `techsapo` describes it (mode, peers, aggregator, gates, cost cap). Failures in OpenAI’s error shape.',
  })
  @ApiOkResponse({ type: ModelListDto })
  list(): ModelListDto {
    return { object: 'list', data: this.profiles.list().map((p) => this.model(p)) };
  }

  @Get(':model')
  @Secured()
  @ApiOperation({
    summary: 'One analysis profile, its id encoded (techsapo%2Fcouncil), as the SDKs send it',
  })
  @ApiOkResponse({ type: ModelDto })
  @ApiNotFoundResponse({ description: '`model_not_found`.' })
  get(@Param('model') model: string): ModelDto {
    return this.model(this.profiles.get(model));
  }

  @Get(':owner/:name')
  @Secured()
  @ApiOperation({ summary: 'One analysis profile, e.g. /v1/models/techsapo/council' })
  @ApiOkResponse({ type: ModelDto })
  @ApiNotFoundResponse({ description: '`model_not_found`.' })
  getByPath(@Param('owner') owner: string, @Param('name') name: string): ModelDto {
    return this.model(this.profiles.get(`${owner}/${name}`));
  }

  private model(profile: AnalysisProfile): ModelDto {
    return {
      id: this.profiles.modelOf(profile),
      object: 'model',
      created: STARTED,
      owned_by: 'techsapo',
      techsapo: {
        description: profile.description,
        mode: profile.mode,
        builtIn: profile.builtIn,
        ...(profile.peers ? { peers: profile.peers } : {}),
        ...(profile.aggregator ? { aggregator: profile.aggregator } : {}),
        ...(profile.maxCostUsd !== undefined ? { maxCostUsd: profile.maxCostUsd } : {}),
        ...(profile.gates ? { gates: profile.gates } : {}),
      },
    };
  }
}
