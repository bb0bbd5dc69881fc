import { newTestService } from '@techsapo/testing';
import { mcpConfig } from '../config/mcp.config';
import { McpQuotaExceededError } from '../errors/mcp.errors';
import { McpQuotas } from './mcp-quotas';

function setup() {
  const config = mcpConfig.read({
    MCP_SESSION_FILE_READS: '2',
    MCP_SESSION_NETWORK_CALLS: '1',
    MCP_QUOTA_WINDOW_SECONDS: '60',
  });
  const { sut } = newTestService((d) => new McpQuotas(d.mcpQuotas, config));
  return sut;
}

describe('McpQuotas', () => {
  // 15 s into a 60-second window.
  beforeEach(() => jest.useFakeTimers({ now: 60_000 * 1_000 + 15_000 }));
  afterEach(() => jest.useRealTimers());

  it('counts each use; past the kind’s limit, 429 with the time left of the window', async () => {
    const quotas = setup();
    expect(await quotas.consume('u-1', 'file-reads')).toBe(1);
    expect(await quotas.consume('u-1', 'file-reads')).toBe(2);
    const refused = await quotas.consume('u-1', 'file-reads').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(McpQuotaExceededError);
    expect(refused).toMatchObject({
      status: 429,
      quota: 'file-reads',
      options: { headers: { 'Retry-After': '45' } },
    });
  });

  it('keeps kinds and principals apart', async () => {
    const quotas = setup();
    await quotas.consume('u-1', 'network-calls');
    await expect(quotas.consume('u-1', 'network-calls')).rejects.toThrow(McpQuotaExceededError);
    expect(await quotas.consume('u-1', 'file-reads')).toBe(1);
    expect(await quotas.consume('u-2', 'network-calls')).toBe(1);
  });

  it('starts again in the next window', async () => {
    const quotas = setup();
    await quotas.consume('u-1', 'network-calls');
    jest.advanceTimersByTime(45_000);
    expect(await quotas.consume('u-1', 'network-calls')).toBe(1);
  });
});
