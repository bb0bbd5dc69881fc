import type { AggregatorClaims, AnalysisTask, AnswerFormat } from '../../analysis/analysis.types';
import type { RawCompletion, StructuredBy } from '../../providers/provider.types';
import { verdictsOf } from '../task/verdicts';
import { stringList, unitScore } from './unit-score';

/** What the aggregator (or chairman) returned. */
export interface Judgement {
  answer: string;
  /** Its own figures and dissent; absent when it answered in prose. */
  claims?: AggregatorClaims;
  structured: StructuredBy;
}

const MAX_DISSENT = 20;
const MAX_DISSENT_LENGTH = 1000;

/**
 * The final answer and the aggregator's claims from the object it returned through
 * structured output. Prose is the answer, without claims. The judgement is never searched
 * for in text, so nothing a peer wrote (and the aggregator quoted) can pass for it.
 *
 * With an answer format the answer is the object the client's schema describes, as JSON text;
 * a reply without it (prose, or an object of another shape) has no answer at all.
 */
export function readJudgement(
  task: AnalysisTask,
  reply: Pick<RawCompletion, 'text' | 'json' | 'structured'>,
  format?: AnswerFormat,
): Judgement {
  const json = reply.structured !== 'none' ? reply.json : undefined;
  const answer = answerOf(json?.answer, format);
  if (!json || !answer) return { answer: format ? '' : reply.text.trim(), structured: 'none' };
  const verdict =
    typeof json.verdict === 'string' && verdictsOf(task).includes(json.verdict)
      ? json.verdict
      : undefined;
  const agreement = unitScore(json.agreement);
  const confidence = unitScore(json.confidence);
  return {
    answer,
    claims: {
      ...(agreement === undefined ? {} : { agreement }),
      ...(confidence === undefined ? {} : { confidence }),
      ...(verdict === undefined ? {} : { verdict }),
      dissent: stringList(json.dissent, MAX_DISSENT, MAX_DISSENT_LENGTH),
    },
    structured: reply.structured,
  };
}

function answerOf(value: unknown, format: AnswerFormat | undefined): string {
  if (!format) return typeof value === 'string' ? value.trim() : '';
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? JSON.stringify(value)
    : '';
}
