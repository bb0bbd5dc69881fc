import { ApiProperty, ApiPropertyOptional } from '@techsapo/core';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

export const TOOL_OPERATIONS = ['search', 'read', 'analyze', 'suggest'] as const;
export const DENIAL_REASONS = [
  'unknown-tool',
  'explicit-deny',
  'not-read-only',
  'write-like-name',
  'write-like-schema',
  'definition-changed',
  'pending-approval',
  'not-enabled',
  'outside-roots',
  'scheme-not-enabled',
  'poisoned-description',
  'invalid-schema',
] as const;

/** Invisible or bidirectional characters found in a definition (a tool's, a prompt's, a template's). */
const HiddenTextProperty = () =>
  ApiPropertyOptional({
    enum: ['tag', 'bidi', 'zero-width'],
    isArray: true,
    description: 'Invisible or bidirectional characters found in the definition (stripped here).',
  });

/** Why the policy does not expose a definition. */
const DeniedReasonProperty = () =>
  ApiPropertyOptional({
    enum: DENIAL_REASONS,
    description: 'Why it is not exposed (admin, ?all=true).',
  });

export class McpToolDto {
  @ApiProperty({
    example: 'read_text_file',
    description: 'The upstream name.',
  })
  name!: string;
  @ApiProperty({
    example: 'fs__read_text_file',
    description:
      'The name MCP clients call it by: `<server>__<name>`, or when that is not 1 to 64 letters, digits, `_` or `-`, cleaned, cut and suffixed with a digest of the upstream name.',
  })
  clientName!: string;
  @ApiProperty() description!: string;
  @ApiProperty({
    enum: TOOL_OPERATIONS,
    nullable: true,
    type: String,
    description: 'The allowed operation it performs; null when denied.',
  })
  operation!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'MCP tool annotations (readOnlyHint…), as the upstream declared them.',
  })
  annotations!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'JSON Schema of the arguments.',
  })
  inputSchema!: Record<string, unknown>;
  @ApiProperty({
    description: 'SHA-256 of the definition (name, description, schemas, annotations).',
  })
  hash!: string;
  @HiddenTextProperty() hiddenText?: string[];
  @DeniedReasonProperty() deniedReason?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Admin, ?all=true, for a `definition-changed` tool: the definition as it was pinned (name, title, description, schemas, annotations), to review against `definition`.',
  })
  pinnedDefinition?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Admin, ?all=true, beside `pinnedDefinition`: the definition as the server declares it now (what approving pins).',
  })
  definition?: Record<string, unknown>;
}

export class McpToolListDto {
  @ApiProperty({ type: [McpToolDto] }) items!: McpToolDto[];
}

export class McpDefinitionDto {
  @ApiProperty({
    example: 'template:files',
    description:
      'What an approval names: `prompt:<name>` or `template:<name>` (POST /api/v1/admin/mcp/servers/{name}/tools/{pin}/approve).',
  })
  pin!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The prompt (name, title, description, arguments) or resource template (uriTemplate, name, title, description, mimeType), invisible characters stripped.',
  })
  definition!: Record<string, unknown>;
  @ApiProperty({ description: 'SHA-256 of the definition: the hash an approval names.' })
  hash!: string;
  @HiddenTextProperty() hiddenText?: string[];
  @DeniedReasonProperty() deniedReason?: string;
}

export class McpDefinitionListDto {
  @ApiProperty({ type: [McpDefinitionDto] }) items!: McpDefinitionDto[];
}

export class ListToolsQuery {
  @ApiPropertyOptional({ description: 'Admin only: also the denied tools, with deniedReason.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  all?: boolean;
}
