import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@techsapo/core';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class CheckDto {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error'] }) status!: 'ok' | 'error';
  @ApiPropertyOptional({
    description:
      'One entry per check: redis, queue, integrity, providers (as configured). Only for an admin or the metrics token.',
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(CheckDto) },
  })
  checks?: Record<string, CheckDto>;
}
