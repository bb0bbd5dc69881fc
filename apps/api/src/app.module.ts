import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuditModule } from '@techsapo/audit';
import { CoreModule, ProcessRole } from '@techsapo/core';
import { SecurityPipelineModule } from '@techsapo/security';
import { AnalysisWorkerModule, WallBounceEngineModule } from '@techsapo/wall-bounce';
import { AuditAdminModule } from './admin/audit-admin.module';
import { ApiModule } from './api.module';
import { CONFIG_NAMESPACES } from './config';
import { HealthModule } from './health/health.module';
import { McpApiModule } from './mcp/mcp-api.module';
import { ObservabilityModule } from './observability/observability.module';
import { OpenAiApiModule } from './openai/openai-api.module';

/**
 * What each process role runs. Every role serves /health and /metrics so that Kubernetes can
 * probe and scrape it; `api` adds the REST API (and its OpenAI-compatible door), `worker` the queue processors, `mcp` the MCP
 * endpoint, `all` (development default) everything.
 */
const ROLE_MODULES: Record<ProcessRole, Type[]> = {
  api: [ApiModule, AuditAdminModule, WallBounceEngineModule, OpenAiApiModule],
  worker: [WallBounceEngineModule, AnalysisWorkerModule],
  mcp: [McpApiModule],
  all: [
    ApiModule,
    AuditAdminModule,
    WallBounceEngineModule,
    AnalysisWorkerModule,
    McpApiModule,
    OpenAiApiModule,
  ],
};

@Module({})
export class AppModule {
  static forRole(role: ProcessRole): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(CONFIG_NAMESPACES),
        SecurityPipelineModule,
        ObservabilityModule,
        AuditModule,
        HealthModule,
        ...ROLE_MODULES[role],
      ],
    };
  }
}
