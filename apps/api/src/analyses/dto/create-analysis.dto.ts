import { ApiProperty, ApiPropertyOptional } from '@techsapo/core';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { FieldMeaning, FreeText } from '@techsapo/security';
import {
  ANALYSIS_MODES,
  ANALYSIS_TASKS,
  AnalysisMode,
  AnalysisTask,
  TASK_TYPES,
  TaskType,
} from '@techsapo/wall-bounce';
import { MAX_CONTENT_BYTES } from '../../bootstrap/body-limit';

/** The most one analysis may be allowed to cost, in USD. */
export const MAX_COST_USD = 1000;
const PROVIDER_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** At most `max` bytes of UTF-8 (API.md counts the content in bytes, not characters). */
function MaxBytes(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxBytes',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= max,
      defaultMessage: () => `must be at most ${max} bytes of UTF-8`,
    },
  });
}

export class AnalysisMetadataDto {
  @ApiPropertyOptional({
    description:
      'Where the content comes from: a path relative to the repository root (a file or a folder, e.g. `src/db.ts`; `..` may be used as long as the path stays inside the root). A path that leaves the root, an absolute path, or one with encoded or look-alike dots and separators is refused (403 `security-pattern-blocked`).',
    example: 'libs/wall-bounce/src/engine',
  })
  @FieldMeaning('repository-path')
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source?: string;

  @ApiPropertyOptional({ description: 'A reference within the source (e.g. a commit).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  ref?: string;
}

export class CreateAnalysisDto {
  @ApiProperty({
    description:
      'The text to analyse, 1 B … 1 MiB. Code is data here: suspicious patterns are flagged in the result, not refused.',
    minLength: 1,
  })
  @FreeText()
  @IsString()
  @MinLength(1)
  @MaxBytes(MAX_CONTENT_BYTES)
  content!: string;

  @ApiPropertyOptional({ enum: ANALYSIS_MODES, default: 'parallel' })
  @IsOptional()
  @IsIn(ANALYSIS_MODES)
  mode?: AnalysisMode;

  @ApiPropertyOptional({
    description:
      'Configured provider names (at least 2, each once); default: the configured peers. An unknown or repeated name is refused (400) with field errors naming the configured providers.',
    type: [String],
    minItems: 2,
    maxItems: 10,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Matches(PROVIDER_NAME, { each: true, message: 'must be provider names' })
  providers?: string[];

  @ApiPropertyOptional({
    description:
      'The configured provider that writes the final answer (council: the chairman); default: the configured aggregator.',
  })
  @IsOptional()
  @IsString()
  @Matches(PROVIDER_NAME, { message: 'must be a provider name' })
  aggregator?: string;

  @ApiPropertyOptional({ enum: TASK_TYPES })
  @IsOptional()
  @IsIn(TASK_TYPES)
  taskType?: TaskType;

  @ApiPropertyOptional({
    enum: ANALYSIS_TASKS,
    description:
      'What is asked: a review of code or a change, or a question; default: decided from the content.',
  })
  @IsOptional()
  @IsIn(ANALYSIS_TASKS)
  task?: AnalysisTask;

  @ApiPropertyOptional({
    description: `The most this analysis may cost in all, in USD (> 0, at most ${MAX_COST_USD}). No further provider call starts once it is reached; the result is then degraded with the reason. A daily budget may leave less.`,
    minimum: 0,
    exclusiveMinimum: true,
    maximum: MAX_COST_USD,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  @Max(MAX_COST_USD)
  maxCostUsd?: number;

  @ApiPropertyOptional({ description: 'Language of the answer (BCP 47), e.g. en or ja.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{2,3}[A-Za-z0-9-]{0,32}$/, { message: 'must be a language tag' })
  language?: string;

  @ApiPropertyOptional({
    default: true,
    description:
      'An identical earlier request by the same owner may be answered from its result (never across owners).',
  })
  @IsOptional()
  @IsBoolean()
  cache?: boolean;

  @ApiPropertyOptional({ type: AnalysisMetadataDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AnalysisMetadataDto)
  metadata?: AnalysisMetadataDto;
}

export class CreateAnalysisQueryDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 60,
    description:
      'Seconds to wait for the outcome: 200 with the final analysis if it comes in time.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  wait?: number;
}
