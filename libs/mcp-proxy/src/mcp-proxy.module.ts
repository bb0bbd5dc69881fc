import { Module } from '@nestjs/common';
import { SecurityEventsModule } from '@techsapo/audit';
import { DetectionModule } from '@techsapo/security';
import { ArgumentGuard } from './arguments/argument-guard';
import { mcpMetricProviders } from './mcp.metrics';
import { ToolPinsService } from './pinning/tool-pins.service';
import { ToolPinsStore } from './pinning/tool-pins.store';
import { ToolCatalog } from './policy/tool-catalog';
import { LocalTools } from './local/local-tools';
import { McpContentService } from './proxy/mcp-content.service';
import { McpDecisions } from './proxy/mcp-decisions';
import { McpProxyService } from './proxy/mcp-proxy.service';
import { ResultSanitizer } from './results/result-sanitizer';
import { McpEndpoint } from './server/mcp-endpoint';
import { McpQuotas } from './session/mcp-quotas';
import { McpQuotasStore } from './session/mcp-quotas.store';
import { McpSessionRegistry } from './session/mcp-session-registry';
import { McpSessionsStore } from './session/mcp-sessions.store';

/**
 * The MCP proxy: upstreams from MCP_CONFIG, the tool policy, pins, argument and result
 * checks (with the content detector, DetectionModule), quotas, and the Streamable HTTP endpoint. Imported by the process roles that serve
 * MCP (`mcp`, `all`); the others never start an upstream.
 */
@Module({
  imports: [SecurityEventsModule, DetectionModule],
  providers: [
    ...mcpMetricProviders,
    ToolCatalog,
    ToolPinsStore,
    ToolPinsService,
    ArgumentGuard,
    ResultSanitizer,
    McpQuotasStore,
    McpQuotas,
    McpSessionsStore,
    McpSessionRegistry,
    McpDecisions,
    McpProxyService,
    McpContentService,
    LocalTools,
    McpEndpoint,
  ],
  exports: [McpProxyService, McpContentService, McpEndpoint, ToolCatalog, LocalTools],
})
export class McpProxyModule {}
