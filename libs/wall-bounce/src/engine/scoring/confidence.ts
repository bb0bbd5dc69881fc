import type { MeasuredSignal } from '../../analysis/analysis.types';
import { round3 } from './consensus';

/** Weights of the confidence's weighted mean (docs/wall-bounce.md). */
export const CONFIDENCE_WEIGHTS = { consensus: 0.6, peerConfidence: 0.4 } as const;

export interface MeasuredConfidence {
  value: number;
  signals: MeasuredSignal[];
}

/**
 * confidence = s × (0.6 × consensus + 0.4 × p), where p is the mean of the confidences the
 * counted peers gave for their own answers (left out, and the weights renormalised, when none
 * gave one) and s = min(1, peers counted ÷ peers asked in the first round). Nothing the
 * aggregator says enters it.
 */
export function measuredConfidence(
  consensus: number,
  peerConfidences: readonly number[],
  counted: number,
  asked: number,
): MeasuredConfidence {
  const share = asked > 0 ? Math.min(1, counted / asked) : 0;
  const peer = peerConfidences.length
    ? peerConfidences.reduce((s, c) => s + c, 0) / peerConfidences.length
    : undefined;
  const weighted =
    peer === undefined
      ? consensus
      : CONFIDENCE_WEIGHTS.consensus * consensus + CONFIDENCE_WEIGHTS.peerConfidence * peer;
  return {
    value: round3(share * weighted),
    signals: [
      { name: 'consensus', value: consensus, weight: CONFIDENCE_WEIGHTS.consensus },
      {
        name: 'peer-confidence',
        value: peer === undefined ? null : round3(peer),
        weight: CONFIDENCE_WEIGHTS.peerConfidence,
        detail: `mean of what ${peerConfidences.length} counted peers said of their own answers`,
      },
      {
        name: 'answered-share',
        value: round3(share),
        weight: 1,
        detail: `${counted} of ${asked} peers asked were counted; multiplies the weighted mean`,
      },
    ],
  };
}
