import type { CouncilReport, CouncilReview } from '../../analysis/analysis.types';
import { kendallW, ranksOf } from './kendall-w';
import type { ScoredAnswer } from './scored-answer';
import { negationAwareSimilarity } from './negation-aware-similarity';

/** Answers this close (lexically, without a contradiction) are the same answer to a ranking. */
export const NEAR_IDENTICAL = 0.9;

/**
 * Groups of near-identical answers (transitively), named by their first provider in name
 * order, so that a reviewer's order among copies of one answer — which only the shuffle
 * decided — changes nothing measured.
 */
export function identityGroups(answers: readonly ScoredAnswer[]): Map<string, string> {
  const group = new Map(answers.map((a) => [a.provider, a.provider]));
  const find = (p: string): string => {
    let root = p;
    while (group.get(root) !== root) root = group.get(root) as string;
    return root;
  };
  for (let i = 0; i < answers.length; i += 1) {
    for (let j = i + 1; j < answers.length; j += 1) {
      const same = negationAwareSimilarity(answers[i].profile, answers[j].profile);
      if (same.lexical >= NEAR_IDENTICAL && same.contradictions === 0) {
        const [x, y] = [find(answers[i].provider), find(answers[j].provider)].sort();
        group.set(y, x);
      }
    }
  }
  return new Map(answers.map((a) => [a.provider, find(a.provider)]));
}

/**
 * The council's rankings measured: each review's ranks over the answers its reviewer was
 * shown (its own answer is not among them: the design is incomplete and balanced, see
 * kendall-w.ts), the agreement of the rankings (Kendall's W), and every answer's mean rank.
 */
export function measureCouncil(
  answers: readonly ScoredAnswer[],
  reviews: readonly CouncilReview[],
  shownTo: ReadonlyMap<string, readonly string[]>,
): CouncilReport {
  const groups = identityGroups(answers);
  const groupOf = (p: string): string => groups.get(p) ?? p;
  const items = answers.map((a) => a.provider);
  const rankings = reviews
    .filter((r) => r.parsedBy !== 'none')
    .map((r) => ranksOf(r.ranking, shownTo.get(r.reviewer) ?? [], groupOf));
  const aggregateRanking = items
    .map((provider) => {
      const ranks = rankings.flatMap((r) => (r.has(provider) ? [r.get(provider) as number] : []));
      const meanRank = ranks.length ? ranks.reduce((s, x) => s + x, 0) / ranks.length : null;
      return { provider, meanRank: meanRank === null ? null : Math.round(meanRank * 1000) / 1000 };
    })
    .filter((x): x is { provider: string; meanRank: number } => x.meanRank !== null)
    .sort((x, y) => x.meanRank - y.meanRank || (x.provider < y.provider ? -1 : 1));
  return {
    reviews: [...reviews],
    aggregateRanking,
    rankingAgreement: {
      kendallW: kendallW(items, rankings),
      reviewers: rankings.length,
      answers: items.length,
    },
  };
}
