import { ApiProperty, ApiPropertyOptional } from '@techsapo/core';
import { AUDIT_ENTRY_TYPES, AuditEntryType } from '@techsapo/audit';

export class AuditActorDto {
  @ApiPropertyOptional() id?: string;
  @ApiPropertyOptional() username?: string;
  @ApiPropertyOptional({ type: [String] }) roles?: string[];
  @ApiPropertyOptional() sessionId?: string;
  @ApiPropertyOptional() apiKeyId?: string;
}

export class AuditRequestDto {
  @ApiProperty({
    description: 'The server’s request id (the X-Request-Id header of its response).',
  })
  id!: string;
  @ApiPropertyOptional({
    description:
      'The X-Request-Id the client sent, when short and of safe characters: the client’s claim, kept apart.',
  })
  clientRequestId?: string;
  @ApiProperty({ description: 'HTTP method; "-" for security events.' }) method!: string;
  @ApiProperty({ description: 'Path without query string; "-" for security events.' })
  path!: string;
  @ApiPropertyOptional({ description: 'Matched route pattern.' }) route?: string;
  @ApiProperty({
    description: 'Masked client address (IPv4 /24, IPv6 /48).',
    example: '192.168.1.***',
  })
  ip!: string;
  @ApiProperty({ description: 'Masked user agent.', example: 'Mozilla/***' }) userAgent!: string;
}

export class AuditOutcomeDto {
  @ApiProperty({ description: 'HTTP status; 0 for security events.' }) status!: number;
  @ApiProperty({ enum: ['allowed', 'denied'] }) decision!: 'allowed' | 'denied';
  @ApiPropertyOptional({ description: 'Problem code or violation type.' }) reason?: string;
}

export class AuditEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Position in the chain, from 1, without gaps.' }) seq!: number;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ enum: AUDIT_ENTRY_TYPES }) type!: AuditEntryType;
  @ApiProperty({ type: AuditActorDto }) actor!: AuditActorDto;
  @ApiProperty({ type: AuditRequestDto }) request!: AuditRequestDto;
  @ApiProperty({ type: AuditOutcomeDto }) outcome!: AuditOutcomeDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Facts stages recorded (never raw bodies or secrets).',
  })
  details!: Record<string, unknown>;
  @ApiProperty({ description: 'Hash of the previous entry (64 zeros for the first).' })
  prevHash!: string;
  @ApiProperty({ description: 'HMAC-SHA-256 of this entry and prevHash.' }) hash!: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] }) items!: AuditEntryDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null at the end.',
  })
  nextCursor!: string | null;
}

export class AuditCheckpointCheckDto {
  @ApiProperty({ description: 'The head seq the checkpoint saw.' }) seq!: number;
  @ApiProperty({ description: 'The hash of that entry.' }) hash!: string;
  @ApiProperty({ format: 'date-time', description: 'When the checkpoint was taken.' })
  time!: string;
  @ApiProperty({
    description: 'False when its signature does not match (the checkpoint was altered).',
  })
  authentic!: boolean;
}

export class AuditVerifyDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ description: 'Entries checked.' }) checked!: number;
  @ApiPropertyOptional({ description: 'The first seq missing, out of order or altered.' })
  firstBrokenSeq?: number;
  @ApiPropertyOptional({ description: 'The seq the kept chain starts after (retention).' })
  anchoredAt?: number;
  @ApiPropertyOptional({
    description:
      'True when entries a checkpoint saw are gone (the stream truncated, or wiped and begun again); `firstBrokenSeq` is then the first missing seq.',
  })
  truncated?: boolean;
  @ApiPropertyOptional({
    type: () => AuditCheckpointCheckDto,
    description:
      'The latest signed checkpoint kept outside Redis that the chain was compared with.',
  })
  checkpoint?: AuditCheckpointCheckDto;
}
