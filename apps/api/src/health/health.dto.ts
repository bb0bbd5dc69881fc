import { ApiProperty, getSchemaPath } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class CheckDto {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error'] }) status!: 'ok' | 'error';
  @ApiProperty({
    description: 'One entry per check: redis, queue, integrity, providers (as configured).',
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(CheckDto) },
  })
  checks!: Record<string, CheckDto>;
}
