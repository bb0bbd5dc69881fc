import type { AnalysisTask, AnswerFormat } from '../analysis/analysis.types';
import { AggregationFailedError } from '../errors/aggregation-failed.error';
import type { LlmProvider } from '../providers/llm-provider';
import type { ChatRequest } from '../providers/provider.types';
import type { AnalysisRun } from './analysis-run';
import type { Judgement } from './parsing/judgement';
import { judgementReader } from './peer-reading';
import { ScreenedStream } from './screening/screened-stream';

export interface Aggregated {
  judgement: Judgement;
  provider: LlmProvider;
  fallback: boolean;
  /** Why the answer is degraded (failed aggregators, a hijack attempt in the output). */
  reasons: string[];
}

/**
 * The aggregator writes the final answer through structured output, its `answer` field
 * streamed as `answer_delta` events once each piece scanned clean; if it fails (error,
 * timeout, blocked output) the next one (the fallback) does. Resolves undefined when the cost
 * cap stops aggregation: no answer is made up. Throws AggregationFailedError when every
 * aggregator failed. With an answer format the answer is an object, not streamed: it is
 * whole only once the reply is complete and valid.
 */
export async function aggregate(
  run: AnalysisRun,
  aggregators: readonly LlmProvider[],
  prompt: ChatRequest,
  task: AnalysisTask,
  format?: AnswerFormat,
): Promise<Aggregated | undefined> {
  const failures: string[] = [];
  for (const [index, aggregator] of aggregators.entries()) {
    const source = `provider:${aggregator.name}`;
    const stream = new ScreenedStream(
      (text) => run.screener.scan(text, 'llm-answer'),
      (text) => run.emit('answer_delta', { provider: aggregator.name, text }),
    );
    if (!run.cost.reached) run.emit('aggregating', { provider: aggregator.name });
    const outcome = await run.call(
      aggregator,
      'aggregator',
      format
        ? prompt
        : { ...prompt, stream: { field: 'answer', onDelta: (text) => stream.push(text) } },
      judgementReader(run.screener, task, source, format),
    );
    run.recordHelper(aggregator, outcome);
    if (outcome.ok) {
      stream.finish();
      const reasons = [...failures];
      if (index > 0) reasons.push(`fallback aggregator ${aggregator.name} wrote the answer`);
      if (outcome.value.hijack) {
        reasons.push(`aggregator ${aggregator.name}: ${outcome.value.hijack}`);
      }
      return { judgement: outcome.value.value, provider: aggregator, fallback: index > 0, reasons };
    }
    if (outcome.capped) {
      failures.forEach((f) => run.degrade(f));
      run.degrade(
        'the cost cap stopped the aggregation: no final answer was written; every peer answer is in providers[].answer',
      );
      return undefined;
    }
    failures.push(`aggregator ${aggregator.name} ${outcome.status}: ${outcome.reason}`);
  }
  throw new AggregationFailedError(failures);
}
