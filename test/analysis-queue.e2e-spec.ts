import { randomUUID } from 'node:crypto';
import { AddressInfo, Server, Socket, createServer } from 'node:net';
import Bull from 'bull';
import { Redis, RedisOptions } from 'ioredis';
import { AnalysesConfig, BullAnalysisQueue } from '@techsapo/wall-bounce';

// How the Bull worker's processing ends, on a real Redis. The blocking connection here never
// becomes ready (TLS to a server that never answers the handshake); when it ends, it ends
// without an error, and Bull then rejects with no reason.
const config = { backoffMs: 1000 } as AnalysesConfig;
const noChecks: RedisOptions = { enableReadyCheck: false, maxRetriesPerRequest: null };

let silent: Server;
const sockets = new Set<Socket>();
const connections: Redis[] = [];

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  const ended = connections.splice(0).map((connection) => {
    if (connection.status === 'end') return undefined;
    const end = new Promise((resolve) => connection.once('end', resolve));
    connection.disconnect();
    return end;
  });
  await Promise.all(ended);
});

afterAll(async () => {
  await new Promise((resolve) => silent.close(resolve));
});

function analysisQueue(): { queue: BullAnalysisQueue; bclient: () => Redis | undefined } {
  const url = process.env.REDIS_URL!;
  const { port } = silent.address() as AddressInfo;
  let bclient: Redis | undefined;
  const bull = new Bull(`analysis-queue-spec-${randomUUID()}`, {
    createClient: (type) => {
      const connection =
        type === 'client'
          ? new Redis(url)
          : type === 'subscriber'
            ? new Redis(url, noChecks)
            : // Bull reconnects it when it closes: that attempt gives up soon, for good.
              (bclient = new Redis({
                ...noChecks,
                host: '127.0.0.1',
                port,
                tls: {},
                connectTimeout: 2000,
                retryStrategy: () => null,
              }));
      connections.push(connection);
      return connection;
    },
  });
  return { queue: new BullAnalysisQueue(bull, config), bclient: () => bclient };
}

/** Until Bull waits for the blocking connection to be ready (it listens for its end). */
async function waitingFor(bclient: () => Redis | undefined): Promise<void> {
  while (!bclient()?.listenerCount('end')) await new Promise((r) => setTimeout(r, 10));
  expect(bclient()!.status).toBe('connecting');
}

describe('BullAnalysisQueue processing', () => {
  it('ends quietly when the worker is closed before its blocking connection is ready', async () => {
    const { queue, bclient } = analysisQueue();
    const stopped = queue.process(1, async () => undefined);
    await waitingFor(bclient);
    await queue.close();
    await expect(stopped).resolves.toBeUndefined();
  });

  it('rejects with a reason when its blocking connection ends outside closing', async () => {
    const { queue, bclient } = analysisQueue();
    const stopped = queue.process(1, async () => undefined);
    await waitingFor(bclient);
    bclient()!.disconnect();
    await expect(stopped).rejects.toThrow(
      'analysis processing stopped: its blocking Redis connection ended',
    );
    await queue.close();
  });
});
