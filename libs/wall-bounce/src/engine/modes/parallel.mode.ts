import type { LlmProvider } from '../../providers/llm-provider';
import type { CallOptions } from '../analysis-run';
import { peerReader } from '../peer-reading';
import { answerPrompt } from '../prompts/prompts';
import { responseLabel } from '../prompts/untrusted';
import {
  counted,
  Material,
  ModeContext,
  ModeStrategy,
  newRound,
  PeerAnswer,
  RoundState,
  shuffled,
} from './mode-strategy';
import { askWithQuorum } from './quorum';

/** Peers answer independently and at once; the aggregator writes one answer from theirs. */
export class ParallelMode implements ModeStrategy {
  readonly independent: boolean = true;

  constructor(protected readonly ctx: ModeContext) {}

  async collect(peers: LlmProvider[]): Promise<RoundState> {
    const state = newRound(peers.length);
    const answers = await askWithQuorum(
      peers,
      (p, options) => this.ask(p, options),
      this.ctx.quorum,
    );
    state.answers = answers.filter((a): a is PeerAnswer => a !== undefined);
    return state;
  }

  async extend(state: RoundState, provider: LlmProvider): Promise<void> {
    const answer = await this.ask(provider);
    if (answer) state.answers.push(answer);
  }

  material(state: RoundState): Material {
    return {
      answers: shuffled(counted(state)).map((a, i) => ({
        label: responseLabel(i),
        text: a.answer.text,
      })),
      reviews: [],
    };
  }

  /** Asks one peer for its answer; reports it (`answer` event) as soon as it is screened. */
  protected async ask(
    provider: LlmProvider,
    options: CallOptions = {},
    prompt = answerPrompt(this.ctx.request.content, this.ctx.task, this.ctx.request.language),
    role: 'peer' | 'refine' = 'peer',
  ): Promise<PeerAnswer | undefined> {
    const { run, task } = this.ctx;
    const source = `provider:${provider.name}`;
    const outcome = await run.call(
      provider,
      role,
      prompt,
      peerReader(run.screener, task, source),
      options,
    );
    if (!outcome.ok) {
      run.recordPeer(provider, outcome);
      return undefined;
    }
    const { value: answer, hijack } = outcome.value;
    run.recordPeer(provider, outcome, answer, hijack);
    run.emit('answer', {
      provider: provider.name,
      role,
      ...options.extra,
      text: answer.text,
      verdict: answer.verdict,
      findings: answer.findings,
      ...(answer.confidence === undefined ? {} : { confidence: answer.confidence }),
      structured: answer.structured,
      ...(hijack ? { excluded: hijack } : {}),
    });
    return { provider, answer, ...(hijack ? { excluded: hijack } : {}) };
  }
}
