import { schemaMismatch } from '../providers/structured/schema-validator';
import type { JsonReply, RefusalReply, SimulatedCall, TextReply } from './simulator.types';
import type { ReplyContent } from './wire-shapes';

/**
 * How a script's reply goes over the wire for this call: a json reply through the feature the
 * request asked for (an Anthropic tool_use block; OpenAI's message content) or as JSON text,
 * after checking it against the requested schema; text as text, even to a structured request
 * (a model or server that ignores the feature).
 */
export function replyContent(
  call: SimulatedCall,
  reply: TextReply | JsonReply | RefusalReply,
): ReplyContent | { mismatch: string } {
  if ('refusal' in reply) return { kind: 'refusal', text: reply.refusal };
  if ('text' in reply) return { kind: 'text', text: reply.text };
  const output = call.output;
  if (output?.schema) {
    const mismatch = schemaMismatch(output.schema, reply.json);
    if (mismatch) {
      return {
        mismatch: `the script's json does not match the requested schema '${output.name}': ${mismatch}`,
      };
    }
  }
  if (output?.feature === 'tool' && output.name) {
    return { kind: 'tool', name: output.name, input: reply.json };
  }
  return { kind: 'text', text: JSON.stringify(reply.json) };
}
