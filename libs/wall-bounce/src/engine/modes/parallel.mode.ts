import type { LlmProvider } from '../../providers/llm-provider';
import type { Judgement } from '../parsing/judgement';
import { answerPrompt } from '../prompts/prompts';
import { responseLabel } from '../prompts/untrusted';
import { Consensus, judgedConsensus } from '../scoring/consensus';
import { meanPairwiseSimilarity } from '../scoring/similarity';
import {
  Material,
  ModeContext,
  ModeStrategy,
  PeerAnswer,
  RoundState,
  shuffled,
} from './mode-strategy';

/** Peers answer independently and at once; the aggregator writes one answer from theirs. */
export class ParallelMode implements ModeStrategy {
  constructor(protected readonly ctx: ModeContext) {}

  async collect(peers: LlmProvider[]): Promise<RoundState> {
    const answers = await Promise.all(peers.map((p) => this.ask(p)));
    return {
      answers: answers.filter((a): a is PeerAnswer => a !== undefined),
      reviews: [],
      asked: peers.length,
    };
  }

  async extend(state: RoundState, provider: LlmProvider): Promise<void> {
    const answer = await this.ask(provider);
    if (answer) state.answers.push(answer);
  }

  material(state: RoundState): Material {
    return {
      answers: shuffled(state.answers).map((a, i) => ({ label: responseLabel(i), text: a.text })),
      reviews: [],
    };
  }

  consensus(state: RoundState, judgement: Judgement): Consensus {
    return judgedConsensus(
      meanPairwiseSimilarity(state.answers.map((a) => a.text)) ?? 0,
      judgement.agreement,
    );
  }

  protected async ask(provider: LlmProvider): Promise<PeerAnswer | undefined> {
    const { run, request } = this.ctx;
    const outcome = await run.call(
      provider,
      'peer',
      answerPrompt(request.content, request.language),
    );
    run.recordPeer(provider, outcome);
    return outcome.ok ? { provider, text: outcome.text } : undefined;
  }
}
