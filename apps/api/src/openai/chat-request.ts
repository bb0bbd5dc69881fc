import { type FieldError, ValidationFailedError } from '@techsapo/core';
import { type AnswerFormat, answerFormatProblem } from '@techsapo/wall-bounce';
import { MAX_CONTENT_BYTES } from '../bootstrap/body-limit';
import type { ChatMessageDto, CreateChatCompletionDto } from './dto/create-chat-completion.dto';

/** What a chat completion request asks of an analysis, besides the profile. */
export interface ChatAnalysisRequest {
  content: string;
  answerFormat?: AnswerFormat;
}

const LABELS: Record<string, string> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
};

const emptyChoice = (value: unknown): boolean =>
  value === undefined || value === null || value === 'none' || value === 'auto';
const emptyList = (value: unknown): boolean =>
  value === undefined || value === null || (Array.isArray(value) && value.length === 0);

/**
 * The analysis a chat completion request asks for: its turns as one content, each labelled
 * with its role (system and developer turns as `[system]`, kept apart from the conversation),
 * and the answer format. What TechSapo cannot do — tools and functions, image, audio and file
 * parts, log probabilities, json_object, schemas outside the strict subset — is refused with
 * the field at fault, never dropped silently.
 */
export function chatAnalysisRequest(body: CreateChatCompletionDto): ChatAnalysisRequest {
  const errors: FieldError[] = [];
  const refuse = (field: string, message: string): void => {
    errors.push({ field, message });
  };
  if (!emptyList(body.tools)) refuse('tools', 'are not supported: TechSapo answers without tools');
  if (!emptyList(body.functions))
    refuse('functions', 'are not supported: TechSapo answers without functions');
  if (!emptyChoice(body.tool_choice)) refuse('tool_choice', 'must be none or auto: no tools here');
  if (!emptyChoice(body.function_call))
    refuse('function_call', 'must be none or auto: no functions here');
  if (body.logprobs === true) refuse('logprobs', 'are not available from an analysis');
  const turns = body.messages.map((message, index) => turnOf(message, `messages.${index}`, refuse));
  if (!body.messages.some((m) => m.role === 'user'))
    refuse('messages', 'must contain at least one user turn');
  const content = turns.join('\n\n');
  if (Buffer.byteLength(content, 'utf8') > MAX_CONTENT_BYTES)
    refuse(
      'messages',
      `must be at most ${MAX_CONTENT_BYTES} bytes of UTF-8 together, with their labels`,
    );
  const answerFormat = formatOf(body, refuse);
  if (errors.length > 0)
    throw new ValidationFailedError(errors, 'The request asks for something TechSapo cannot do.');
  return { content, ...(answerFormat ? { answerFormat } : {}) };
}

function turnOf(
  message: ChatMessageDto,
  field: string,
  refuse: (field: string, message: string) => void,
): string {
  if (message.role === 'tool' || message.role === 'function') {
    refuse(
      `${field}.role`,
      `${message.role} turns are not supported: TechSapo answers without tools`,
    );
    return '';
  }
  if (!emptyList(message.tool_calls))
    refuse(`${field}.tool_calls`, 'are not supported: TechSapo answers without tools');
  if (message.tool_call_id !== undefined)
    refuse(`${field}.tool_call_id`, 'is not supported: TechSapo answers without tools');
  if (message.function_call !== undefined && message.function_call !== null)
    refuse(`${field}.function_call`, 'is not supported: TechSapo answers without functions');
  const text = textOf(message.content, `${field}.content`, refuse);
  const label = message.name ? `${LABELS[message.role]}: ${message.name}` : LABELS[message.role];
  return `[${label}]\n${text}`;
}

function textOf(
  content: unknown,
  field: string,
  refuse: (field: string, message: string) => void,
): string {
  if (typeof content === 'string') {
    if (content.trim() === '') refuse(field, 'must not be empty');
    return content;
  }
  if (!Array.isArray(content) || content.length === 0) {
    refuse(field, 'must be a string or a non-empty array of text parts');
    return '';
  }
  const texts: string[] = [];
  content.forEach((part: unknown, index) => {
    const type = (part as { type?: unknown } | null)?.type;
    const text = (part as { text?: unknown } | null)?.text;
    if (type === 'text' && typeof text === 'string') texts.push(text);
    else if (type === 'text') refuse(`${field}.${index}.text`, 'must be a string');
    else
      refuse(
        `${field}.${index}`,
        `${typeof type === 'string' ? type.slice(0, 40) : 'this'} parts are not supported: send text parts only`,
      );
  });
  return texts.join('\n');
}

function formatOf(
  body: CreateChatCompletionDto,
  refuse: (field: string, message: string) => void,
): AnswerFormat | undefined {
  const format = body.response_format;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    refuse('response_format.type', 'json_object is not supported: give a json_schema');
    return undefined;
  }
  if (!format.json_schema) {
    refuse('response_format.json_schema', 'is required with type json_schema');
    return undefined;
  }
  const answerFormat = { name: format.json_schema.name, schema: format.json_schema.schema };
  const problem = answerFormatProblem(answerFormat);
  if (problem) {
    refuse('response_format.json_schema.schema', problem);
    return undefined;
  }
  return answerFormat;
}
