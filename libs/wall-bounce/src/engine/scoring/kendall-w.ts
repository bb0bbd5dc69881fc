/** One reviewer's ranks of the items it ranked: 1 = best, tied items share their mean rank. */
export type Ranks = ReadonlyMap<string, number>;

/**
 * Kendall's coefficient of concordance W of several reviewers' rankings, with the tie
 * correction, for complete rankings and for balanced incomplete ones (each reviewer ranks
 * k of the t items, each pair of items is ranked together by λ reviewers — a council, where
 * nobody ranks its own answer). With R_j the sum of item j's ranks, r the reviewers per item,
 * S = Σ_j (R_j − r(k+1)/2)² and V_i = Σ_j (rank_ij − (k+1)/2)² (what reviewer i's ranks spread,
 * less for ties):
 *
 *   W = (k + 1) · S / (λ · (t + 1) · Σ_i V_i)
 *
 * which is the usual 12S / (m²(t³ − t) − m Σ T) when every reviewer ranks all items, and
 * Kendall–Babington Smith's 12S / (λ² t (t² − 1)) for an incomplete design without ties.
 * 1 = the rankings agree, 0 = no agreement. Null when not measurable: fewer than two
 * reviewers or items, an unbalanced design (a review missing), no pair ranked together, or
 * every ranking all ties (e.g. identical answers).
 */
export function kendallW(items: readonly string[], rankings: readonly Ranks[]): number | null {
  const t = items.length;
  if (t < 2 || rankings.length < 2) return null;
  const k = rankings[0].size;
  if (
    k < 2 ||
    rankings.some((r) => r.size !== k || [...r.keys()].some((i) => !items.includes(i)))
  ) {
    return null;
  }
  const perItem = items.map((item) => rankings.filter((r) => r.has(item)).length);
  if (perItem.some((n) => n !== perItem[0]) || perItem[0] === 0) return null;
  const together = new Set<number>();
  for (let x = 0; x < t; x += 1) {
    for (let y = x + 1; y < t; y += 1) {
      together.add(rankings.filter((r) => r.has(items[x]) && r.has(items[y])).length);
    }
  }
  if (together.size !== 1) return null;
  const lambda = [...together][0];
  if (lambda === 0) return null;
  const middle = (k + 1) / 2;
  let spread = 0;
  for (const ranks of rankings) for (const rank of ranks.values()) spread += (rank - middle) ** 2;
  if (spread === 0) return null;
  let s = 0;
  for (const item of items) {
    const sum = rankings.reduce((acc, r) => acc + (r.get(item) ?? 0), 0);
    s += (sum - perItem[0] * middle) ** 2;
  }
  const w = ((k + 1) * s) / (lambda * (t + 1) * spread);
  return Math.round(Math.min(1, Math.max(0, w)) * 1000) / 1000;
}

/**
 * Ranks from a reviewer's order (best first) over the items it was shown, with tie groups
 * (near-identical answers): a group takes the places from where its first member stands, and
 * its members share the mean of those places; items the reviewer left out share the places
 * after the ranked ones.
 */
export function ranksOf(
  order: readonly string[],
  shown: readonly string[],
  groupOf: (item: string) => string,
): Map<string, number> {
  const ranked = order.filter((item, i) => shown.includes(item) && order.indexOf(item) === i);
  const groups: string[][] = [];
  for (const item of ranked) {
    const group = groups.find((g) => groupOf(g[0]) === groupOf(item));
    if (group) group.push(item);
    else groups.push([item]);
  }
  groups.push(shown.filter((item) => !ranked.includes(item)));
  const ranks = new Map<string, number>();
  let next = 1;
  for (const group of groups) {
    const rank = next + (group.length - 1) / 2;
    for (const item of group) ranks.set(item, rank);
    next += group.length;
  }
  return ranks;
}
