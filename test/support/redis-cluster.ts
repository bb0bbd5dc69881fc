import Redis from 'ioredis';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The local Redis Cluster of `npm run test:cluster` (scripts/redis-cluster.sh) as a test sees
 * it from outside: its topology through plain connections to single nodes (never through the
 * cluster client under test), and its processes, to stop or kill one.
 */
export interface ClusterNode {
  id: string;
  port: number;
  master: boolean;
  failed: boolean;
  masterId: string;
  slots: [number, number][];
}

export const seeds = (process.env.REDIS_CLUSTER_NODES ?? '')
  .split(',')
  .filter(Boolean)
  .map((n) => Number(n.split(':')[1]));
export const clusterDir = process.env.REDIS_CLUSTER_DIR ?? '';

/** Runs `command` on the first of `ports` that answers. */
export async function ask<T>(command: (node: Redis) => Promise<T>, ports = seeds): Promise<T> {
  let last: unknown;
  for (const port of ports) {
    const node = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
    node.on('error', () => undefined);
    try {
      await node.connect();
      return await command(node);
    } catch (error) {
      last = error;
    } finally {
      node.disconnect();
    }
  }
  throw last;
}

/** CLUSTER NODES as one node that answers sees it. */
export async function topology(ports = seeds): Promise<ClusterNode[]> {
  const text = String(await ask((n) => n.cluster('NODES'), ports));
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(' ');
      return {
        id,
        port: Number(address.split('@')[0].split(':')[1]),
        master: flags.includes('master'),
        failed: /fail/.test(flags),
        masterId,
        slots: slots
          .filter((s) => !s.startsWith('['))
          .map((s) => s.split('-').map(Number))
          .map(([from, to]) => [from, to ?? from] as [number, number]),
      };
    });
}

export const holds = (node: ClusterNode, slot: number): boolean =>
  node.slots.some(([from, to]) => slot >= from && slot <= to);

/** The master serving `key`'s slot and its replica. */
export async function pairFor(key: string): Promise<{ master: ClusterNode; replica: ClusterNode }> {
  const slot = Number(await ask((n) => n.cluster('KEYSLOT', key)));
  const nodes = await topology();
  const master = nodes.find((n) => n.master && !n.failed && holds(n, slot));
  const replica = nodes.find((n) => !n.master && !n.failed && n.masterId === master?.id);
  if (!master || !replica) throw new Error(`no master with a replica serves ${key}`);
  return { master, replica };
}

/** The pid of a node's redis-server (from its pidfile). */
export function pidOf(port: number): number {
  return Number(readFileSync(join(clusterDir, String(port), 'redis.pid'), 'utf8'));
}

export async function until(
  what: string,
  check: () => Promise<boolean>,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}
