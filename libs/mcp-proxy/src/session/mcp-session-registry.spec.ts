import { newTestService } from '@techsapo/testing';
import { mcpConfig } from '../config/mcp.config';
import { McpSessionRegistry } from './mcp-session-registry';

const IDLE_MS = 60_000;

function setup() {
  const config = mcpConfig.read({ MCP_SESSION_MAX_PER_USER: '2', MCP_SESSION_IDLE_SECONDS: '60' });
  const { sut, mcpSessions } = newTestService((d) => new McpSessionRegistry(d.mcpSessions, config));
  return { registry: sut, store: mcpSessions };
}

describe('McpSessionRegistry', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-01-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('opening one more than MCP_SESSION_MAX_PER_USER ends the least recently used', async () => {
    const { registry } = setup();
    expect(await registry.open('u-1', 's-1')).toEqual([]);
    jest.advanceTimersByTime(1_000);
    expect(await registry.open('u-1', 's-2')).toEqual([]);
    jest.advanceTimersByTime(1_000);
    // s-1 was used last, so s-2 is the one pushed out.
    expect(await registry.touch('u-1', 's-1')).toBe(true);
    jest.advanceTimersByTime(1_000);
    expect(await registry.open('u-1', 's-3')).toEqual(['s-2']);
    expect(await registry.touch('u-1', 's-2')).toBe(false);
    expect(await registry.count('u-1')).toBe(2);
  });

  it('counts each principal apart', async () => {
    const { registry } = setup();
    await registry.open('u-1', 's-1');
    await registry.open('u-1', 's-2');
    expect(await registry.open('u-2', 's-3')).toEqual([]);
    expect(await registry.count('u-1')).toBe(2);
    expect(await registry.count('u-2')).toBe(1);
  });

  it('an idle session drops out: not counted, not touched back, no room taken', async () => {
    const { registry } = setup();
    await registry.open('u-1', 's-1');
    jest.advanceTimersByTime(IDLE_MS + 1);
    expect(await registry.count('u-1')).toBe(0);
    expect(await registry.touch('u-1', 's-1')).toBe(false);
    await registry.open('u-1', 's-2');
    expect(await registry.open('u-1', 's-3')).toEqual([]);
  });

  it('a closed session is ended for every later touch', async () => {
    const { registry, store } = setup();
    await registry.open('u-1', 's-1');
    await registry.close('u-1', 's-1');
    expect(await registry.touch('u-1', 's-1')).toBe(false);
    expect(store.sessions.get('u-1')?.size).toBe(0);
  });
});
