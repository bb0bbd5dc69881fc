/** One reviewer's ranking of the others' answers, best first (answer ids, own excluded). */
export interface ReviewerRanking {
  reviewer: string;
  ranking: string[];
}

export interface RankingAgreement {
  /** Share of comparable pairs a reviewer orders as the other reviewers do. */
  score: number;
  comparablePairs: number;
}

/** Position as a 0..1 score: 1 = ranked first, 0 = last (½ when alone). */
function positions(ranking: string[]): Map<string, number> {
  const scores = new Map<string, number>();
  ranking.forEach((id, index) =>
    scores.set(id, ranking.length === 1 ? 0.5 : 1 - index / (ranking.length - 1)),
  );
  return scores;
}

/**
 * Agreement between reviewers on pairwise order. For each reviewer r and each pair of answers
 * (x, y) that r ranked, the other reviewers' view of the pair is the order of their mean
 * position scores of x and y (leave-one-out, so r never agrees with itself; each reviewer's
 * own answer is missing from its ranking, so this also covers pairs nobody else ranked
 * together). A pair counts only when the others order it strictly (a tie carries no
 * information): 1 when the orders match, 0 when reversed. The score is the share of matching
 * pairs; undefined when no pair is comparable (two peers: each reviewer ranks one answer).
 * With three peers this measures whether the reviewers' preferences are consistent (1) or
 * form a cycle (0).
 */
export function pairwiseRankingAgreement(
  rankings: ReviewerRanking[],
): RankingAgreement | undefined {
  const scored = rankings.map((r) => ({ reviewer: r.reviewer, scores: positions(r.ranking) }));
  let agreement = 0;
  let comparable = 0;
  for (const own of scored) {
    const others = scored.filter((o) => o !== own);
    const othersMean = (id: string): number | undefined => {
      const values = others.flatMap((o) => (o.scores.has(id) ? [o.scores.get(id) as number] : []));
      return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
    };
    const ids = [...own.scores.keys()];
    for (let i = 0; i < ids.length; i += 1) {
      for (let j = i + 1; j < ids.length; j += 1) {
        const x = othersMean(ids[i]);
        const y = othersMean(ids[j]);
        if (x === undefined || y === undefined || x === y) continue;
        const mine = Math.sign(
          (own.scores.get(ids[i]) as number) - (own.scores.get(ids[j]) as number),
        );
        comparable += 1;
        if (mine === Math.sign(x - y)) agreement += 1;
      }
    }
  }
  return comparable === 0
    ? undefined
    : { score: agreement / comparable, comparablePairs: comparable };
}
