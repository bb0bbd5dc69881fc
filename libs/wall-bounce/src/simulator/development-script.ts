import { createHash } from 'node:crypto';
import { taskOf } from '../engine/prompts/prompts';
import { sampleFromSchema } from './sample-from-schema';
import type { SimulatedCall, SimulatorReply } from './simulator.types';

const STYLES = ['Key points', 'In short', 'Summary'];

/** A stable pseudo-random number in 0..1 from a text (same question → same simulated reply). */
function unit(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) / 0xffffffff;
}

function question(call: SimulatedCall): string {
  const text = call.prompt.split('\n---\n')[0].replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/**
 * What the simulated providers say in development: clearly marked simulated text that follows
 * the engine's protocol (plain answers, JSON rankings, JSON judgements) so every mode runs
 * end to end without a key. A structured request gets an object drawn from its schema,
 * whatever the schema. Nothing here is presented as a real model's answer.
 */
export function developmentScript(call: SimulatedCall): SimulatorReply {
  const q = question(call);
  const schema = call.output?.schema;
  if (schema) {
    const json = sampleFromSchema(schema, {
      text: (path) =>
        `[SIMULATED ${call.model}] Simulated ${path.join('.') || 'text'} for: "${q}".`,
      unit: (path) => unit(call.model + path.join('.') + q),
    });
    return { json: json as Record<string, unknown> };
  }
  const task = taskOf(call.system);
  const style = STYLES[Math.floor(unit(call.model + q) * STYLES.length)];
  if (task === 'review') {
    const labels = [...new Set(call.prompt.match(/Response [A-Z]{1,2}(?=>>>)/g) ?? [])];
    const ranked = [...labels].sort((a, b) => unit(call.model + a + q) - unit(call.model + b + q));
    return {
      text: JSON.stringify({
        ranking: ranked,
        critique: `[SIMULATED ${call.model}] ranking drawn from a hash of the question, not a judgement.`,
      }),
    };
  }
  if (task === 'aggregate') {
    const count = (call.prompt.match(/<<<BEGIN UNTRUSTED /g) ?? []).length;
    return {
      text: JSON.stringify({
        answer:
          `[SIMULATED ${call.model}] Simulated synthesis of ${count} simulated inputs about: "${q}". ` +
          'Configure LLM_PROVIDERS for real analysis.',
        agreement: 0.75 + unit(q) * 0.2,
        confidence: 0.75 + unit(`${q}c`) * 0.2,
        dissent: [],
      }),
    };
  }
  const verb = task === 'refine' ? 'Refined simulated answer' : 'Simulated answer';
  return {
    text:
      `[SIMULATED ${call.model}] ${verb} to: "${q}". ${style}: this text comes from the ` +
      'bundled provider simulator, not from a language model. Configure LLM_PROVIDERS ' +
      'for real analysis.',
  };
}
