import { Module } from '@nestjs/common';
import { AnalysesModule } from '@techsapo/wall-bounce';
import { ChatCompletionsController } from './chat-completions.controller';
import { ModelsController } from './models.controller';

/**
 * The OpenAI-compatible door of the `api` role: analyses submitted as chat completions, the
 * profiles listed as models. Same service, pipeline, budgets and audit as /api/v1/analyses.
 */
@Module({
  imports: [AnalysesModule],
  controllers: [ChatCompletionsController, ModelsController],
})
export class OpenAiApiModule {}
