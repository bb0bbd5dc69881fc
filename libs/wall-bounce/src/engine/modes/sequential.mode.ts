import type { LlmProvider } from '../../providers/llm-provider';
import { answerPrompt, refinePrompt } from '../prompts/prompts';
import { counted, Material, newRound, RoundState } from './mode-strategy';
import { ParallelMode } from './parallel.mode';

/**
 * A chain (depth WALL_BOUNCE_SEQUENTIAL_DEPTH, peers taken in turn): the first answers, each
 * next step refines the answers so far. A failed step is taken by an unused provider whose
 * circuit is not open, where there is one; else it is skipped and the chain goes on. The
 * answers are not independent (each saw the earlier ones), and the consensus says so.
 */
export class SequentialMode extends ParallelMode {
  override readonly independent = false;
  private planned = new Set<string>();

  override async collect(peers: LlmProvider[]): Promise<RoundState> {
    const chain = Array.from(
      { length: this.ctx.sequentialDepth },
      (_, i) => peers[i % peers.length],
    );
    this.planned = new Set(chain.map((p) => p.name));
    const state = newRound(this.planned.size);
    for (const [index, provider] of chain.entries()) await this.step(state, provider, index + 1);
    return state;
  }

  override async extend(state: RoundState, provider: LlmProvider): Promise<void> {
    await this.step(state, provider, state.answers.length + 1);
  }

  override material(state: RoundState): Material {
    // The order is the point of a chain, so steps keep their numbers (no provider names).
    return {
      answers: counted(state).map((a, i) => ({ label: `Step ${i + 1}`, text: a.answer.text })),
      reviews: [],
    };
  }

  private async step(state: RoundState, provider: LlmProvider, step: number): Promise<void> {
    const answer = await this.tryStep(state, provider, step);
    if (answer || this.ctx.run.cost.reached) return;
    const substitute = this.ctx.substitute(this.planned);
    if (!substitute) return;
    this.ctx.run.degrade(`step ${step}: ${substitute.name} took the place of ${provider.name}`);
    await this.tryStep(state, substitute, step);
  }

  private async tryStep(state: RoundState, provider: LlmProvider, step: number): Promise<boolean> {
    const { request, task } = this.ctx;
    const earlier = counted(state).map((a, i) => ({ label: `Step ${i + 1}`, text: a.answer.text }));
    const prompt = earlier.length
      ? refinePrompt(request.content, earlier, task, request.language)
      : answerPrompt(request.content, task, request.language);
    const answer = await this.ask(
      provider,
      { extra: { step } },
      prompt,
      earlier.length ? 'refine' : 'peer',
    );
    if (answer) state.answers.push(answer);
    return answer !== undefined;
  }
}
