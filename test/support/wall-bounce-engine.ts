import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { SecurityEventsModule } from '@techsapo/audit';
import { validateEnvironment } from '@techsapo/core';
import { DetectionModule } from '@techsapo/security';
import {
  AnalysisEngine,
  type AnalysisEventType,
  type AnalysisRequest,
  type AnalysisResult,
  ProviderRegistry,
  type PeerFinding,
  type RunContext,
  type SimulatedCall,
  type SimulatorReply,
  taskOf,
  WallBounceEngineModule,
  wallBounceEngineConfig,
} from '@techsapo/wall-bounce';

export interface EngineHarness {
  engine: AnalysisEngine;
  registry: ProviderRegistry;
  module: TestingModule;
  /** Runs one analysis and keeps its progress events. */
  run(
    request: Partial<AnalysisRequest>,
    signal?: AbortSignal,
    context?: Partial<Omit<RunContext, 'progress' | 'signal'>>,
  ): Promise<{
    result: AnalysisResult;
    events: { type: AnalysisEventType; data: Record<string, unknown> }[];
  }>;
  events: { type: AnalysisEventType; data: Record<string, unknown> }[];
  close(): Promise<void>;
}

/**
 * The engine in a Nest testing module with the real configuration namespace, detector,
 * security events and providers (SDKs over HTTP to the fake servers). `validate: false` lets a test reach the
 * run-time checks behind the boot-time validation.
 */
export async function startEngine(
  env: Record<string, string>,
  options: { validate?: boolean } = {},
): Promise<EngineHarness> {
  const previous = { ...process.env };
  Object.assign(process.env, env);
  try {
    if (options.validate !== false) validateEnvironment(process.env, [wallBounceEngineConfig]);
    const module = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [wallBounceEngineConfig.factory],
        }),
        SecurityEventsModule,
        DetectionModule,
        WallBounceEngineModule,
      ],
    }).compile();
    await module.init();
    const engine = module.get(AnalysisEngine);
    const events: EngineHarness['events'] = [];
    return {
      engine,
      registry: module.get(ProviderRegistry),
      module,
      events,
      async run(request, signal = new AbortController().signal, context = {}) {
        events.length = 0;
        const result = await engine.run(
          { content: 'How should a cache entry expire in Redis?', mode: 'parallel', ...request },
          { progress: (type, data) => events.push({ type, data }), signal, ...context },
        );
        return { result, events: [...events] };
      },
      async close() {
        await module.close();
        process.env = previous;
      },
    };
  } catch (error) {
    process.env = previous;
    throw error;
  }
}

/** The labelled blocks of untrusted material in a prompt, as the engine wraps them. */
export function untrustedBlocks(prompt: string): { label: string; text: string }[] {
  return [
    ...prompt.matchAll(
      /<<<BEGIN UNTRUSTED ([0-9a-f]+) ([^>]+)>>>\n([\s\S]*?)\n<<<END UNTRUSTED \1>>>/g,
    ),
  ].map((m) => ({ label: m[2], text: m[3] }));
}

/** A peer's structured answer as a script gives it (defaults fill the rest). */
export interface PeerReply {
  answer: string;
  verdict?: string;
  findings?: PeerFinding[];
  confidence?: number;
}

/** The aggregator's structured judgement as a script gives it. */
export interface JudgementReply {
  answer?: string;
  verdict?: string;
  agreement?: number;
  confidence?: number;
  dissent?: string[];
}

/** The verdicts the request's schema allows (its first when a script names none). */
export function verdictsAsked(call: SimulatedCall): string[] {
  const properties = call.output?.schema?.properties as
    Record<string, { enum?: string[] }> | undefined;
  return properties?.verdict?.enum ?? [];
}

/**
 * A well-behaved model for the tests, replying through structured output: each peer's answer
 * (a text gives the task's first verdict, no findings, confidence 0.9), rankings that put
 * answers with a higher "quality N" first, and a judgement.
 */
export function cooperative(
  answers: Record<string, string | PeerReply>,
  judgement: JudgementReply = { agreement: 0.9, confidence: 0.9 },
  usage = { inputTokens: 100, outputTokens: 50 },
) {
  return (call: SimulatedCall): SimulatorReply => {
    const task = taskOf(call.system);
    if (task === 'review') {
      const ranking = untrustedBlocks(call.prompt)
        .sort((a, b) => quality(b.text) - quality(a.text))
        .map((b) => b.label);
      return { json: { ranking, critique: 'ranked by quality' }, ...usage };
    }
    const verdict = verdictsAsked(call)[0];
    if (task === 'aggregate') {
      return {
        json: {
          answer: judgement.answer ?? 'FINAL: set the key with SET key value EX seconds.',
          verdict: judgement.verdict ?? verdict,
          agreement: judgement.agreement ?? 0.9,
          confidence: judgement.confidence ?? 0.9,
          dissent: judgement.dissent ?? [],
        },
        ...usage,
      };
    }
    const given = answers[call.model] ?? `answer of ${call.model}`;
    const reply = typeof given === 'string' ? { answer: given } : given;
    return {
      json: {
        answer: reply.answer,
        findings: reply.findings ?? [],
        verdict: reply.verdict ?? verdict,
        confidence: reply.confidence ?? 0.9,
      },
      ...usage,
    };
  };
}

function quality(text: string): number {
  return Number(/quality (\d+)/.exec(text)?.[1] ?? 0);
}
