import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { FreeText } from '@techsapo/security';
import { ANALYSIS_MODES, AnalysisMode, TASK_TYPES, TaskType } from '@techsapo/wall-bounce';
import { MAX_CONTENT_BYTES } from '../../bootstrap/body-limit';

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
  @ApiPropertyOptional({ description: 'Where the content comes from (e.g. a repository).' })
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
    description: 'Provider names (at least 2); default: the configured peers.',
    type: [String],
    minItems: 2,
    maxItems: 10,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { each: true, message: 'must be provider names' })
  providers?: string[];

  @ApiPropertyOptional({ enum: TASK_TYPES })
  @IsOptional()
  @IsIn(TASK_TYPES)
  taskType?: TaskType;

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
