import { ApiProperty, ApiPropertyOptional } from '@techsapo/core';
import { ANALYSIS_MODES, type AnalysisMode } from '@techsapo/wall-bounce';

export class CompletionUsageDto {
  @ApiProperty({ description: 'Input tokens of every call of the analysis.' })
  prompt_tokens!: number;
  @ApiProperty({ description: 'Output tokens of every call of the analysis.' })
  completion_tokens!: number;
  @ApiProperty()
  total_tokens!: number;
}

export class ExtensionConsensusDto {
  @ApiProperty({ minimum: 0, maximum: 1 }) score!: number;
  @ApiProperty({ enum: ['strong', 'moderate', 'weak'] }) level!: string;
  @ApiProperty() method!: string;
  @ApiProperty({ description: 'False for a sequential chain (each step saw the earlier ones).' })
  independent!: boolean;
}

export class ExtensionProviderDto {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['ok', 'failed', 'timeout', 'blocked', 'late'] }) status!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
}

export class CompletionExtensionDto {
  @ApiProperty({ description: 'The analysis behind the completion (GET /api/v1/analyses/{id}).' })
  analysis_id!: string;
  @ApiProperty({ example: 'techsapo/parallel' }) profile!: string;
  @ApiProperty({ description: 'Answered from an identical earlier request of the same owner.' })
  cached!: boolean;
  @ApiProperty({ description: 'Below a gate, or a provider or step failed: see the reasons.' })
  degraded!: boolean;
  @ApiProperty({ type: [String] }) degraded_reasons!: string[];
  @ApiProperty({ type: ExtensionConsensusDto, description: 'Measured from the peers’ answers.' })
  consensus!: ExtensionConsensusDto;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Measured.' }) confidence!: number;
  @ApiProperty({ description: 'The peers’ majority verdict, measured.' }) verdict!: string;
  @ApiProperty({ type: [String] }) dissent!: string[];
  @ApiProperty({ description: 'What the analysis cost, USD (0 from cache).' }) cost_usd!: number;
  @ApiProperty({ type: [ExtensionProviderDto] }) providers!: ExtensionProviderDto[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'What the aggregator said of itself and the peers: claims, not measurements.',
  })
  aggregator_claims?: Record<string, unknown>;
}

class AssistantMessageDto {
  @ApiProperty({ enum: ['assistant'] }) role!: 'assistant';
  @ApiProperty({
    description:
      'The final answer (JSON text with response_format json_schema); a degraded text answer ends with a visible note.',
  })
  content!: string;
  @ApiProperty({ type: 'string', nullable: true, enum: [null] }) refusal!: null;
}

class CompletionChoiceDto {
  @ApiProperty({ enum: [0] }) index!: 0;
  @ApiProperty({ type: AssistantMessageDto }) message!: AssistantMessageDto;
  @ApiProperty({ enum: ['stop'] }) finish_reason!: 'stop';
  @ApiProperty({ type: 'string', nullable: true, enum: [null] }) logprobs!: null;
}

export class ChatCompletionDto {
  @ApiProperty({ example: 'chatcmpl-…' }) id!: string;
  @ApiProperty({ enum: ['chat.completion'] }) object!: 'chat.completion';
  @ApiProperty({ description: 'Unix seconds.' }) created!: number;
  @ApiProperty() model!: string;
  @ApiProperty({ type: 'string', nullable: true, enum: [null] }) system_fingerprint!: null;
  @ApiProperty({ type: [CompletionChoiceDto] }) choices!: CompletionChoiceDto[];
  @ApiProperty({ type: CompletionUsageDto }) usage!: CompletionUsageDto;
  @ApiProperty({ type: CompletionExtensionDto }) techsapo!: CompletionExtensionDto;
}

class ChunkDeltaDto {
  @ApiPropertyOptional({ enum: ['assistant'] }) role?: 'assistant';
  @ApiPropertyOptional() content?: string;
}

class ChunkChoiceDto {
  @ApiProperty({ enum: [0] }) index!: 0;
  @ApiProperty({ type: ChunkDeltaDto }) delta!: ChunkDeltaDto;
  @ApiProperty({ type: 'string', nullable: true, enum: ['stop', null] }) finish_reason!:
    'stop' | null;
}

/** One `data:` event of a streamed completion. */
export class ChatCompletionChunkDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['chat.completion.chunk'] }) object!: 'chat.completion.chunk';
  @ApiProperty() created!: number;
  @ApiProperty() model!: string;
  @ApiProperty({ type: [ChunkChoiceDto], description: 'Empty in the usage chunk.' })
  choices!: ChunkChoiceDto[];
  @ApiPropertyOptional({ type: CompletionUsageDto, nullable: true }) usage?: CompletionUsageDto;
  @ApiPropertyOptional({ type: CompletionExtensionDto, description: 'On the last chunk.' })
  techsapo?: CompletionExtensionDto;
}

class ProfileGatesDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) minConfidence?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) minConsensus?: number;
  @ApiPropertyOptional({ enum: ['flag', 'escalate'] }) action?: 'flag' | 'escalate';
}

export class ProfileDto {
  @ApiProperty() description!: string;
  @ApiProperty({ enum: ANALYSIS_MODES }) mode!: AnalysisMode;
  @ApiProperty() builtIn!: boolean;
  @ApiPropertyOptional({ type: [String] }) peers?: string[];
  @ApiPropertyOptional() aggregator?: string;
  @ApiPropertyOptional() maxCostUsd?: number;
  @ApiPropertyOptional({ type: ProfileGatesDto }) gates?: ProfileGatesDto;
}

export class ModelDto {
  @ApiProperty({ example: 'techsapo/council' }) id!: string;
  @ApiProperty({ enum: ['model'] }) object!: 'model';
  @ApiProperty({ description: 'Unix seconds (when this process started).' }) created!: number;
  @ApiProperty({ example: 'techsapo' }) owned_by!: string;
  @ApiProperty({ type: ProfileDto }) techsapo!: ProfileDto;
}

export class ModelListDto {
  @ApiProperty({ enum: ['list'] }) object!: 'list';
  @ApiProperty({ type: [ModelDto] }) data!: ModelDto[];
}
