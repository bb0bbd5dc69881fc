import type { LlmProvider } from '../../providers/llm-provider';
import type { Judgement } from '../parsing/judgement';
import { parseRanking } from '../parsing/ranking';
import { reviewPrompt } from '../prompts/prompts';
import { responseLabel } from '../prompts/untrusted';
import { Consensus, judgedConsensus, reviewerConsensus } from '../scoring/consensus';
import { pairwiseRankingAgreement } from '../scoring/ranking-agreement';
import { meanPairwiseSimilarity } from '../scoring/similarity';
import { Material, PeerAnswer, RoundState, shuffled } from './mode-strategy';
import { ParallelMode } from './parallel.mode';

/**
 * Peers answer (as in parallel); each then ranks the others' answers, anonymised as
 * "Response A/B/…" in an order shuffled for that reviewer, its own answer left out; the
 * chairman (aggregator) writes the final answer from the answers and the reviews.
 */
export class CouncilMode extends ParallelMode {
  override async collect(peers: LlmProvider[]): Promise<RoundState> {
    const state = await super.collect(peers);
    if (state.answers.length >= 2) await this.reviewRound(state);
    return state;
  }

  /**
   * The further answer joins, and every peer ranks the whole set again: earlier rankings left
   * it out, so they would measure agreement without it.
   */
  override async extend(state: RoundState, provider: LlmProvider): Promise<void> {
    const answer = await this.ask(provider);
    if (!answer) return;
    state.answers.push(answer);
    state.reviews = [];
    await this.reviewRound(state);
  }

  override material(state: RoundState): Material {
    const order = shuffled(state.answers);
    const labelOf = new Map(order.map((a, i) => [a.provider.name, responseLabel(i)]));
    return {
      answers: order.map((a) => ({ label: labelOf.get(a.provider.name) as string, text: a.text })),
      reviews: shuffled(state.reviews).map((r, i) => ({
        label: `Review ${i + 1}`,
        text:
          `Ranking, best first: ${r.ranking.map((name) => labelOf.get(name)).join(', ')}` +
          (r.critique ? `\nCritique: ${r.critique}` : ''),
      })),
    };
  }

  override consensus(state: RoundState, judgement: Judgement): Consensus {
    const agreement = pairwiseRankingAgreement(
      state.reviews.map((r) => ({ reviewer: r.reviewer, ranking: r.ranking })),
    );
    if (agreement) return reviewerConsensus(agreement.score);
    // Two peers (each reviewer sees one answer) or unusable reviews: no pairwise order to compare.
    return judgedConsensus(
      meanPairwiseSimilarity(state.answers.map((a) => a.text)) ?? 0,
      judgement.agreement,
    );
  }

  private async reviewRound(state: RoundState): Promise<void> {
    await Promise.all(state.answers.map((a) => this.review(state, a.provider)));
  }

  private async review(state: RoundState, reviewer: LlmProvider): Promise<void> {
    const { run, request } = this.ctx;
    const others: PeerAnswer[] = shuffled(state.answers.filter((a) => a.provider !== reviewer));
    const labelled = others.map((a, i) => ({
      label: responseLabel(i),
      text: a.text,
      name: a.provider.name,
    }));
    const outcome = await run.call(reviewer, 'review', reviewPrompt(request.content, labelled));
    if (!outcome.ok) {
      run.degrade(`review by ${reviewer.name} ${outcome.status}: ${outcome.reason}`);
      return;
    }
    const parsed = parseRanking(
      outcome.text,
      labelled.map((l) => l.label),
    );
    const nameOf = new Map(labelled.map((l) => [l.label, l.name]));
    if (parsed.parsedBy === 'none') {
      run.degrade(`review by ${reviewer.name} had no readable ranking`);
    } else {
      state.reviews.push({
        reviewer: reviewer.name,
        ranking: parsed.ranking.map((label) => nameOf.get(label) as string),
        critique: parsed.critique,
        parsedBy: parsed.parsedBy,
      });
    }
    run.emit('review_completed', { provider: reviewer.name, parsedBy: parsed.parsedBy });
  }
}
