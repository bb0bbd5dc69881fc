import type { LlmProvider } from '../../providers/llm-provider';
import { rankingReader } from '../peer-reading';
import { reviewPrompt } from '../prompts/prompts';
import { responseLabel } from '../prompts/untrusted';
import { counted, Material, PeerAnswer, RoundState, shuffled } from './mode-strategy';
import { ParallelMode } from './parallel.mode';

/**
 * Peers answer (as in parallel); each then ranks the others' answers, anonymised as
 * "Response A/B/…" in an order shuffled for that reviewer, its own answer left out; the
 * chairman (aggregator) writes the final answer from the answers and the reviews. Answers
 * left out of the consensus are shown to nobody, and their authors do not review.
 */
export class CouncilMode extends ParallelMode {
  override async collect(peers: LlmProvider[]): Promise<RoundState> {
    const state = await super.collect(peers);
    if (counted(state).length >= 2) await this.reviewRound(state);
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
    state.shownTo.clear();
    await this.reviewRound(state);
  }

  override material(state: RoundState): Material {
    const order = shuffled(counted(state));
    const labelOf = new Map(order.map((a, i) => [a.provider.name, responseLabel(i)]));
    return {
      answers: order.map((a) => ({
        label: labelOf.get(a.provider.name) as string,
        text: a.answer.text,
      })),
      reviews: shuffled(state.reviews).map((r, i) => ({
        label: `Review ${i + 1}`,
        text:
          `Ranking, best first: ${r.ranking.map((name) => labelOf.get(name)).join(', ')}` +
          (r.critique ? `\nCritique: ${r.critique}` : ''),
      })),
    };
  }

  private async reviewRound(state: RoundState): Promise<void> {
    const answers = counted(state);
    await Promise.all(answers.map((a) => this.review(state, answers, a.provider)));
  }

  private async review(
    state: RoundState,
    answers: PeerAnswer[],
    reviewer: LlmProvider,
  ): Promise<void> {
    const { run, request } = this.ctx;
    const others = shuffled(answers.filter((a) => a.provider !== reviewer));
    const labelled = others.map((a, i) => ({
      label: responseLabel(i),
      text: a.answer.text,
      name: a.provider.name,
    }));
    const labels = labelled.map((l) => l.label);
    const outcome = await run.call(
      reviewer,
      'review',
      reviewPrompt(request.content, labelled),
      rankingReader(run.screener, labels, `provider:${reviewer.name}`),
    );
    if (!outcome.ok) {
      run.degrade(`review by ${reviewer.name} ${outcome.status}: ${outcome.reason}`);
      return;
    }
    const parsed = outcome.value;
    const nameOf = new Map(labelled.map((l) => [l.label, l.name]));
    state.shownTo.set(
      reviewer.name,
      labelled.map((l) => l.name),
    );
    if (parsed.parsedBy === 'none')
      run.degrade(`review by ${reviewer.name} had no readable ranking`);
    state.reviews.push({
      reviewer: reviewer.name,
      ranking: parsed.ranking.map((label) => nameOf.get(label) as string),
      ...(parsed.critique === undefined ? {} : { critique: parsed.critique }),
      parsedBy: parsed.parsedBy,
    });
    run.emit('review_completed', { provider: reviewer.name, parsedBy: parsed.parsedBy });
  }
}
