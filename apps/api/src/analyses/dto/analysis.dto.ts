import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ANALYSIS_MODES,
  ANALYSIS_STATUSES,
  AnalysisMode,
  AnalysisStatus,
  CONSENSUS_LEVELS,
  ConsensusLevel,
  PROVIDER_OUTCOMES,
  ProviderOutcome,
} from '@techsapo/wall-bounce';
import { AnalysisUsageDto } from './analysis-usage.dto';

export class UsageDto {
  @ApiProperty({ minimum: 0 }) inputTokens!: number;
  @ApiProperty({ minimum: 0 }) outputTokens!: number;
  @ApiProperty({ minimum: 0, description: 'From the configured prices, in US dollars.' })
  costUsd!: number;
}

export class ConsensusDto {
  @ApiProperty({ minimum: 0, maximum: 1 }) score!: number;
  @ApiProperty({ enum: CONSENSUS_LEVELS }) level!: ConsensusLevel;
  @ApiProperty({ description: 'How the score was measured.' }) method!: string;
}

export class ProviderReportDto {
  @ApiProperty() name!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ enum: PROVIDER_OUTCOMES }) status!: ProviderOutcome;
  @ApiProperty({ minimum: 0 }) latencyMs!: number;
  @ApiProperty({ type: UsageDto }) usage!: UsageDto;
  @ApiPropertyOptional({ description: 'Why the provider did not count.' }) error?: string;
}

export class SecurityFlagDto {
  @ApiProperty() rule!: string;
  @ApiProperty() category!: string;
  @ApiProperty() severity!: string;
  @ApiProperty() action!: string;
  @ApiProperty({ description: 'Where the text came from: `request` or `provider:<name>`.' })
  source!: string;
}

export class ResultSecurityDto {
  @ApiProperty({ type: [SecurityFlagDto] }) flags!: SecurityFlagDto[];
  @ApiProperty({ type: [String], enum: ['read', 'analyze', 'suggest'] })
  allowedOperations!: string[];
  @ApiProperty({ type: [String], enum: ['write', 'execute', 'modify'] })
  deniedOperations!: string[];
}

export class AnalysisResultDto {
  @ApiProperty() answer!: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence!: number;
  @ApiProperty({ type: ConsensusDto }) consensus!: ConsensusDto;
  @ApiProperty() degraded!: boolean;
  @ApiProperty({ type: [String] }) degradedReasons!: string[];
  @ApiProperty({ type: [ProviderReportDto] }) providers!: ProviderReportDto[];
  @ApiProperty({ type: [String] }) dissent!: string[];
  @ApiProperty({ type: ResultSecurityDto }) security!: ResultSecurityDto;
  @ApiProperty({ type: UsageDto }) usage!: UsageDto;
}

export class AnalysisProblemDto {
  @ApiProperty({ example: 'https://techsapo.dev/problems/insufficient-providers' }) type!: string;
  @ApiProperty() title!: string;
  @ApiProperty() status!: number;
  @ApiProperty() detail!: string;
  @ApiProperty() instance!: string;
  @ApiProperty() requestId!: string;
}

export class AnalysisDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ANALYSIS_STATUSES }) status!: AnalysisStatus;
  @ApiProperty({ enum: ANALYSIS_MODES }) mode!: AnalysisMode;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) startedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) completedAt?: string;
  @ApiProperty() ownerId!: string;
  @ApiProperty({
    description: 'Answered from an identical earlier request of the same owner.',
  })
  cached!: boolean;
  @ApiPropertyOptional({ type: AnalysisResultDto }) result?: AnalysisResultDto;
  @ApiPropertyOptional({
    type: AnalysisProblemDto,
    description: 'Why the analysis failed (problem details).',
  })
  error?: AnalysisProblemDto;
  @ApiProperty({
    type: AnalysisUsageDto,
    description:
      'What the analysis has cost so far: every billed provider call of every attempt, also while it runs and when it failed. An answer from cache cost nothing (its result.originalUsage tells what the original cost).',
  })
  usage!: AnalysisUsageDto;
}

export class AnalysisListDto {
  @ApiProperty({ type: [AnalysisDto] }) items!: AnalysisDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last one.',
  })
  nextCursor!: string | null;
}
