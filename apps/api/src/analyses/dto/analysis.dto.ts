import { ApiProperty, ApiPropertyOptional } from '@techsapo/core';
import { KINDS, type Kind } from '@techsapo/detector';
import {
  ANALYSIS_MODES,
  ANALYSIS_STATUSES,
  ANALYSIS_TASKS,
  AnalysisMode,
  AnalysisStatus,
  AnalysisTask,
  CALL_ROLES,
  CallRole,
  CONSENSUS_LEVELS,
  ConsensusLevel,
  FINDING_SEVERITIES,
  FindingSeverity,
  PROVIDER_OUTCOMES,
  ProviderOutcome,
  StructuredBy,
} from '@techsapo/wall-bounce';
import { AnalysisUsageDto } from './analysis-usage.dto';

const STRUCTURED_BY: StructuredBy[] = ['native', 'prompt', 'none'];
const VERDICT_HELP =
  'review: no-issues | minor-issues | serious-issues | cannot-tell; ' +
  'question: yes | depends | no | open | cannot-tell.';

export class UsageDto {
  @ApiProperty({ minimum: 0 }) inputTokens!: number;
  @ApiProperty({ minimum: 0 }) outputTokens!: number;
  @ApiProperty({ minimum: 0, description: 'From the configured prices, in US dollars.' })
  costUsd!: number;
}

export class MeasuredSignalDto {
  @ApiProperty() name!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Null when it could not be measured (e.g. no peer gave a verdict).',
  })
  value!: number | null;
  @ApiProperty({ description: 'Its weight in the score it feeds (docs/wall-bounce.md).' })
  weight!: number;
  @ApiPropertyOptional() detail?: string;
}

export class ConsensusDto {
  @ApiProperty({ minimum: 0, maximum: 1 }) score!: number;
  @ApiProperty({ enum: CONSENSUS_LEVELS }) level!: ConsensusLevel;
  @ApiProperty({
    description:
      'How the score was measured: measured-peer-agreement, or measured-chain-agreement for a sequential chain.',
  })
  method!: string;
  @ApiProperty({ description: 'False for a sequential chain: each step saw the earlier answers.' })
  independent!: boolean;
  @ApiProperty({ type: [MeasuredSignalDto] }) signals!: MeasuredSignalDto[];
}

export class PeerFindingDto {
  @ApiProperty() title!: string;
  @ApiProperty({ enum: FINDING_SEVERITIES }) severity!: FindingSeverity;
  @ApiProperty({ type: String, nullable: true, description: 'E.g. src/db.ts:42.' })
  location!: string | null;
}

export class PeerAnswerDto {
  @ApiProperty({ description: 'The answer as the peer gave it (screened, secrets redacted).' })
  text!: string;
  @ApiProperty({ description: VERDICT_HELP }) verdict!: string;
  @ApiProperty({ type: [PeerFindingDto] }) findings!: PeerFindingDto[];
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1,
    description: 'What the peer said of its own answer (a claim).',
  })
  confidence?: number;
  @ApiProperty({ enum: STRUCTURED_BY, description: 'none: it answered in prose.' })
  structured!: StructuredBy;
}

export class ProviderReportDto {
  @ApiProperty() name!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ enum: PROVIDER_OUTCOMES }) status!: ProviderOutcome;
  @ApiProperty({ minimum: 0 }) latencyMs!: number;
  @ApiProperty({ type: UsageDto, description: 'Every call of it, failed ones included.' })
  usage!: UsageDto;
  @ApiPropertyOptional({ description: 'Why the provider did not count.' }) error?: string;
  @ApiProperty({ enum: CALL_ROLES, isArray: true }) roles!: CallRole[];
  @ApiPropertyOptional({ type: PeerAnswerDto }) answer?: PeerAnswerDto;
  @ApiPropertyOptional({
    description: 'Why its answer is left out of the consensus (it is still shown).',
  })
  excluded?: string;
}

export class AggregatorDto {
  @ApiProperty() provider!: string;
  @ApiProperty({ description: 'The fallback aggregator wrote the answer.' }) fallback!: boolean;
  @ApiProperty({ enum: STRUCTURED_BY }) structured!: StructuredBy;
}

export class AggregatorClaimsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) agreement?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) confidence?: number;
  @ApiPropertyOptional() verdict?: string;
  @ApiProperty({ type: [String] }) dissent!: string[];
}

export class CouncilReviewDto {
  @ApiProperty() reviewer!: string;
  @ApiProperty({ type: [String], description: 'Provider names, best first.' }) ranking!: string[];
  @ApiPropertyOptional() critique?: string;
  @ApiProperty({ enum: ['json', 'fallback', 'none'] }) parsedBy!: 'json' | 'fallback' | 'none';
}

export class AggregateRankDto {
  @ApiProperty() provider!: string;
  @ApiProperty({ minimum: 1 }) meanRank!: number;
}

export class RankingAgreementDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: "Kendall's W with the tie correction; null when not measurable.",
  })
  kendallW!: number | null;
  @ApiProperty() reviewers!: number;
  @ApiProperty() answers!: number;
}

export class CouncilReportDto {
  @ApiProperty({ type: [CouncilReviewDto] }) reviews!: CouncilReviewDto[];
  @ApiProperty({ type: [AggregateRankDto], description: 'Best first.' })
  aggregateRanking!: AggregateRankDto[];
  @ApiProperty({ type: RankingAgreementDto }) rankingAgreement!: RankingAgreementDto;
}

export class SecurityFlagDto {
  @ApiProperty({
    description: 'The detector rule, e.g. `self-modification.write-own-code`, `risk.eval`.',
  })
  rule!: string;
  @ApiProperty({
    enum: KINDS,
    description:
      '`attempt`: content that tries to change or subvert TechSapo itself, or to inject into a field it interprets (blocked or flagged, and reported as a security event). `risk`: a risky pattern in the code under review, informational only. `secret`: a credential (redacted in answers).',
  })
  kind!: Kind;
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
  @ApiProperty({ description: "The aggregator's final answer ('' when the cost cap stopped it)." })
  answer!: string;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Measured (see confidenceSignals).' })
  confidence!: number;
  @ApiProperty({ type: ConsensusDto }) consensus!: ConsensusDto;
  @ApiProperty() degraded!: boolean;
  @ApiProperty({ type: [String] }) degradedReasons!: string[];
  @ApiProperty({ type: [ProviderReportDto] }) providers!: ProviderReportDto[];
  @ApiProperty({
    type: [String],
    description: 'Measured: the peers against the majority, as "name (verdict): summary".',
  })
  dissent!: string[];
  @ApiProperty({ type: ResultSecurityDto }) security!: ResultSecurityDto;
  @ApiProperty({ type: UsageDto }) usage!: UsageDto;
  @ApiProperty({ enum: ANALYSIS_TASKS }) task!: AnalysisTask;
  @ApiProperty({ description: `The peers' majority verdict. ${VERDICT_HELP}` }) verdict!: string;
  @ApiPropertyOptional({
    type: AggregatorDto,
    description: 'Absent when the cost cap stopped the aggregation (answer is then empty).',
  })
  aggregator?: AggregatorDto;
  @ApiPropertyOptional({
    type: AggregatorClaimsDto,
    description: 'What the aggregator said of the peers: claims, never measurements.',
  })
  aggregatorClaims?: AggregatorClaimsDto;
  @ApiProperty({ type: [MeasuredSignalDto] }) confidenceSignals!: MeasuredSignalDto[];
  @ApiPropertyOptional({ type: CouncilReportDto }) council?: CouncilReportDto;
  @ApiPropertyOptional({
    type: UsageDto,
    description: 'A cached result: what the original analysis cost (this request cost nothing).',
  })
  originalUsage?: UsageDto;
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
