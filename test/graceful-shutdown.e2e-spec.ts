import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentEnv, issueKey } from './support/cli-service';
import { removeKeys } from './support/redis-cleanup';
import { freePort, startService, waitForHttp, type RunningProcess } from './support/processes';

/**
 * SIGTERM while an analysis runs (development: API, worker and the bundled simulator in one
 * process): the running job finishes before anything it uses (the simulator, the event
 * subscriber, Redis) closes, and the process exits 0.
 */
describe('graceful shutdown drains running analyses first', () => {
  const prefix = `gs${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'techsapo-shutdown-'));
  const admin = { username: 'admin', password: `admin-${randomBytes(12).toString('hex')}` };
  const env = {
    ...developmentEnv(prefix, dir, admin),
    // Slow providers: the analysis is surely still running when SIGTERM arrives.
    WALL_BOUNCE_SIMULATOR_LATENCY_MS: '1500',
    SHUTDOWN_TIMEOUT_MS: '30000',
  };
  let service: RunningProcess | undefined;

  afterAll(async () => {
    if (service?.child.exitCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    rmSync(dir, { recursive: true, force: true });
    await removeKeys(prefix);
  });

  async function start(): Promise<string> {
    const port = await freePort();
    service = startService({ ...env, PORT: String(port) });
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/health/ready`, 30000);
    return url;
  }

  it('SIGTERM mid-analysis: the analysis completes, the process exits 0, no audit entry is lost', async () => {
    let url = await start();
    const key = await issueKey(url, admin, 'ci');
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const created = await fetch(`${url}/api/v1/analyses`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ content: 'export const ttl = 60;\n', cache: false }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const status = async () =>
      (
        (await (await fetch(`${url}/api/v1/analyses/${id}`, { headers })).json()) as {
          status: string;
        }
      ).status;
    const deadline = Date.now() + 20000;
    while ((await status()) !== 'running' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(await status()).toBe('running');

    const first = service as RunningProcess;
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const output = first.output();
    expect(output).not.toMatch(/insufficient-providers|ECONNREFUSED|ECONNRESET/);
    expect(output).not.toMatch(/audit entr(y|ies) (lost|not written)|AUDIT-FALLBACK/i);

    // The stored analysis, as the next instance sees it.
    url = await start();
    const after = await fetch(`${url}/api/v1/analyses/${id}`, { headers });
    expect(((await after.json()) as { status: string }).status).toBe('completed');
    service?.child.kill('SIGTERM');
    expect(await service?.exited).toBe(0);
  });
});
