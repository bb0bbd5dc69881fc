import { Module } from '@nestjs/common';
import { McpProxyModule } from '@techsapo/mcp-proxy';
import { AdminMcpController } from './admin-mcp.controller';
import { McpServersController } from './mcp-servers.controller';
import { McpController } from './mcp.controller';
import { ProtectedResourceController } from './protected-resource.controller';

/**
 * The MCP proxy's HTTP surface, in the process roles `mcp` and `all`: the /mcp endpoint, its
 * REST twins and the admin approval. Kept together because they share the upstream
 * connections and the in-process MCP sessions of one process.
 */
@Module({
  imports: [McpProxyModule],
  controllers: [
    McpController,
    McpServersController,
    AdminMcpController,
    ProtectedResourceController,
  ],
})
export class McpApiModule {}
