import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { SimulatorEndpoint } from '../providers/provider.registry';
import { developmentScript } from './development-script';
import { LlmSimulator } from './llm-simulator';

/** The latest calls the development simulator keeps (for a look in a debugger or a test). */
const KEPT_CALLS = 100;

/**
 * Owns the bundled simulator when development runs without providers: starts it on loopback
 * with a random key, announces loudly that answers are simulated, and stops it on shutdown.
 */
@Injectable()
export class SimulatorHost implements OnApplicationShutdown {
  private readonly logger = new Logger('WallBounceSimulator');
  simulator?: LlmSimulator;

  async start(latencyMs: number): Promise<SimulatorEndpoint> {
    const apiKey = randomBytes(24).toString('base64url');
    this.simulator = new LlmSimulator({
      script: developmentScript,
      latencyMs,
      apiKey,
      keepCalls: KEPT_CALLS,
    });
    const url = await this.simulator.start(0, '127.0.0.1');
    this.logger.warn(
      `LLM providers are SIMULATED: no LLM_PROVIDERS configured, so the bundled simulator at ${url} ` +
        'answers as sim-openai-a, sim-openai-b (OpenAI protocol) and sim-anthropic (Anthropic ' +
        'protocol). Its answers do not come from language models. Set LLM_PROVIDERS or ' +
        'LLM_PROVIDERS_FILE for real analyses; production never uses the simulator.',
    );
    return { url, apiKey };
  }

  /**
   * Last, after the queue processor drained (beforeApplicationShutdown): the analyses still
   * running at SIGTERM call the simulator until they finish.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.close();
  }
}
