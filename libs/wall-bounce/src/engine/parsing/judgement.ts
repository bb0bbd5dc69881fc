import { extractJsonObject, unitScore } from './json-reply';

/** What the aggregator (or chairman) returned, as far as it could be read. */
export interface Judgement {
  answer: string;
  /** Its judgement of how far the peers agree; absent when it gave none readable. */
  agreement?: number;
  confidence?: number;
  dissent: string[];
  /** True when the reply was the requested JSON; false when only prose could be used. */
  structured: boolean;
}

const MAX_DISSENT = 20;
const MAX_DISSENT_LENGTH = 1000;

export function parseJudgement(text: string): Judgement {
  const json = extractJsonObject(text);
  if (json && typeof json.answer === 'string' && json.answer.trim()) {
    const dissent = Array.isArray(json.dissent)
      ? json.dissent
      : typeof json.dissent === 'string' && json.dissent.trim()
        ? [json.dissent]
        : [];
    return {
      answer: json.answer.trim(),
      agreement: unitScore(json.agreement),
      confidence: unitScore(json.confidence),
      dissent: dissent
        .filter((d): d is string => typeof d === 'string' && d.trim().length > 0)
        .slice(0, MAX_DISSENT)
        .map((d) => d.trim().slice(0, MAX_DISSENT_LENGTH)),
      structured: true,
    };
  }
  // Prose only: the text is the answer; no judgement to use.
  return { answer: text.trim(), dissent: [], structured: false };
}
