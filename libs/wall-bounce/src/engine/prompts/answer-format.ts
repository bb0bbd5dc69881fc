import type { AnswerFormat } from '../../analysis/analysis.types';
import { schemaCompiles } from '../../providers/structured/schema-validator';
import { strictSchemaProblem } from '../../simulator/strict-schema';
import { judgementSchema } from './schemas';

export const ANSWER_FORMAT_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Why an answer format cannot be honoured (a sentence for the client), or undefined. The
 * aggregator is asked for the judgement with the format's schema as its `answer`, through
 * every provider's structured output: so the composed schema must be in OpenAI's strict subset
 * (an object at the root, every property required, no additional properties), and a reference
 * to the format's own root (`#`) cannot be kept once it is nested.
 */
export function answerFormatProblem(format: AnswerFormat): string | undefined {
  if (!ANSWER_FORMAT_NAME.test(format.name))
    return 'The schema name must be 1 to 64 letters, digits, underscores or dashes.';
  if (format.schema.type !== 'object' || format.schema.anyOf !== undefined)
    return 'The schema must describe a JSON object at its root (type "object").';
  if (referencesRoot(format.schema))
    return 'A schema that refers to its own root ($ref "#") is not supported; name the recursive part in $defs.';
  if (!schemaCompiles(format.schema)) return 'The schema is not a valid JSON Schema.';
  // The verdicts differ by task, the answer's place does not: one task checks the shape.
  const problem = strictSchemaProblem(format.name, judgementSchema('question', format).schema);
  return problem?.replace(/'properties', 'answer',? ?/g, '');
}

function referencesRoot(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(referencesRoot);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(
    ([key, child]) =>
      (key === '$ref' && (child === '#' || child === '#/')) || referencesRoot(child),
  );
}
