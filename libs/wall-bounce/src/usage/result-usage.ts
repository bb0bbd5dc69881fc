import type { AnalysisResult, ProviderReport, Usage } from '../analysis/analysis.types';
import { AnalysisUsage, usageOf } from './usage-summary';

const NOTHING: Usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

/**
 * The result as the ledger bills it: its usage, and each provider's, are those of every billed
 * call of every attempt. A provider that only an earlier attempt called (its worker stopped)
 * is listed too, since it was billed.
 */
export function billedResult(result: AnalysisResult, ledger: AnalysisUsage): AnalysisResult {
  const billed = new Map(ledger.providers.map((p) => [p.name, usageOf(p)]));
  const providers: ProviderReport[] = result.providers.map((p) => ({
    ...p,
    usage: billed.get(p.name) ?? NOTHING,
  }));
  const reported = new Set(result.providers.map((p) => p.name));
  for (const p of ledger.providers) {
    if (reported.has(p.name)) continue;
    providers.push({
      name: p.name,
      model: p.model,
      roles: p.roles,
      status: 'failed',
      latencyMs: 0,
      usage: usageOf(p),
      error: 'called only by an earlier attempt of this analysis, whose worker stopped',
    });
  }
  return { ...result, providers, usage: usageOf(ledger) };
}

/**
 * An earlier result served again: this request cost nothing, and what the original analysis
 * cost is reported apart. The provider reports describe the original run, as the answer does.
 */
export function cachedResult(original: AnalysisResult): AnalysisResult {
  return { ...original, usage: { ...NOTHING }, originalUsage: original.usage };
}
