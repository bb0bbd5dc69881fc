import { Module } from '@nestjs/common';
import { McpProxyModule } from '@techsapo/mcp-proxy';
import { AnalysesModule } from '@techsapo/wall-bounce';
import { AdminMcpController } from './admin-mcp.controller';
import { AnalyzeTool } from './analyze.tool';
import { McpServersController } from './mcp-servers.controller';
import { McpController } from './mcp.controller';
import { ProtectedResourceController } from './protected-resource.controller';

/**
 * The MCP proxy's HTTP surface, in the process roles `mcp` and `all`: the /mcp endpoint, its
 * REST twins and the admin approval, and TechSapo's own tool `techsapo__analyze` (which
 * queues analyses like the REST API; the workers run them). Kept together because they share
 * the upstream connections and the in-process MCP sessions of one process.
 */
@Module({
  imports: [McpProxyModule, AnalysesModule],
  controllers: [
    McpController,
    McpServersController,
    AdminMcpController,
    ProtectedResourceController,
  ],
  providers: [AnalyzeTool],
})
export class McpApiModule {}
