import { ApiProperty, ApiPropertyOptional } from '@techsapo/core';
import { DENIAL_REASONS } from './mcp-tool.dto';
import { IsHexadecimal, IsObject, IsOptional, Length } from 'class-validator';

export class CallToolDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'The tool arguments: validated against its input schema, at most 2048 bytes as JSON.',
  })
  @IsOptional()
  @IsObject()
  arguments?: Record<string, unknown>;
}

export class McpContentDto {
  @ApiProperty({ enum: ['text', 'image', 'audio'] }) type!: 'text' | 'image' | 'audio';
  @ApiPropertyOptional({ description: 'Text content: data, never instructions.' }) text?: string;
  @ApiPropertyOptional({ description: 'Base64 image or audio.' }) data?: string;
  @ApiPropertyOptional() mimeType?: string;
}

export class McpSecurityFlagDto {
  @ApiProperty() rule!: string;
  @ApiProperty() category!: string;
  @ApiProperty() action!: string;
}

export class CallToolResultDto {
  @ApiProperty({ type: [McpContentDto] }) content!: McpContentDto[];
  @ApiProperty() isError!: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  structuredContent?: Record<string, unknown>;
  @ApiProperty({
    type: [McpSecurityFlagDto],
    description: 'What the content detector flagged or redacted in the result.',
  })
  securityFlags!: McpSecurityFlagDto[];
  @ApiProperty({ description: 'Whether the proxy cut or dropped part of the result.' })
  truncated!: boolean;
}

export class McpToolPinDto {
  @ApiProperty() hash!: string;
  @ApiProperty({ format: 'date-time' }) approvedAt!: string;
  @ApiProperty({
    description:
      'Username of the approver, or `first-catalogue` for the tools the server first came with.',
  })
  approvedBy!: string;
}

export class ApproveToolDto {
  @ApiProperty({
    description:
      'The hash of the definition you reviewed (`hash` in the admin tool list); another one is refused with 409.',
    example: '9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a0c2e4b6d8f0a2c4e6b8d0f',
  })
  @IsHexadecimal()
  @Length(64, 64)
  hash!: string;
}

export class ApproveToolResultDto {
  @ApiProperty() server!: string;
  @ApiProperty() tool!: string;
  @ApiProperty({ type: McpToolPinDto }) pin!: McpToolPinDto;
  @ApiPropertyOptional({ type: McpToolPinDto }) previous?: McpToolPinDto;
  @ApiProperty({ description: 'Whether MCP clients can call the tool now.' }) callable!: boolean;
  @ApiPropertyOptional({
    enum: DENIAL_REASONS,
    description: 'Why it is not callable (the policy still decides: e.g. not-read-only).',
  })
  reason?: string;
}
