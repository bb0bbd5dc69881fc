import {
  makeCounterProvider,
  makeGaugeProvider,
  makeHistogramProvider,
} from '@willsoto/nestjs-prometheus';

export const MCP_OPERATION_DURATION = 'techsapo_mcp_operation_duration_seconds';
export const MCP_UPSTREAM_UP = 'techsapo_mcp_upstream_up';
export const MCP_UPSTREAM_RESTARTS = 'techsapo_mcp_upstream_restarts_total';

/** operation: list_tools | call_tool | approve_tool | get_prompt | read_resource | complete; security_check: the check that decided (or `passed`); result: allowed | denied | error | timeout. */
export const mcpMetricProviders = [
  makeHistogramProvider({
    name: MCP_OPERATION_DURATION,
    help: 'MCP proxy operations by operation, deciding security check and result',
    labelNames: ['operation', 'security_check', 'result'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3, 10],
  }),
  makeGaugeProvider({
    name: MCP_UPSTREAM_UP,
    help: 'Whether an upstream MCP server is connected and answered its last liveness ping (1) or not (0)',
    labelNames: ['server', 'transport'],
  }),
  makeCounterProvider({
    name: MCP_UPSTREAM_RESTARTS,
    help: 'Upstream MCP connections ended by the proxy and opened again, by reason (unresponsive, session-lost, closed)',
    labelNames: ['server', 'reason'],
  }),
];
