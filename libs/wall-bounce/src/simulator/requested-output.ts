import { schemaCompiles } from '../providers/structured/schema-validator';
import { strictSchemaProblem } from './strict-schema';
import type { RequestedOutput, WireProtocol } from './simulator.types';

/** A request the real API would refuse with 400: the message and, for OpenAI, param and code. */
export interface RequestProblem {
  message: string;
  param?: string;
  code?: string;
}

export type OutputAsk = { output?: RequestedOutput } | { problem: RequestProblem };

const SCHEMA_NAME = /^[a-zA-Z0-9_-]+$/;
const SCHEMA_NAME_MAX = 64;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const TOOL_CHOICES = ['auto', 'any', 'tool', 'none'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What structured output a request asks for, or why the real API would refuse it. */
export function requestedOutput(protocol: WireProtocol, body: Record<string, unknown>): OutputAsk {
  return protocol === 'anthropic' ? anthropicTools(body) : openAiResponseFormat(body);
}

/** OpenAI chat completions: `response_format` text, json_object or json_schema. */
function openAiResponseFormat(body: Record<string, unknown>): OutputAsk {
  const format = body.response_format;
  if (format === undefined || format === null) return {};
  const param = 'response_format';
  if (!isRecord(format)) {
    return { problem: { message: `Invalid type for '${param}': expected an object.`, param } };
  }
  if (format.type === 'text') return {};
  if (format.type === 'json_object') return { output: { feature: 'json_object' } };
  if (format.type !== 'json_schema') {
    return {
      problem: {
        message:
          `Invalid value: '${String(format.type)}'. Supported values are: 'text', ` +
          `'json_object', and 'json_schema'.`,
        param: `${param}.type`,
        code: 'invalid_value',
      },
    };
  }
  const spec = format.json_schema;
  if (!isRecord(spec)) {
    return {
      problem: {
        message: `Missing required parameter: '${param}.json_schema'.`,
        param: `${param}.json_schema`,
        code: 'missing_required_parameter',
      },
    };
  }
  const name = spec.name;
  const nameParam = `${param}.json_schema.name`;
  if (typeof name !== 'string') {
    return {
      problem: {
        message: `Missing required parameter: '${nameParam}'.`,
        param: nameParam,
        code: 'missing_required_parameter',
      },
    };
  }
  if (name.length > SCHEMA_NAME_MAX) {
    return {
      problem: {
        message:
          `Invalid '${nameParam}': string too long. Expected a string with maximum length ` +
          `${SCHEMA_NAME_MAX}, but got a string with length ${name.length} instead.`,
        param: nameParam,
        code: 'string_above_max_length',
      },
    };
  }
  if (!SCHEMA_NAME.test(name)) {
    return {
      problem: {
        message:
          `Invalid '${nameParam}': string does not match pattern. Expected a string that ` +
          `matches the pattern '${SCHEMA_NAME.source}'.`,
        param: nameParam,
        code: 'invalid_value',
      },
    };
  }
  const strict = spec.strict === true;
  const schema = spec.schema;
  if (schema !== undefined && !isRecord(schema)) {
    return {
      problem: {
        message: `Invalid type for '${param}.json_schema.schema': expected an object.`,
        param: `${param}.json_schema.schema`,
        code: 'invalid_type',
      },
    };
  }
  if (strict) {
    const problem = strictSchemaProblem(name, schema);
    if (problem) return { problem: { message: problem, param } };
  }
  return { output: { feature: 'json_schema', name, schema, strict } };
}

/** Anthropic messages: `tools` with `tool_choice` auto, any, tool (by name) or none. */
function anthropicTools(body: Record<string, unknown>): OutputAsk {
  const invalid = (message: string): OutputAsk => ({ problem: { message } });
  const { tools, tool_choice: choice } = body;
  if (tools === undefined) {
    return choice === undefined
      ? {}
      : invalid('tool_choice: tool_choice may only be specified while providing tools.');
  }
  if (!Array.isArray(tools)) return invalid('tools: Input should be a valid list');
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    const at = `tools.${i}.custom`;
    if (!isRecord(tool)) return invalid(`tools.${i}: Input should be a valid dictionary`);
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name))
      return invalid(`${at}.name: String should match pattern '${TOOL_NAME.source}'`);
    if (names.has(tool.name)) return invalid('tools: Tool names must be unique.');
    names.add(tool.name);
    const schema = tool.input_schema;
    if (!isRecord(schema)) return invalid(`${at}.input_schema: Field required`);
    if (schema.type !== 'object')
      return invalid(`${at}.input_schema.type: Input should be 'object'`);
    if (['oneOf', 'allOf', 'anyOf'].some((k) => schema[k] !== undefined)) {
      return invalid(
        `${at}.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level`,
      );
    }
    if (!schemaCompiles(schema)) {
      return invalid(
        `${at}.input_schema: JSON schema is invalid. It must match JSON Schema draft 2020-12.`,
      );
    }
  }
  const type = choice === undefined ? 'auto' : isRecord(choice) ? choice.type : undefined;
  if (typeof type !== 'string' || !TOOL_CHOICES.includes(type)) {
    return invalid(
      `tool_choice: Input tag '${String(type)}' found using 'type' does not match any of the ` +
        `expected tags: ${TOOL_CHOICES.map((c) => `'${c}'`).join(', ')}`,
    );
  }
  if (type === 'none' || tools.length === 0) return {};
  let chosen = tools[0] as Record<string, unknown>;
  if (type === 'tool') {
    const name = (choice as Record<string, unknown>).name;
    if (typeof name !== 'string') return invalid('tool_choice.tool.name: Field required');
    const named = (tools as Record<string, unknown>[]).find((t) => t.name === name);
    if (!named) return invalid(`tool_choice.tool.name: Tool '${name}' not found in provided tools`);
    chosen = named;
  }
  return {
    output: {
      feature: 'tool',
      name: chosen.name as string,
      schema: chosen.input_schema as Record<string, unknown>,
      toolChoice: type as 'auto' | 'any' | 'tool',
    },
  };
}
