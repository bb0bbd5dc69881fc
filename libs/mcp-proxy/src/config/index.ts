/**
 * The library's second door, `@techsapo/mcp-proxy/config`: its configuration namespace alone,
 * so that every process validates MCP_* at boot without loading the proxy and the MCP SDK,
 * which only the `mcp` and `all` roles run.
 */
export * from './mcp.config';
