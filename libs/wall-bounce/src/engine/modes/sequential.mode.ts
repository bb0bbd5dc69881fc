import type { LlmProvider } from '../../providers/llm-provider';
import type { Judgement } from '../parsing/judgement';
import { answerPrompt, refinePrompt } from '../prompts/prompts';
import { Consensus, judgedConsensus } from '../scoring/consensus';
import { meanPairwiseSimilarity } from '../scoring/similarity';
import { Material, ModeContext, ModeStrategy, RoundState } from './mode-strategy';

/**
 * A chain (depth WALL_BOUNCE_SEQUENTIAL_DEPTH, peers taken in turn): the first answers, each
 * next step refines the answers so far. A failed step is skipped; the chain goes on.
 */
export class SequentialMode implements ModeStrategy {
  constructor(private readonly ctx: ModeContext) {}

  async collect(peers: LlmProvider[]): Promise<RoundState> {
    const state: RoundState = { answers: [], reviews: [], asked: 0 };
    const chain = Array.from(
      { length: this.ctx.sequentialDepth },
      (_, i) => peers[i % peers.length],
    );
    state.asked = new Set(chain.map((p) => p.name)).size;
    for (const [index, provider] of chain.entries()) await this.step(state, provider, index + 1);
    return state;
  }

  async extend(state: RoundState, provider: LlmProvider): Promise<void> {
    await this.step(state, provider, state.answers.length + 1);
  }

  material(state: RoundState): Material {
    // The order is the point of a chain, so steps keep their numbers (no provider names).
    return {
      answers: state.answers.map((a, i) => ({ label: `Step ${i + 1}`, text: a.text })),
      reviews: [],
    };
  }

  consensus(state: RoundState, judgement: Judgement): Consensus {
    return judgedConsensus(
      meanPairwiseSimilarity(state.answers.map((a) => a.text)) ?? 0,
      judgement.agreement,
    );
  }

  private async step(state: RoundState, provider: LlmProvider, step: number): Promise<void> {
    const { run, request } = this.ctx;
    const earlier = state.answers.map((a, i) => ({ label: `Step ${i + 1}`, text: a.text }));
    const prompt = earlier.length
      ? refinePrompt(request.content, earlier, request.language)
      : answerPrompt(request.content, request.language);
    const outcome = await run.call(provider, earlier.length ? 'refine' : 'peer', prompt, { step });
    run.recordPeer(provider, outcome);
    if (outcome.ok) state.answers.push({ provider, text: outcome.text });
  }
}
