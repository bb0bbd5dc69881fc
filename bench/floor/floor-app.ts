import { join } from 'node:path';
import { freePort, startService, waitForHttp } from '../../test/support/processes';

export interface FloorApp {
  base: string;
  /** Its process id, for its CPU time. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts bench/floor/minimal-nest.cjs in its own process: the framework's floor. */
export async function startFloorApp(): Promise<FloorApp> {
  const port = await freePort();
  const service = startService({ PORT: String(port) }, [join(__dirname, 'minimal-nest.cjs')]);
  const base = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (service.child.exitCode === null) service.child.kill('SIGTERM');
    await service.exited;
  };
  try {
    await waitForHttp(`${base}/health/live`, 30000);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${service.output()}`);
  }
  return { base, pid: service.child.pid, stop };
}
