import { ApiProperty, ApiPropertyOptional } from '@techsapo/core';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { FreeText } from '@techsapo/security';

export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

export class ChatMessageDto {
  @ApiProperty({
    enum: CHAT_ROLES,
    description:
      '`system` and `developer` turns become the instructions, `user` and `assistant` turns the conversation; `tool` and `function` turns are refused (400).',
  })
  @IsIn(CHAT_ROLES)
  role!: ChatRole;

  @ApiPropertyOptional({
    description:
      'A string, or an array of `{ type: "text", text }` parts. Image, audio and file parts are refused (400).',
    oneOf: [
      { type: 'string' },
      {
        type: 'array',
        items: {
          type: 'object',
          properties: { type: { type: 'string' }, text: { type: 'string' } },
          required: ['type'],
        },
      },
    ],
    nullable: true,
  })
  @Allow()
  content?: unknown;

  @ApiPropertyOptional({ description: 'A participant name; shown with its turn.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'must be 1 to 64 letters, digits, _ or -' })
  name?: string;

  @ApiPropertyOptional({ description: 'Refused (400): no tools here.' })
  @Allow()
  tool_calls?: unknown;

  @ApiPropertyOptional({ description: 'Refused (400): no tools here.' })
  @Allow()
  tool_call_id?: unknown;

  @ApiPropertyOptional({ description: 'Refused (400): no functions here.' })
  @Allow()
  function_call?: unknown;

  @ApiPropertyOptional({ description: 'An assistant turn’s refusal text; ignored.' })
  @Allow()
  refusal?: unknown;
}

export class JsonSchemaFormatDto {
  @ApiProperty({ description: 'The format’s name: 1 to 64 letters, digits, `_` or `-`.' })
  @IsString()
  @Matches(/^[a-zA-Z0-9_-]{1,64}$/, { message: 'must be 1 to 64 letters, digits, _ or -' })
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'A JSON Schema in OpenAI’s strict subset with an object at its root: every property required, `additionalProperties: false`. Other shapes are refused (400) with the reason.',
  })
  @FreeText()
  @IsObject()
  schema!: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Always enforced here (the final answer is validated against the schema).',
  })
  @IsOptional()
  @IsBoolean()
  strict?: boolean;
}

export class ResponseFormatDto {
  @ApiProperty({
    enum: ['text', 'json_schema', 'json_object'],
    description: '`json_object` is refused (400): give a `json_schema`.',
  })
  @IsIn(['text', 'json_schema', 'json_object'])
  type!: 'text' | 'json_schema' | 'json_object';

  @ApiPropertyOptional({ type: JsonSchemaFormatDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => JsonSchemaFormatDto)
  json_schema?: JsonSchemaFormatDto;
}

export class StreamOptionsDto {
  @ApiPropertyOptional({ description: 'A last chunk with `usage` (and no choices) before [DONE].' })
  @IsOptional()
  @IsBoolean()
  include_usage?: boolean;
}

/**
 * `POST /v1/chat/completions` as OpenAI's SDKs send it. The sampling parameters are accepted
 * and ignored: the profile decides how its peers and aggregator are called.
 */
export class CreateChatCompletionDto {
  @ApiProperty({
    description:
      'An analysis profile: `techsapo/parallel`, `techsapo/council`, `techsapo/sequential` or an administrator’s (GET /v1/models).',
    example: 'techsapo/parallel',
  })
  @IsString()
  @MaxLength(200)
  model!: string;

  @ApiProperty({ type: [ChatMessageDto], minItems: 1, maxItems: 256 })
  @FreeText()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(256)
  @ValidateNested({ each: true })
  @Type(() => ChatMessageDto)
  messages!: ChatMessageDto[];

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ type: StreamOptionsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StreamOptionsDto)
  stream_options?: StreamOptionsDto;

  @ApiPropertyOptional({ type: ResponseFormatDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ResponseFormatDto)
  response_format?: ResponseFormatDto;

  @ApiPropertyOptional({ description: 'Only 1.', default: 1 })
  @IsOptional()
  @Equals(1, { message: 'must be 1: one analysis gives one answer' })
  n?: number;

  @ApiPropertyOptional({ description: 'Refused (400) when not empty: no tools here.' })
  @Allow()
  tools?: unknown;

  @ApiPropertyOptional({ description: 'Refused (400) unless `none` or `auto` without tools.' })
  @Allow()
  tool_choice?: unknown;

  @ApiPropertyOptional({ description: 'Refused (400) when not empty: no functions here.' })
  @Allow()
  functions?: unknown;

  @ApiPropertyOptional({ description: 'Refused (400) unless `none` or `auto`.' })
  @Allow()
  function_call?: unknown;

  @ApiPropertyOptional({ description: 'Refused (400) when true: no log probabilities.' })
  @Allow()
  logprobs?: unknown;

  // Accepted and ignored: the profile decides how the models are called.
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() temperature?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() top_p?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() max_tokens?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() max_completion_tokens?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() presence_penalty?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() frequency_penalty?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() seed?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() stop?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() user?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() store?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() metadata?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() service_tier?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() parallel_tool_calls?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() reasoning_effort?: unknown;
  @ApiPropertyOptional({ description: 'Ignored.' }) @Allow() top_logprobs?: unknown;
}
