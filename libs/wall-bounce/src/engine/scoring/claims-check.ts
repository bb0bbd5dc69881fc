import type { Aggregated } from '../aggregation';

/** A claimed agreement further than this from the measured consensus degrades the result. */
export const CLAIM_TOLERANCE = 0.3;

/**
 * The aggregator's own figures never enter the scores; they are checked against them. A
 * claimed agreement more than CLAIM_TOLERANCE from the measured consensus, or a verdict other
 * than the peers' majority (when they have one), degrades the result with the reason; so does an answer in prose
 * (no claims to check).
 */
export function claimReasons(
  aggregated: Aggregated,
  measured: number,
  majority: string,
  majorityVotes: boolean,
): string[] {
  const name = aggregated.provider.name;
  const claims = aggregated.judgement.claims;
  if (!claims) {
    return [
      `aggregator ${name} gave no structured judgement: its text is the answer, no claims to check`,
    ];
  }
  const reasons: string[] = [];
  if (claims.agreement !== undefined && Math.abs(claims.agreement - measured) > CLAIM_TOLERANCE) {
    reasons.push(
      `aggregator ${name} claimed agreement ${claims.agreement}, measured consensus ${measured}`,
    );
  }
  // Without a majority vote (no peer voted, or a tie) there is no verdict to differ from.
  if (claims.verdict !== undefined && majorityVotes && claims.verdict !== majority) {
    reasons.push(
      `aggregator ${name} gave the verdict ${claims.verdict}, the peers' majority ${majority}`,
    );
  }
  return reasons;
}
