import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuditModule } from '@techsapo/audit';
import { CoreModule, ProcessRole } from '@techsapo/core';
import { SecurityPipelineModule } from '@techsapo/security';
import { AnalysisWorkerModule, WallBounceEngineModule } from '@techsapo/wall-bounce';
import { CONFIG_NAMESPACES } from './config';
import { HealthModule } from './health/health.module';
import { ObservabilityModule } from './observability/observability.module';

/** Each module a role may run, loaded only by the roles that run it. */
const load = {
  api: async () => (await import('./api.module.js')).ApiModule,
  auditAdmin: async () => (await import('./admin/audit-admin.module.js')).AuditAdminModule,
  openAi: async () => (await import('./openai/openai-api.module.js')).OpenAiApiModule,
  mcp: async () => (await import('./mcp/mcp-api.module.js')).McpApiModule,
  engine: () => Promise.resolve(WallBounceEngineModule),
  worker: () => Promise.resolve(AnalysisWorkerModule),
};

/**
 * What each process role runs. Every role serves /health and /metrics so that Kubernetes can
 * probe and scrape it; `api` adds the REST API (and its OpenAI-compatible door), `worker` the
 * queue processors, `mcp` the MCP endpoint, `all` (development default) everything. A role's
 * modules are loaded when the role is chosen: a worker never loads the HTTP API's controllers
 * nor the MCP SDK, an api process not the MCP SDK (each is several MB of heap, kept for the
 * life of the process).
 */
const ROLE_MODULES: Record<ProcessRole, (keyof typeof load)[]> = {
  api: ['api', 'auditAdmin', 'engine', 'openAi'],
  worker: ['engine', 'worker'],
  mcp: ['mcp'],
  all: ['api', 'auditAdmin', 'engine', 'worker', 'mcp', 'openAi'],
};

/** Whether a role runs one of the modules above (the web console goes with the REST API). */
export function roleRuns(role: ProcessRole, module: keyof typeof load): boolean {
  return ROLE_MODULES[role].includes(module);
}

@Module({})
export class AppModule {
  static async forRole(role: ProcessRole): Promise<DynamicModule> {
    const roleModules: Type[] = await Promise.all(ROLE_MODULES[role].map((name) => load[name]()));
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(CONFIG_NAMESPACES),
        SecurityPipelineModule,
        ObservabilityModule,
        AuditModule,
        HealthModule,
        ...roleModules,
      ],
    };
  }
}
