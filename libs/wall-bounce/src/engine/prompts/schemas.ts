import {
  FINDING_SEVERITIES,
  type AnalysisTask,
  type AnswerFormat,
} from '../../analysis/analysis.types';
import type { OutputSchema } from '../../providers/provider.types';
import { verdictsOf } from '../task/verdicts';

/*
 * The reply shapes asked of the models, in the subset every provider's structured output
 * accepts (OpenAI strict mode): every property required, no additional properties, optional
 * values nullable. Ranges that strict mode does not enforce are stated in the descriptions
 * and enforced when the reply is read.
 */

const object = (properties: Record<string, Record<string, unknown>>): Record<string, unknown> => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});

const VERDICT_MEANING: Record<AnalysisTask, string> = {
  review:
    'Your verdict on the code or change: no-issues, minor-issues (style, small bugs), ' +
    'serious-issues (security holes, data loss, wrong results), or cannot-tell.',
  question:
    'For a yes/no question: yes, no, or depends (yes under some conditions, no under others). ' +
    'For a question that is not yes/no: open. cannot-tell when you cannot judge.',
};

const FINDINGS_MEANING: Record<AnalysisTask, string> = {
  review: 'Each problem you found, most severe first; empty when there is none.',
  question: 'The key points of your answer, most important first.',
};

const finding = object({
  title: { type: 'string', description: 'A short title (at most ten words).' },
  severity: { type: 'string', enum: [...FINDING_SEVERITIES] },
  location: {
    type: ['string', 'null'],
    description: 'Where in the content, e.g. src/db.ts:42; null when it has no place.',
  },
});

const confidence = (of: string): Record<string, unknown> => ({
  type: 'number',
  description: `Your confidence, from 0 to 1, ${of}.`,
});

/** A peer's answer (also each step of a sequential chain). */
export function peerAnswerSchema(task: AnalysisTask): OutputSchema {
  return {
    name: `peer_answer_${task}`,
    description: 'Your answer to the request, with your verdict and findings.',
    schema: object({
      answer: { type: 'string', description: 'Your full answer, as you would write it.' },
      findings: { type: 'array', description: FINDINGS_MEANING[task], items: finding },
      verdict: { type: 'string', enum: verdictsOf(task), description: VERDICT_MEANING[task] },
      confidence: confidence('that your verdict and answer are right'),
    }),
  };
}

/**
 * The aggregator's (or chairman's) final answer and its own view of the peers. With an answer
 * format the answer is an object of the client's shape; its definitions move to the root, so
 * that its `#/$defs/…` references still resolve.
 */
export function judgementSchema(task: AnalysisTask, format?: AnswerFormat): OutputSchema {
  const answer = format
    ? withoutDefinitions(format.schema)
    : { type: 'string', description: 'The single best final answer.' };
  const root = object({
    answer,
    verdict: { type: 'string', enum: verdictsOf(task), description: VERDICT_MEANING[task] },
    agreement: {
      type: 'number',
      description: 'How far the responses agree, from 0 (contradict) to 1 (say the same).',
    },
    confidence: confidence('that the final answer is right'),
    dissent: {
      type: 'array',
      description: 'Each substantive point on which a response disagrees with the final answer.',
      items: { type: 'string' },
    },
  });
  return {
    name: format
      ? `final_judgement_${task}_${format.name}`.slice(0, 64)
      : `final_judgement_${task}`,
    description: 'The final answer written from the responses, and your view of them.',
    schema: format ? { ...root, ...definitionsOf(format.schema) } : root,
  };
}

function withoutDefinitions(schema: Record<string, unknown>): Record<string, unknown> {
  const { $defs: _defs, definitions: _definitions, ...rest } = schema;
  return rest;
}

function definitionsOf(schema: Record<string, unknown>): Record<string, unknown> {
  return {
    ...(schema.$defs !== undefined ? { $defs: schema.$defs } : {}),
    ...(schema.definitions !== undefined ? { definitions: schema.definitions } : {}),
  };
}

/** A council member's ranking of the anonymised answers it was shown. */
export function reviewSchema(labels: readonly string[]): OutputSchema {
  return {
    name: 'council_review',
    description: 'Your ranking of the responses, best first, and a short critique.',
    schema: object({
      ranking: {
        type: 'array',
        description: 'Every response label exactly once, best first.',
        items: { type: 'string', enum: [...labels] },
      },
      critique: { type: 'string', description: 'One or two sentences.' },
    }),
  };
}
